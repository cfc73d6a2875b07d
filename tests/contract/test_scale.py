"""Issue 16 with the real gh against a sandbox that behaves like GitHub at scale: every plan past
search's cap, old and deleted runs asked for by id, failures in a row, sessions that expired."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from learnlib.gh.runner import GitHubCli
from learnlib.rules import plan_header
from learnlib.sandbox.seed import DEMO_REPO, demo_state, many_plans
from learnlib.sandbox.server import SandboxGitHub
from learnlib.sandbox.state import Issue
from learnlib.usecases.status import survey_plans
from learnlib.usecases.trigger import LearnOptions, TriggerResult, trigger_plan
from tests.contract.test_status_backlog import client, invoke

pytestmark = pytest.mark.edges  # heavy: under the oldest and the newest gh


@pytest.fixture
def sandbox() -> Iterator[SandboxGitHub]:
    with SandboxGitHub(demo_state()) as double:
        yield double


def add(
    sandbox: SandboxGitHub,
    count: int,
    *,
    state: str = "CLOSED",
    session: str = "live",
    learn_runs: tuple[str, ...] = (),
) -> list[Issue]:
    with sandbox.lock:
        return many_plans(sandbox.state, count, state=state, session=session, learn_runs=learn_runs)


def trigger(
    gh: GitHubCli, number: int, *, dry_run: bool = False, force: bool = False
) -> TriggerResult:
    learn = LearnOptions(ref="main", run_gone_recheck=0.5, dry_run=dry_run, force=force)
    return trigger_plan(gh, number, learn)


def test_1200_closed_plans_are_listed_whole_and_the_backlog_would_dispatch_them_all(
    sandbox: SandboxGitHub, tmp_path: Path
) -> None:
    made = {issue.number for issue in add(sandbox, 1200, session="local")}
    sandbox.clear_records()

    code, payload, _ = invoke(
        sandbox, tmp_path, "learn-status", "--state", "closed", "--limit", "5000", "--json"
    )

    assert code == 0 and payload["complete"] is True
    assert made <= {plan["issue_number"] for plan in payload["plans"]}
    assert len(sandbox.requests) <= 25, len(sandbox.requests)
    code, payload, _ = invoke(sandbox, tmp_path, "learn-backlog", "--limit", "5000", "--dry-run")
    assert code == 0 and made <= set(payload["would_dispatch"]) and payload["complete"] is True


def test_300_pending_plans_with_old_failed_and_deleted_runs_agree_with_the_trigger(
    sandbox: SandboxGitHub, tmp_path: Path
) -> None:
    deleted = add(sandbox, 5, state="OPEN", session="local", learn_runs=("deleted",))
    failed = add(sandbox, 145, state="OPEN", session="local", learn_runs=("failure",))
    succeeded = add(sandbox, 150, state="OPEN", session="local", learn_runs=("success",))
    gh = client(sandbox, tmp_path)
    sandbox.clear_records()

    report = survey_plans(gh, label="erk-plan", workflow="learn-async.yml", state="open")

    assert len(sandbox.requests) <= 20, [(r.method, r.path) for r in sandbox.requests]
    rows = {plan.issue_number: plan for plan in report.plans}
    assert all(rows[i.number].action == "redispatch" for i in [*deleted, *failed])
    assert all(rows[i.number].action == "none" for i in succeeded)
    sample = [i.number for i in [*deleted, *failed[::10], *succeeded[::10]]]
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = pool.map(lambda n: trigger(gh, n, dry_run=True), sample)
        results = dict(zip(sample, answers, strict=True))
    for number in sample:  # the same decision, and the same words for it
        assert results[number].action == rows[number].action, (number, results[number])
        assert results[number].reason == rows[number].reason, (number, results[number])
    assert sandbox.dispatches == [] and sandbox.edits == []


def test_a_failed_run_past_the_newest_100_and_a_deleted_newest_run_are_redispatched(
    sandbox: SandboxGitHub, tmp_path: Path
) -> None:
    (old,) = add(sandbox, 1, state="OPEN", session="local", learn_runs=("failure",))
    add(sandbox, 120, state="OPEN", session="local", learn_runs=("success",))
    (newest,) = add(sandbox, 1, state="OPEN", session="local", learn_runs=("deleted",))
    gh = client(sandbox, tmp_path)

    assert trigger(gh, old.number).action == "redispatch"
    result = trigger(gh, newest.number)
    assert result.workflow_triggered and "no longer exists" in (result.reason or "")


def hide_for_a_moment(sandbox: SandboxGitHub, run_id: int, seconds: float) -> None:
    """As GitHub seconds after a dispatch: the run is neither listed nor known by id yet."""
    with sandbox.lock:
        repo = sandbox.state.repo(DEMO_REPO)
        assert repo is not None
        for run in repo.runs:
            if run.id == run_id:
                run.visible_at = time.time() + seconds


def test_a_run_that_answers_404_once_then_appears_is_not_taken_for_gone(
    sandbox: SandboxGitHub, tmp_path: Path
) -> None:
    (plan,) = add(sandbox, 1, state="OPEN", session="local", learn_runs=("in_progress",))
    run_id = int(str(plan_header.read_header(plan.body)["learn_run_id"]))
    gh = client(sandbox, tmp_path)
    hide_for_a_moment(sandbox, run_id, 4.0)  # well past the first look (under 1 s idle)

    result = trigger_plan(gh, plan.number, LearnOptions(ref="main", run_gone_recheck=3.0))

    assert not result.workflow_triggered and result.action == "none", result
    assert "in progress" in (result.reason or "") and sandbox.dispatches == []
    assert sandbox.request_count("run_view", status=404) >= 1


def failed_in_a_row(sandbox: SandboxGitHub, runs: tuple[str, ...]) -> int:
    (plan,) = add(sandbox, 1, state="OPEN", session="local", learn_runs=runs)
    return plan.number


def test_three_failed_in_a_row_dispatch_nothing_and_force_dispatches(
    sandbox: SandboxGitHub, tmp_path: Path
) -> None:
    three = failed_in_a_row(sandbox, ("failure", "timed_out", "startup_failure"))
    two = failed_in_a_row(sandbox, ("success", "failure", "cancelled", "failure"))
    gh = client(sandbox, tmp_path)

    stopped = trigger(gh, three)
    assert stopped.action == "none" and "failed in a row" in (stopped.reason or "")
    assert sandbox.dispatches == [] and sandbox.edits == []
    assert trigger(gh, two).workflow_triggered
    assert trigger(gh, three, force=True).workflow_triggered
    assert len(sandbox.dispatches) == 2


@pytest.mark.parametrize(
    ("session", "says"),
    [
        ("expired", "expired on"),
        ("missing", "holds no session artifact"),
        ("deleted", "no longer exists"),
    ],
)
def test_a_session_that_is_gone_refuses_and_changes_nothing(
    sandbox: SandboxGitHub, tmp_path: Path, session: str, says: str
) -> None:
    (plan,) = add(sandbox, 1, state="OPEN", session=session)

    result = trigger(client(sandbox, tmp_path), plan.number)

    assert not result.success and result.failure is not None
    assert result.failure.error_type == "no_session_data" and says in result.failure.detail
    assert sandbox.dispatches == [] and sandbox.edits == []


def test_a_local_session_needs_no_artifact_request(sandbox: SandboxGitHub, tmp_path: Path) -> None:
    (plan,) = add(sandbox, 1, state="OPEN", session="local")
    sandbox.clear_records()
    assert trigger(client(sandbox, tmp_path), plan.number).workflow_triggered
    assert sandbox.request_count("artifact_list") == 0


def test_unreadable_artifacts_warn_and_dispatch(sandbox: SandboxGitHub, tmp_path: Path) -> None:
    (plan,) = add(sandbox, 1, state="OPEN", session="expired")
    sandbox.fail_next("artifact_list", 403, 10**6)

    result = trigger(client(sandbox, tmp_path), plan.number)

    assert result.success and result.workflow_triggered
    assert any("could not read the artifacts" in warning for warning in result.warnings)


def test_a_backlog_of_40_live_and_40_expired_sessions_dispatches_the_40_live(
    sandbox: SandboxGitHub, tmp_path: Path
) -> None:
    live = {issue.number for issue in add(sandbox, 40, session="live")}
    expired = {issue.number for issue in add(sandbox, 40, session="expired")}

    code, payload, _ = invoke(
        sandbox, tmp_path, "learn-backlog", "--rate", "0", "--concurrency", "4"
    )

    assert code == 0, payload
    assert live <= set(payload["dispatched"]) and not expired & set(payload["dispatched"])
    assert payload["skipped"].get("no_session_data", 0) >= 40
    assert not {d.inputs.get("issue_number") for d in sandbox.dispatches} & {
        str(n) for n in expired
    }
