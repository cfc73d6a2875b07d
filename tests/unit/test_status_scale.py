"""learn-status and learn-backlog at scale: every plan listed, listings that stop short say so,
failures in a row and gone sessions skipped."""

from __future__ import annotations

import json
from typing import Any

import pytest

from learnlib.gh.runner import GitHubCli
from learnlib.rules import plan_header
from learnlib.tasks.render import status_payload, status_table
from learnlib.usecases.backlog import work_backlog
from learnlib.usecases.status import survey_plans
from tests.gh_outputs import gh_json
from tests.unit.conftest import (
    LIVE_SESSION,
    PLAN_BODY,
    may_not_be_called,
    register_first,
    run_task,
)
from tests.unit.status_fakes import (
    ISSUES,
    RUNS,
    body,
    learn_run,
    listed_issue,
    rest_issue,
    rest_run,
)
from tests.unit.test_backlog import FakeTrigger, options, trigger

__all__ = ["trigger"]  # test_backlog's fixture: trigger_plan faked, the default branch once


def issue_pages(
    fp: Any, bodies: dict[int, str], *, state: str = "closed", fail: int = 0, times: int = 1
) -> int:
    """The plans (newest first), 100 a page, then an empty page; ``fail``: that page 502s;
    pages after a limit may go unread."""
    items = [rest_issue(listed_issue(n, text)) for n, text in sorted(bodies.items(), reverse=True)]
    page = 0
    while True:
        page += 1
        argv = ["gh", "api", ISSUES.format(state=state, page=page)]
        if page == fail:
            register_first(
                fp, argv, stderr="HTTP 502: Bad Gateway (https://x)\n", returncode=1, occurrences=3
            )
            return page
        chunk = items[(page - 1) * 100 : page * 100]
        register_first(fp, argv, stdout=gh_json(chunk), occurrences=times)
        if page > 1:
            may_not_be_called(fp, argv)
        if len(chunk) < 100:
            return page


def no_runs(fp: Any) -> None:
    register_first(fp, ["gh", "api", RUNS], stdout=gh_json({"total_count": 0, "workflow_runs": []}))


def gh_calls(fp: Any) -> int:
    return sum(1 for call in fp.calls if list(call[:2]) == ["gh", "api"])


LOCAL = plan_header.set_values(PLAN_BODY, {"last_local_impl_session": "abc"})


def test_1200_closed_plans_are_listed_whole_in_at_most_25_requests(fp: Any, gh: GitHubCli) -> None:
    issue_pages(fp, {n: LOCAL for n in range(1, 1201)})
    no_runs(fp)

    report = survey_plans(
        gh, label="erk-plan", workflow="learn-async.yml", state="closed", limit=5000
    )

    assert len(report.plans) == 1200 and report.complete and report.why == ()
    assert gh_calls(fp) <= 25 and report.requests == gh_calls(fp)
    assert report.counts == {"dispatch": 1200}
    assert status_payload(report)["complete"] is True


def test_the_backlog_would_dispatch_all_1200(fp: Any, gh: GitHubCli, trigger: FakeTrigger) -> None:
    issue_pages(fp, {n: LOCAL for n in range(1, 1201)})
    no_runs(fp)

    result = work_backlog(gh, options(limit=5000, dry_run=True))

    assert len(result.planned) == 1200 and result.complete and trigger.calls == []


