"""Hostile runs: stale headers, concurrent triggers and runs that are not ours (real gh, sandbox).

Every case runs one or more triggers and hands what it saw to :func:`check`, which states the
invariants of issue 11 and records the case in the session tally (tests/hostile/conftest.py):

- each trigger ends in one clear result (a bool ``success``; a failure names an error_type);
- a trigger never reports a run it did not start: a run reported as dispatched is the run of one
  of the sandbox's recorded dispatches, and no two triggers report the same dispatched run;
- a plan whose header names a run in progress is never dispatched again;
- the header only ever holds erk's vocabulary.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from learnlib.gh.runner import Deadline, GitHubCli
from learnlib.rules import plan_header
from learnlib.rules.learn_state import LEARN_STATUSES
from learnlib.rules.schedule import Schedule
from learnlib.sandbox.seed import DEMO_REPO, demo_state
from learnlib.sandbox.server import SandboxGitHub
from learnlib.usecases.trigger import LearnOptions, TriggerResult, trigger_plan
from tests.hostile.conftest import Tally

PLAN = 5406
OPTIONS = LearnOptions(
    run_discovery_timeout=2.0, dispatch_confirm_timeout=0.3, run_gone_recheck=1.0
)

pytestmark = pytest.mark.skipif(shutil.which("gh") is None, reason="needs the real gh")


@dataclass(frozen=True)
class Case:
    name: str
    setup: Callable[[SandboxGitHub], None]
    triggers: int = 1
    force: bool = False
    expect_dispatches: int | None = None  # None: the invariants only
    during: Callable[[SandboxGitHub], None] | None = None  # runs beside the triggers


def set_header(sandbox: SandboxGitHub, values: dict[str, str | None]) -> None:
    with sandbox.lock:
        issue = sandbox.issue(PLAN)
        issue.body = plan_header.set_values(issue.body, values)


def stale_deleted(sandbox: SandboxGitHub) -> None:
    # the named run (id 1000) is older than a listed run and the listing is the whole history
    sandbox.add_run(title="Learn #1 a", status="completed", conclusion="success")
    set_header(sandbox, {"learn_status": "pending", "learn_run_id": "1000"})


def stale_unlisted_newest(sandbox: SandboxGitHub) -> None:
    # newer than every listed run: not listed yet, or deleted; GitHub answers 404 by id three
    # times, seconds apart: it no longer exists, and the plan is dispatched again (issue 16)
    sandbox.add_run(title="Learn #1 a", status="completed", conclusion="success")
    set_header(sandbox, {"learn_status": "pending", "learn_run_id": "99999999999"})


def stale_garbage_id(sandbox: SandboxGitHub) -> None:
    sandbox.add_run(title=f"Learn #{PLAN} a", status="completed", conclusion="cancelled")
    set_header(sandbox, {"learn_status": "pending", "learn_run_id": "not-a-number"})


def stale_timed_out(sandbox: SandboxGitHub) -> None:
    run = sandbox.add_run(title=f"Learn #{PLAN} a", status="completed", conclusion="timed_out")
    set_header(sandbox, {"learn_status": "pending", "learn_run_id": str(run)})


def active_unrecorded(sandbox: SandboxGitHub) -> None:
    sandbox.add_run(title=f"Learn #{PLAN} a", status="in_progress", conclusion=None)


def active_other_plan(sandbox: SandboxGitHub) -> None:
    sandbox.add_run(title=f"Learn #{PLAN}0 a", status="in_progress", conclusion=None)


def foreign_runs_meanwhile(sandbox: SandboxGitHub) -> None:
    for _ in range(3):
        sandbox.add_run(title=f"Learn #{PLAN} someone", status="queued", conclusion=None)


def nothing(_: SandboxGitHub) -> None:
    return None


def late_runs(sandbox: SandboxGitHub) -> None:
    sandbox.run_delay = 0.8


NO_DISTINCT_ID = """name: Learn (async)
run-name: "Learn #${{ inputs.issue_number }}"
on:
  workflow_dispatch:
    inputs:
      issue_number: {required: true, type: string}
