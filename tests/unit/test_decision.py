"""The one decision over an issue and a run listing: every rule of issue 11."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from learnlib.rules import plan_header
from learnlib.rules.decision import decide, names_issue, plan_runs, run_id_of
from learnlib.rules.learn_state import LEARN_STATUSES, LEARNED
from learnlib.rules.records import Issue, WorkflowRun
from tests.unit.conftest import PLAN_BODY

N = 5406
T0 = datetime(2026, 11, 24, 10, tzinfo=UTC)


def issue(
    status: str | None = None,
    run_id: str | None = None,
    labels: tuple[str, ...] = ("erk-plan",),
    body: str = PLAN_BODY,
) -> Issue:
    values: dict[str, str | None] = {}
    if status is not None:
        values["learn_status"] = status
    if run_id is not None:
        values["learn_run_id"] = run_id
    if values:
        body = plan_header.set_values(body, values)
    return Issue(N, "Plan", body, labels, "OPEN", f"https://github.com/o/r/issues/{N}")


def run(
    run_id: int,
    *,
    status: str = "completed",
    conclusion: str = "success",
    title: str = f"Learn #{N}",
    event: str = "workflow_dispatch",
    age: float = 0.0,
) -> WorkflowRun:
    return WorkflowRun(
        id=run_id,
        url=f"https://github.com/o/r/actions/runs/{run_id}",
        created_at=T0 - timedelta(seconds=age),
        status=status,
        conclusion=conclusion,
        event=event,
        display_title=title,
    )


def test_the_vocabulary_is_erks_six_values() -> None:
    assert LEARN_STATUSES == (
        "not_started",
        "pending",
        "completed_no_plan",
        "completed_with_plan",
        "pending_review",
        "plan_completed",
    )


@pytest.mark.parametrize("status", [None, "null", "not_started"])
def test_never_learned_is_dispatched(status: str | None) -> None:
    # the seed body says `learn_status: null`; None leaves it so
    decision = decide(issue(None if status == "null" else status), [], label="erk-plan")
    assert decision.action == "dispatch" and decision.record is None


def test_absent_learn_status_is_never_learned() -> None:
    body = PLAN_BODY.replace("learn_status: null\n", "")
    assert "learn_status" not in plan_header.read_header(body)
    assert decide(issue(body=body), [], label="erk-plan").action == "dispatch"


@pytest.mark.parametrize("status", LEARNED)
def test_learned_statuses_are_not_dispatched(status: str) -> None:
    decision = decide(issue(status), [], label="erk-plan")
    assert decision.action == "none"
    assert status in decision.reason and "--force" in decision.reason
    assert decide(issue(status), [], label="erk-plan", force=True).action == "dispatch"


def test_an_unknown_status_is_refused_with_the_valid_values() -> None:
    decision = decide(issue("done"), [], label="erk-plan")
    assert (decision.action, decision.error_type) == ("refuse", "invalid_learn_status")
    for value in LEARN_STATUSES:
        assert value in decision.reason
    assert decide(issue("done"), [], label="erk-plan", force=True).action == "dispatch"


def test_a_non_string_status_is_invalid() -> None:
    body = PLAN_BODY.replace("learn_status: null", "learn_status: 3")
    assert decide(issue(body=body), [], label="erk-plan").error_type == "invalid_learn_status"


@pytest.mark.parametrize(
    ("make", "error_type"),
    [
        (lambda: issue(labels=("bug",)), "not_a_plan"),
        (lambda: issue(body="no header\n"), "invalid_plan_header"),
        (lambda: issue(body=PLAN_BODY.replace("'21203500990'", "null")), "no_session_data"),
    ],
)
def test_unusable_plans_are_refused(make: object, error_type: str) -> None:
    decision = decide(make(), [], label="erk-plan", force=True)  # type: ignore[operator]
    assert (decision.action, decision.error_type) == ("refuse", error_type)


@pytest.mark.parametrize("status", ["queued", "in_progress", "waiting"])
def test_a_run_in_progress_is_never_dispatched_again(status: str) -> None:
    active = run(77, status=status, conclusion="")
    for force in (False, True):
        decision = decide(issue("pending", "77"), [active], label="erk-plan", force=force)
        assert decision.action == "none" and decision.run == active
        assert active.url in decision.reason and decision.record is None


def test_a_run_in_progress_the_header_does_not_record_is_repaired() -> None:
    active = run(77, status="in_progress", conclusion="")
    decision = decide(issue(), [active], label="erk-plan")
    assert decision.action == "none"
    assert decision.record == {"learn_status": "pending", "learn_run_id": "77"}
    decision = decide(issue("pending"), [active], label="erk-plan")
    assert decision.record == {"learn_status": "pending", "learn_run_id": "77"}


def test_a_learned_status_written_by_the_runs_own_last_step_is_not_repaired() -> None:
    active = run(77, status="in_progress", conclusion="")
    decision = decide(issue("completed_no_plan", "77"), [active], label="erk-plan")
    assert decision.action == "none" and decision.record is None


@pytest.mark.parametrize("conclusion", ["failure", "cancelled", "timed_out", "startup_failure"])
def test_pending_whose_run_failed_is_redispatched_without_force(conclusion: str) -> None:
    decision = decide(issue("pending", "77"), [run(77, conclusion=conclusion)], label="erk-plan")
    assert decision.action == "redispatch"
    assert "77" in decision.reason and conclusion in decision.reason


def test_pending_without_a_run_id_rests_on_the_newest_titled_run() -> None:
    runs = [run(80, conclusion="failure"), run(70, conclusion="success", age=60)]
    assert decide(issue("pending"), runs, label="erk-plan").action == "redispatch"
    runs = [run(80, conclusion="success"), run(70, conclusion="failure", age=60)]
    assert decide(issue("pending"), runs, label="erk-plan").action == "none"


def test_pending_whose_run_succeeded_is_not_dispatched() -> None:
    decision = decide(issue("pending", "77"), [run(77)], label="erk-plan")
    assert decision.action == "none" and "succeeded" in decision.reason
    forced = decide(issue("pending", "77"), [run(77)], label="erk-plan", force=True)
    assert forced.action == "redispatch"


def test_pending_whose_run_is_gone_is_redispatched() -> None:
    older, newer = run(50, title="Learn #1", age=600), run(90, title="Learn #2")
    decision = decide(issue("pending", "77"), [newer, older], label="erk-plan")
    assert decision.action == "redispatch" and "no longer exists" in decision.reason
    complete = decide(issue("pending", "77"), [newer], label="erk-plan", complete=True)
    assert complete.action == "redispatch"


def test_pending_whose_run_is_too_fresh_to_be_listed_is_left_alone() -> None:
    # GitHub lists a run seconds after its dispatch: the newest listed run is older than ours
    older = run(50, title="Learn #1", age=600)
    for complete in (False, True):
        decision = decide(issue("pending", "77"), [older], label="erk-plan", complete=complete)
        assert decision.action == "none" and "--force" in decision.reason
    assert decide(issue("pending", "77"), [], label="erk-plan", complete=True).action == "none"


def test_pending_whose_run_may_be_older_than_the_listing_is_left_alone() -> None:
    newer = run(90, title="Learn #1")
    decision = decide(issue("pending", "77"), [newer], label="erk-plan")
    assert decision.action == "none" and "--force" in decision.reason
    assert decide(issue("pending", "77"), [newer], label="erk-plan", force=True).dispatches


def test_pending_with_no_run_to_be_found_says_force_dispatches() -> None:
    decision = decide(issue("pending"), [run(90, title="Learn #1")], label="erk-plan")
    assert decision.action == "none" and "--force" in decision.reason


def test_plan_runs_takes_the_named_run_and_dispatch_runs_titled_with_the_issue() -> None:
    runs = [
        run(1, title=f"Learn #{N}"),
        run(2, title=f"Learn #{N}0"),
        run(3, title="Learn #1", event="workflow_dispatch"),
        run(4, title=f"Learn #{N}", event="push"),
        run(5, title="anything"),
    ]
    assert [r.id for r in plan_runs(runs, N, 5)] == [5, 1]


@pytest.mark.parametrize(
    ("title", "expected"),
    [("Learn #5406", True), ("Learn #5406 abc", True), ("Learn #54060", False), ("5406", False)],
)
def test_names_issue(title: str, expected: bool) -> None:
    assert names_issue(title, 5406) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("77", 77), (77, 77), (None, None), ("", None), ("x", None), (True, None)],
)
def test_run_id_of(value: object, expected: int | None) -> None:
    assert run_id_of(value) == expected
