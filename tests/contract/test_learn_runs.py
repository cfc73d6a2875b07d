"""Issue 11 with the real gh against the sandbox: the runs as the truth, the right run, always."""

from __future__ import annotations

import difflib
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import replace

import pytest

from learnlib.gh.runner import GitHubCli
from learnlib.rules import plan_header
from learnlib.sandbox.server import SandboxGitHub
from learnlib.usecases.record import RecordRequest, record_plan
from learnlib.usecases.trigger import LearnOptions, TriggerResult, trigger_plan

OPTIONS = LearnOptions(run_discovery_timeout=5.0, dispatch_confirm_timeout=0.5)
PLAN = 5406


def gh_prints_the_run() -> bool:
    out = subprocess.run(["gh", "--version"], capture_output=True, text=True, check=True).stdout
    major, minor = (int(part) for part in out.split()[2].split(".")[:2])
    return (major, minor) >= (2, 87)


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the sandbox never got there"
        time.sleep(0.05)


def set_header(sandbox: SandboxGitHub, number: int, values: dict[str, str | None]) -> str:
    with sandbox.lock:
        issue = sandbox.issue(number)
        issue.body = plan_header.set_values(issue.body, values)
        return issue.body


def header(sandbox: SandboxGitHub, number: int = PLAN) -> dict[str, object]:
    with sandbox.lock:
        return plan_header.read_header(sandbox.issue(number).body)


@pytest.mark.parametrize("status", ["pending_review", "plan_completed", "completed_no_plan"])
def test_learned_plans_are_not_dispatched(
    gh: GitHubCli, sandbox: SandboxGitHub, status: str
) -> None:
    set_header(sandbox, PLAN, {"learn_status": status})

    result = trigger_plan(gh, PLAN, OPTIONS)

    assert result.success and not result.workflow_triggered and status in (result.reason or "")
    assert sandbox.dispatches == []


def test_not_started_is_dispatched(gh: GitHubCli, sandbox: SandboxGitHub) -> None:
    set_header(sandbox, PLAN, {"learn_status": "not_started"})

    result = trigger_plan(gh, PLAN, OPTIONS)

    assert result.success and result.workflow_triggered and len(sandbox.dispatches) == 1
    assert header(sandbox)["learn_status"] == "pending"


@pytest.mark.parametrize(
    ("latency", "run_delay"), [(0.0, 0.0), (0.1, 0.0), (0.0, 6.0)], ids=["0ms", "100ms", "late-run"]
)
def test_two_triggers_2_s_apart_make_one_dispatch(
    gh: GitHubCli, sandbox: SandboxGitHub, latency: float, run_delay: float
) -> None:
    # late-run: GitHub lists the first trigger's run only after the second has read the listing
    sandbox.latency, sandbox.run_delay = latency, run_delay
    results: list[TriggerResult] = []
    first = threading.Thread(target=lambda: results.append(trigger_plan(gh, PLAN, OPTIONS)))
    first.start()
    # the second comes once the first has dispatched and written `pending` (about 2 s on an idle
    # machine; waited for, not slept, so that a loaded one does not make the two overlap)
    wait_for(lambda: len(sandbox.dispatches) == 1 and header(sandbox)["learn_status"] == "pending")
    second = trigger_plan(gh, PLAN, OPTIONS)
    first.join()

    assert len(sandbox.dispatches) == 1
    assert results[0].workflow_triggered and not second.workflow_triggered
    assert second.success