jobs: {}
"""


def late_runs_without_distinct_id(sandbox: SandboxGitHub) -> None:
    sandbox.set_workflow_yaml("learn-async.yml", NO_DISTINCT_ID)
    sandbox.run_delay = 0.8


CASES = [
    Case("stale/deleted-run", stale_deleted, expect_dispatches=1),
    Case("stale/unlisted-newest-run", stale_unlisted_newest, expect_dispatches=1),
    Case("stale/garbage-run-id", stale_garbage_id, expect_dispatches=1),
    Case("stale/timed-out", stale_timed_out, expect_dispatches=1),
    Case("stale/active-unrecorded", active_unrecorded, expect_dispatches=0),
    Case("stale/active-forced", active_unrecorded, force=True, expect_dispatches=0),
    Case("stale/other-plans-run", active_other_plan, expect_dispatches=1),
    Case("concurrent/3-together", nothing, triggers=3),
    Case("concurrent/3-forced-late-runs", late_runs, triggers=3, force=True),
    Case("wrong-run/foreign-runs-appear", late_runs, during=foreign_runs_meanwhile),
    Case(
        "wrong-run/no-distinct-id-foreign",
        late_runs_without_distinct_id,
        during=foreign_runs_meanwhile,
    ),
    Case(
        "wrong-run/no-distinct-id-concurrent", late_runs_without_distinct_id, triggers=3, force=True
    ),
    Case(
        "wrong-run/forced-with-foreign",
        late_runs,
        triggers=2,
        force=True,
        during=foreign_runs_meanwhile,
    ),
]


def check(case: Case, sandbox: SandboxGitHub, results: list[TriggerResult]) -> list[str]:
    violations = []
    for result in results:
        if not isinstance(result.success, bool):
            violations.append("success is not a bool")
        if not result.success and not result.error_type:
            violations.append("a failure without an error_type")
    dispatched = {d.run_id for d in sandbox.dispatches}
    reported = [r.run_id for r in results if r.workflow_triggered and r.run_id is not None]
    if any(run_id not in dispatched for run_id in reported):
        violations.append(f"reported a run nobody dispatched: {reported} vs {sorted(dispatched)}")
    if len(reported) != len(set(reported)):
        violations.append(f"two triggers reported the same run: {reported}")
    triggered = sum(1 for r in results if r.workflow_triggered)
    if triggered != len(sandbox.dispatches):
        violations.append(f"{triggered} said triggered, {len(sandbox.dispatches)} dispatched")
    if case.expect_dispatches is not None and len(sandbox.dispatches) != case.expect_dispatches:
        violations.append(f"{len(sandbox.dispatches)} dispatches, {case.expect_dispatches} meant")
    with sandbox.lock:
        status = plan_header.read_header(sandbox.issue(PLAN).body).get("learn_status")
    if status not in LEARN_STATUSES:
        violations.append(f"learn_status {status!r} is not erk's")
    return violations


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_runs(case: Case, tmp_path: Path, tally: Tally) -> None:
    with SandboxGitHub(demo_state()) as sandbox:
        case.setup(sandbox)
        results: list[TriggerResult] = []
        lock = threading.Lock()

        def trigger(index: int) -> None:
            gh = GitHubCli(
                repo=DEMO_REPO,
                env=sandbox.gh_env(tmp_path / str(index)),
                deadline=Deadline(30.0),
                retry=Schedule(first=0.05, attempts=3),
            )
            result = trigger_plan(gh, PLAN, replace(OPTIONS, force=case.force))
            with lock:
                results.append(result)

        for index in range(case.triggers):
            (tmp_path / str(index)).mkdir()
        threads = [threading.Thread(target=trigger, args=(i,)) for i in range(case.triggers)]
        for thread in threads:
            thread.start()
        if case.during is not None:
            case.during(sandbox)
        for thread in threads:
            thread.join()
        violations = check(case, sandbox, results)
    category = case.name.split("/")[0]
    tally.record(f"runs-{category}", violations)
    assert not violations, violations
