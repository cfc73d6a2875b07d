"""Issue 16's rules in the decision: runs known gone, failures in a row, the session artifact."""

from __future__ import annotations

import pytest

from learnlib.rules import plan_header
from learnlib.rules.decision import FAILED_REPEATEDLY, decide, failed_in_a_row
from learnlib.rules.records import Artifact
from learnlib.rules.session import (
    SessionCheck,
    artifact_name,
    judge,
    remote_session_run,
    run_gone,
    unreadable,
)
from tests.unit.conftest import PLAN_BODY
from tests.unit.test_decision import issue, run

FAILURES = ("failure", "timed_out", "startup_failure")


def test_a_named_run_github_answered_404_for_is_redispatched() -> None:
    # the listing alone cannot tell (nothing newer is listed): the lookup by id can
    assert decide(issue("pending", "77"), [], label="erk-plan").action == "none"
    decision = decide(issue("pending", "77"), [], label="erk-plan", gone={77})
    assert decision.action == "redispatch" and "77 no longer exists" in decision.reason


def test_a_named_run_looked_up_and_handed_in_is_decided_as_if_listed() -> None:
    old_failed = run(77, conclusion="failure", age=90_000)
    decision = decide(
        issue("pending", "77"), [run(900, title="Learn #1"), old_failed], label="erk-plan"
    )
    assert decision.action == "redispatch" and decision.run == old_failed


@pytest.mark.parametrize("last", FAILURES)
def test_three_failed_in_a_row_are_not_dispatched_again(last: str) -> None:
    runs = [
        run(79, conclusion=last),
        run(78, conclusion="timed_out", age=60),
        run(77, conclusion="failure", age=120),
    ]

    decision = decide(issue("pending", "79"), runs, label="erk-plan")

    assert decision.action == "none" and decision.code == FAILED_REPEATEDLY
    assert all(str(r.id) in decision.reason for r in runs) and "--force" in decision.reason
    forced = decide(issue("pending", "79"), runs, label="erk-plan", force=True)
    assert forced.action == "redispatch" and "79" in forced.reason


def test_two_failed_in_a_row_are_redispatched() -> None:
    runs = [
        run(79, conclusion="failure"),
        run(78, conclusion="failure", age=60),
        run(77, conclusion="success", age=120),
    ]
    decision = decide(issue("pending", "79"), runs, label="erk-plan")
    assert decision.action == "redispatch" and decision.code is None


def test_cancelled_runs_neither_count_nor_end_the_row() -> None:
    runs = [
        run(80, conclusion="cancelled"),
        run(79, conclusion="failure", age=30),
        run(78, conclusion="cancelled", age=60),
        run(77, conclusion="failure", age=90),
    ]
    # the newest (cancelled) is the one waited for: redispatched, two failures in a row
    assert decide(issue("pending", "80"), runs, label="erk-plan").action == "redispatch"
    assert [r.id for r in failed_in_a_row(runs, runs[0])] == [79, 77]
    three = [run(81, conclusion="startup_failure"), *runs]
    assert decide(issue("pending", "81"), three, label="erk-plan").action == "none"


def test_the_limit_is_a_parameter() -> None:
    runs = [run(79, conclusion="failure"), run(78, conclusion="failure", age=60)]
    assert decide(issue("pending", "79"), runs, label="erk-plan", max_failed_runs=2).code == (
        FAILED_REPEATEDLY
    )
    assert decide(issue("pending", "79"), runs[:1], label="erk-plan", max_failed_runs=1).action == (
        "none"
    )


def test_other_plans_failures_do_not_count() -> None:
    runs = [
        run(79, conclusion="failure"),
        run(78, conclusion="failure", title="Learn #1"),
        run(77, conclusion="failure", title="Learn #2"),
    ]
    assert decide(issue("pending", "79"), runs, label="erk-plan").action == "redispatch"


GONE = [
    judge({}, 5, [Artifact(1, "session-x", True, "2026-10-01T00:00:00Z")]),
    judge({}, 5, []),
    run_gone(5),
]


@pytest.mark.parametrize("check", GONE, ids=["expired", "missing", "run_gone"])
def test_a_dispatch_whose_session_is_gone_is_refused_even_with_force(
    check: SessionCheck,
) -> None:
    for force in (False, True):
        decision = decide(issue(), [], label="erk-plan", session=check, force=force)
        assert decision.action == "refuse" and decision.error_type == "no_session_data"
        assert decision.detail == check.detail


def test_a_gone_session_does_not_change_a_decision_that_dispatches_nothing() -> None:
    decision = decide(issue("completed_no_plan"), [], label="erk-plan", session=run_gone(5))
    assert decision.action == "none"


def test_live_or_unreadable_sessions_dispatch() -> None:
    live = judge({}, 5, [Artifact(1, "session-x", False, "2026-12-30T00:00:00Z")])
    for check in (live, unreadable(5, "HTTP 403")):
        assert not check.gone
        assert decide(issue(), [], label="erk-plan", session=check).action == "dispatch"


def header(**values: str | None) -> dict[str, object]:
    body = plan_header.set_values(PLAN_BODY, values) if values else PLAN_BODY
    return dict(plan_header.read_header(body))


def test_only_a_remote_only_session_needs_the_artifact_read() -> None:
    assert remote_session_run(header()) == 21203500990
    assert remote_session_run(header(last_local_impl_session="abc")) is None
    assert remote_session_run(header(last_remote_impl_run_id=None)) is None


def test_the_artifact_is_named_by_the_session_id_when_the_header_has_it() -> None:
    named = header(last_remote_impl_session_id="s-1")
    assert artifact_name(named) == "session-s-1"
    assert artifact_name(header()) is None
    others = [Artifact(1, "session-other", False, None)]
    assert judge(named, 5, others).verdict == "missing"
    assert judge(header(), 5, others).verdict == "live"  # any session* artifact


def test_the_expired_detail_gives_the_date() -> None:
    check = judge(header(), 5, [Artifact(1, "session-a", True, "2026-10-01T12:00:00Z")])
    assert check.verdict == "expired" and "expired on 2026-10-01" in check.detail
    assert "no longer exists" in run_gone(5).detail
    assert "holds no session artifact" in judge(header(), 5, []).detail
