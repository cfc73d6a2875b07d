"""learn-status, --wait and learn-backlog with the real gh against the sandbox GitHub."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from learnlib.gh.runner import Deadline, GitHubCli
from learnlib.rules.schedule import Schedule
from learnlib.sandbox.seed import DEMO_REPO, demo_state, plan_header
from learnlib.sandbox.server import SandboxGitHub
from learnlib.sandbox.state import Issue, Label
from learnlib.usecases.trigger import LearnOptions, trigger_plan

ROOT = Path(__file__).resolve().parents[2]
INVOKE = str(Path(sys.executable).with_name("invoke"))
PLAN = Label("erk-plan", "0e8a16", "An implementation plan written by erk")
FIRST = 20000

pytestmark = pytest.mark.edges  # the tasks are driven under the oldest and the newest gh


@pytest.fixture
def sandbox() -> Iterator[SandboxGitHub]:
    with SandboxGitHub(demo_state(landed=False)) as double:
        yield double


def add_plans(sandbox: SandboxGitHub, count: int, *, kinds: tuple[str, ...]) -> dict[int, str]:
    """``count`` closed plans cycling through ``kinds``; returns number -> kind."""
    made: dict[int, str] = {}
    with sandbox.lock:
        repo = sandbox.state.repo(DEMO_REPO)
        assert repo is not None
        for i in range(count):
            number, kind = FIRST + i, kinds[i % len(kinds)]
            status = {"learned": "completed_no_plan", "failed": "pending"}.get(kind, "null")
            session = "null" if kind == "no_session" else "'21203500990'"
            body = plan_header(learn_status=status, last_remote_impl_run_id=session)
            repo.issues.append(
                Issue(number, f"Plan {number}", body + "\n# Plan\n", [PLAN], state="CLOSED")
            )
            made[number] = kind
    for number, kind in made.items():
        if kind == "failed":
            sandbox.add_run(title=f"Learn #{number}", conclusion="failure")
        elif kind == "running":
            sandbox.add_run(title=f"Learn #{number}", status="in_progress", conclusion=None)
    return made


def invoke(
    sandbox: SandboxGitHub, tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[int, dict[str, Any], str]:
    """Run a task (no --sandbox) with gh pointed at this test's sandbox."""
    done = subprocess.run(
        [INVOKE, "-r", str(ROOT), *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**sandbox.gh_env(tmp_path, repo=DEMO_REPO), **(env or {})},
    )
    lines = done.stdout.splitlines()
    assert len(lines) == 1, f"stdout must be one JSON object: {done.stdout!r} {done.stderr!r}"
    assert "Traceback" not in done.stderr
    return done.returncode, json.loads(lines[0]), done.stderr


def client(sandbox: SandboxGitHub, tmp_path: Path) -> GitHubCli:
    return GitHubCli(
        repo=DEMO_REPO,
        env=sandbox.gh_env(tmp_path),
        deadline=Deadline(120.0),
        retry=Schedule(first=0.05, attempts=3),
    )


def test_learn_status_over_200_plans_costs_at_most_6_requests_and_agrees_with_the_trigger(
    sandbox: SandboxGitHub, tmp_path: Path
) -> None:
    kinds = ("never", "failed", "learned", "running", "no_session")
    made = add_plans(sandbox, 200, kinds=kinds)
    sandbox.clear_records()

    code, payload, _ = invoke(sandbox, tmp_path, "learn-status", "--state", "closed")

    assert code == 0 and payload["success"] is True
    requests = sandbox.requests
    assert len(requests) <= 6, [(r.method, r.path, r.operation) for r in requests]
    plans = {p["issue_number"]: p for p in payload["plans"] if p["issue_number"] in made}
    assert set(plans) == set(made)
    expected = {
        "never": "dispatch",
        "failed": "redispatch",
        "learned": "none",
        "running": "none",
        "no_session": "refuse",
    }
    assert {n: p["action"] for n, p in plans.items()} == {n: expected[k] for n, k in made.items()}
    # each plan's own trigger --dry-run: the newest 25 and the oldest 25 (five of each kind at
    # each end of the listing), not all 200, which cost half a minute of gh calls
    numbers = list(made)
    sample = numbers[:25] + numbers[-25:]
    gh = client(sandbox, tmp_path)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = dict(
            zip(
                sample,
                pool.map(
                    lambda n: trigger_plan(gh, n, LearnOptions(dry_run=True, ref="main")),
                    sample,
                ),
                strict=True,
            )
        )
    for number in sample:  # the same decision, and the same words for it
        plan = plans[number]
        assert results[number].action == plan["action"], (number, plan, results[number])
        if plan["action"] in ("redispatch", "none"):
            assert results[number].reason == plan["reason"], (number, plan, results[number])
    assert sandbox.dispatches == [] and sandbox.edits == []