def test_a_listing_cut_by_the_limit_says_so_in_the_json_and_the_table(
    fp: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    issue_pages(fp, {n: LOCAL for n in range(1, 251)}, state="open")
    no_runs(fp)

    code, payload, _ = run_task(capsys, "learn-status", "--limit", "150", "--json")

    assert code == 0 and len(payload["plans"]) == 150
    assert payload["complete"] is False and "limit of 150" in payload["why_incomplete"][0]


def test_a_seventh_page_that_fails_keeps_600_plans_and_says_why(fp: Any, gh: GitHubCli) -> None:
    issue_pages(fp, {n: LOCAL for n in range(1, 1201)}, fail=7)
    no_runs(fp)

    report = survey_plans(
        gh, label="erk-plan", workflow="learn-async.yml", state="closed", limit=5000
    )

    assert len(report.plans) == 600 and not report.complete
    assert "page 7" in report.why[0] and "502" in report.why[0]
    assert "listing incomplete" in status_table(report).splitlines()[-1]
    assert json.dumps(status_payload(report)["why_incomplete"])


def test_three_failures_in_a_row_are_shown_and_skipped(
    fp: Any, gh: GitHubCli, trigger: FakeTrigger
) -> None:
    runs = [
        learn_run(93, 1, conclusion="failure"),
        learn_run(92, 1, conclusion="timed_out"),
        learn_run(91, 1, conclusion="failure"),
        learn_run(82, 2, conclusion="failure"),
        learn_run(81, 2, conclusion="failure"),
    ]
    plans = {1: body("pending", "93", base=LOCAL), 2: body("pending", "82", base=LOCAL)}
    issue_pages(fp, plans, times=2)
    answer = {"total_count": len(runs), "workflow_runs": [rest_run(run) for run in runs]}
    register_first(fp, ["gh", "api", RUNS], stdout=gh_json(answer), occurrences=2)

    report = survey_plans(gh, label="erk-plan", workflow="learn-async.yml", state="closed")
    by_number = {plan.issue_number: plan for plan in report.plans}
    assert by_number[1].action == "none" and "93 (failure), 92 (timed_out), 91" in (
        by_number[1].reason
    )
    assert by_number[2].action == "redispatch"

    result = work_backlog(gh, options(dry_run=True))
    assert result.planned == (2,) and result.skipped == {"failed_repeatedly": 1}


EXPIRED = {**LIVE_SESSION, "expired": True, "expires_at": "2026-10-01T00:00:00Z"}


def test_a_backlog_of_40_live_and_40_expired_sessions_dispatches_the_40_live(
    fp: Any, gh: GitHubCli, trigger: FakeTrigger
) -> None:
    plans = {}
    for n in range(1, 81):
        run_id = 7000 + n
        plans[n] = plan_header.set_values(PLAN_BODY, {"last_remote_impl_run_id": str(run_id)})
        artifacts = [LIVE_SESSION if n % 2 else EXPIRED]
        register_first(
            fp,
            ["gh", "api", f"repos/{{owner}}/{{repo}}/actions/runs/{run_id}/artifacts?per_page=100"],
            stdout=gh_json({"total_count": 1, "artifacts": artifacts}),
        )
    issue_pages(fp, plans)
    no_runs(fp)

    result = work_backlog(gh, options(concurrency=4))

    live = sorted(n for n in plans if n % 2)
    assert sorted(result.dispatched) == live and result.skipped == {"no_session_data": 40}
    assert sorted(number for number, _ in trigger.calls) == live


def test_learn_status_sessions_reads_the_artifacts_of_the_plans_it_would_dispatch(
    fp: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """--sessions: a whole listing says no_session_data for an expired session, as the trigger
    does; a plan it would not dispatch (learned) costs no artifact read."""
    plans = {}
    for n in (1, 2):
        plans[n] = plan_header.set_values(PLAN_BODY, {"last_remote_impl_run_id": str(7000 + n)})
        artifacts = [LIVE_SESSION if n == 1 else EXPIRED]
        register_first(
            fp,
            [
                "gh",
                "api",
                f"repos/{{owner}}/{{repo}}/actions/runs/{7000 + n}/artifacts?per_page=100",
            ],
            stdout=gh_json({"total_count": 1, "artifacts": artifacts}),
        )
    plans[3] = plan_header.set_values(
        PLAN_BODY, {"last_remote_impl_run_id": "7003", "learn_status": "completed_no_plan"}
    )
    issue_pages(fp, plans, state="open")
    no_runs(fp)

    code, payload, _ = run_task(capsys, "learn-status", "--sessions", "--json")

    by_number = {plan["issue_number"]: plan for plan in payload["plans"]}
    assert code == 0 and by_number[1]["action"] == "dispatch"
    assert by_number[1]["session"]["verdict"] == "live"
    assert by_number[2]["action"] == "refuse" and by_number[2]["error_type"] == "no_session_data"
    assert by_number[3]["action"] == "none" and "session" not in by_number[3]
    assert not any("7003" in " ".join(call) for call in fp.calls)


def test_learn_status_without_sessions_reads_no_artifact(
    fp: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    plans = {1: plan_header.set_values(PLAN_BODY, {"last_remote_impl_run_id": "7001"})}
    issue_pages(fp, plans, state="open")
    no_runs(fp)

    code, payload, _ = run_task(capsys, "learn-status", "--json")

    assert code == 0 and payload["plans"][0]["action"] == "dispatch"
    assert not any("artifacts" in " ".join(call) for call in fp.calls)


def test_learn_status_issue_reads_no_artifact_for_a_plan_it_would_not_dispatch(
    fp: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """--issue N of a learned plan: `none`, and its session artifact is not read (its trigger
    would not read it either)."""
    plans = {
        3: plan_header.set_values(
            PLAN_BODY, {"last_remote_impl_run_id": "7003", "learn_status": "completed_no_plan"}
        )
    }
    issue_pages(fp, plans, state="open")
    no_runs(fp)

    code, payload, _ = run_task(capsys, "learn-status", "--issue", "3", "--json")

    assert code == 0 and [plan["action"] for plan in payload["plans"]] == ["none"]
    assert not any("artifacts" in " ".join(call) for call in fp.calls)