def test_concurrent_triggers_never_report_a_run_they_did_not_start(
    gh: GitHubCli, sandbox: SandboxGitHub
) -> None:
    sandbox.run_delay = 0.5
    results: list[TriggerResult] = []
    lock = threading.Lock()

    def trigger() -> None:
        result = trigger_plan(gh, PLAN, replace(OPTIONS, force=True))
        with lock:
            results.append(result)

    threads = [threading.Thread(target=trigger) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    started = [r.run_id for r in results if r.workflow_triggered and r.run_id is not None]
    assert len(started) == len(set(started))  # no run reported as started by two triggers
    assert set(started) <= {d.run_id for d in sandbox.dispatches}
    # a trigger that found another's run in progress dispatched nothing and says whose run it is
    for result in results:
        if not result.workflow_triggered:
            assert result.action == "none" and result.run_id in {
                d.run_id for d in sandbox.dispatches
            }


def test_a_pending_plan_whose_run_failed_is_dispatched_again(
    gh: GitHubCli, sandbox: SandboxGitHub
) -> None:
    old = sandbox.add_run(title=f"Learn #{PLAN} x", status="completed", conclusion="failure")
    set_header(sandbox, PLAN, {"learn_status": "pending", "learn_run_id": str(old)})

    result = trigger_plan(gh, PLAN, OPTIONS)

    assert result.success and result.workflow_triggered and result.action == "redispatch"
    assert str(old) in (result.reason or "") and "failure" in (result.reason or "")
    assert len(sandbox.dispatches) == 1 and result.run_id != old


def test_a_pending_plan_whose_run_is_in_progress_is_not(
    gh: GitHubCli, sandbox: SandboxGitHub
) -> None:
    active = sandbox.add_run(title=f"Learn #{PLAN} x", status="in_progress", conclusion=None)
    set_header(sandbox, PLAN, {"learn_status": "pending", "learn_run_id": str(active)})

    result = trigger_plan(gh, PLAN, OPTIONS)

    assert result.success and not result.workflow_triggered and result.run_id == active
    assert "in progress" in (result.reason or "") and sandbox.dispatches == []


def test_a_run_the_header_missed_is_recorded_without_dispatching(
    gh: GitHubCli, sandbox: SandboxGitHub
) -> None:
    active = sandbox.add_run(title=f"Learn #{PLAN} x", status="queued", conclusion=None)

    result = trigger_plan(gh, PLAN, OPTIONS)

    assert not result.workflow_triggered and sandbox.dispatches == []
    assert header(sandbox)["learn_status"] == "pending"
    assert header(sandbox)["learn_run_id"] == str(active)


def test_learn_run_id_is_recorded_once_the_run_is_found(
    gh: GitHubCli, sandbox: SandboxGitHub
) -> None:
    sandbox.run_delay = 1.0

    result = trigger_plan(gh, PLAN, OPTIONS)

    assert result.success and result.run_id is not None
    assert header(sandbox)["learn_run_id"] == str(result.run_id)


def test_a_workflow_without_the_input_is_refused_before_dispatch(
    gh: GitHubCli, sandbox: SandboxGitHub
) -> None:
    sandbox.set_workflow_yaml("learn-async.yml", "name: L\non:\n  push: {}\njobs: {}\n")

    result = trigger_plan(gh, PLAN, OPTIONS)

    assert (result.success, result.error_type) == (False, "workflow_not_dispatchable")
    assert sandbox.dispatches == [] and sandbox.edits == []


@pytest.mark.edges  # 30 s of real waiting: under the oldest gh (2.102 prints the run, no polling)
def test_a_never_appearing_run_costs_at_most_25_run_listings(
    gh: GitHubCli, sandbox: SandboxGitHub
) -> None:
    if gh_prints_the_run():
        pytest.skip("gh >= 2.87 prints the run: nothing is polled")
    sandbox.run_delay = 3600.0

    result = trigger_plan(gh, PLAN, replace(OPTIONS, run_discovery_timeout=30.0))

    assert result.workflow_triggered and result.run_id is None
    # one listing for the decision, then the polls
    assert sandbox.request_count("run_list") <= 1 + 25


def test_record_learn_writes_a_one_line_diff(gh: GitHubCli, sandbox: SandboxGitHub) -> None:
    before = sandbox.issue(PLAN).body

    result = record_plan(gh, RecordRequest(PLAN, "completed_no_plan"))

    after = sandbox.issue(PLAN).body
    diff = difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True))
    assert result.success and result.written
    assert [line for line in diff if line[:1] in "+-"] == [
        "- learn_status: null\n",
        "+ learn_status: completed_no_plan\n",
    ]