@pytest.mark.parametrize(("conclusion", "code"), [("success", 0), ("failure", 1)])
def test_wait_exits_by_the_runs_end_within_seconds(
    sandbox: SandboxGitHub, tmp_path: Path, conclusion: str, code: int
) -> None:
    sandbox.finish_runs(4.0, conclusion)

    got, payload, err = invoke(
        sandbox, tmp_path, "trigger-async-learn", "--issue", "5406", "--wait"
    )

    assert got == code, err
    assert (payload["run_status"], payload["run_conclusion"]) == ("completed", conclusion)
    assert payload["workflow_triggered"] is True
    if code:
        assert payload["error_type"] == "learn_run_failed"
    # seen by the first look after the run's end (counted in the request log, not timed: a
    # loaded machine slows every gh call)
    [dispatch] = sandbox.dispatches
    ended = dispatch.time + 4.0
    looks = [r.time for r in sandbox.requests if r.endpoint == "run_view"]
    assert len([when for when in looks if when >= ended]) == 1, looks
    # each status seen is told once (in_progress too, when a look came before the run's end:
    # on a loaded machine the first look may come after it)
    told = [line for line in err.splitlines() if line.startswith(f"Run {payload['run_id']}: ")]
    assert told and "completed" in told[-1] and len(told) == len(set(told)), err


def test_wait_timeout_leaves_the_dispatch_standing(sandbox: SandboxGitHub, tmp_path: Path) -> None:
    sandbox.finish_runs(None)

    code, payload, _ = invoke(
        sandbox,
        tmp_path,
        "trigger-async-learn",
        "--issue",
        "5406",
        "--wait",
        "--wait-timeout",
        "2",
    )

    assert (code, payload["error_type"], payload["run_status"]) == (1, "wait_timeout", "queued")
    assert payload["workflow_triggered"] is True and len(sandbox.dispatches) == 1
    assert "learn_status: pending" in sandbox.issue(5406).body


BACKLOG_ENV = {
    "INVOKE_BACKLOG_RATE_LIMIT_BACKOFF": "1",
    "INVOKE_BACKLOG_RATE_LIMIT_BACKOFF_MAX": "4",
    "INVOKE_BACKLOG_RATE_LIMIT_ATTEMPTS": "20",
}


def test_backlog_over_30_plans_dispatches_each_once_through_a_secondary_rate_limit(
    sandbox: SandboxGitHub, tmp_path: Path
) -> None:
    made = add_plans(sandbox, 30, kinds=("never",))
    # 20 writes, then a refusal, 1 s, 20 more...: met by the count of writes (60), not their
    # speed, which a loaded machine would not reach
    sandbox.secondary_rate_limit(20, 3600.0, retry_after=1)

    code, payload, err = invoke(
        sandbox, tmp_path, "learn-backlog", "--rate", "0", "--concurrency", "4", env=BACKLOG_ENV
    )

    assert code == 0, (payload["failed"], err[-2000:])
    assert sorted(payload["dispatched"]) == sorted(made)
    per_plan = Counter(int(d.inputs["issue_number"]) for d in sandbox.dispatches)
    assert {n: per_plan[n] for n in made} == dict.fromkeys(made, 1)
    assert sandbox.request_count(status=403) > 0, "the rate limit was never met"
    # a dispatch the limit refused pauses every worker, and says so; a refused header write is
    # retried patiently inside its plan, unseen (which request meets the limit is the load's)
    if sandbox.request_count("workflow_dispatch", status=403):
        assert "rate limit" in err
    for number in made:
        assert "learn_status: pending" in sandbox.issue(number).body

    again_code, again, _ = invoke(sandbox, tmp_path, "learn-backlog", env=BACKLOG_ENV)

    assert (again_code, again["dispatched"]) == (0, [])
    assert Counter(int(d.inputs["issue_number"]) for d in sandbox.dispatches) == per_plan


def test_backlog_dry_run_writes_nothing(sandbox: SandboxGitHub, tmp_path: Path) -> None:
    made = add_plans(sandbox, 10, kinds=("never", "learned"))
    code, payload, _ = invoke(sandbox, tmp_path, "learn-backlog", "--dry-run")
    assert code == 0 and payload["dry_run"] is True
    assert sorted(payload["would_dispatch"]) == sorted(n for n, k in made.items() if k == "never")
    assert sandbox.dispatches == [] and sandbox.edits == []


def test_status_table_on_a_terminal_is_not_json(sandbox: SandboxGitHub, tmp_path: Path) -> None:
    add_plans(sandbox, 3, kinds=("never",))
    import pty

    env = {**sandbox.gh_env(tmp_path, repo=DEMO_REPO)}
    leader, follower = pty.openpty()
    done = subprocess.run(
        [INVOKE, "-r", str(ROOT), "learn-status", "--state", "all"],
        cwd=tmp_path,
        stdout=follower,
        stderr=subprocess.PIPE,
        timeout=60,
        check=False,
        env=env,
    )
    os.close(follower)
    out = os.read(leader, 65536).decode()
    os.close(leader)
    assert done.returncode == 0
    assert out.startswith("ISSUE") and "dispatch" in out and "plans:" in out
