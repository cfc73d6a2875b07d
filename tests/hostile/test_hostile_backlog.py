"""Hostile cases for learn-backlog: interrupted and rate-limited runs, the real gh and the sandbox.

Invariants for every case: no plan is dispatched twice; every plan the sandbox saw dispatched is
in the JSON's ``dispatched`` and has ``learn_status: pending``; every body differs from its
original only in the learn lines; stdout is one JSON object; a second run finishes the rest,
each exactly once.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from learnlib.sandbox.seed import DEMO_REPO, demo_state, plan_header
from learnlib.sandbox.server import SandboxGitHub
from learnlib.sandbox.state import Issue, Label
from tests.hostile.conftest import Tally

pytestmark = pytest.mark.skipif(shutil.which("gh") is None, reason="gh is not installed")

ROOT = Path(__file__).resolve().parents[2]
INVOKE = str(Path(sys.executable).with_name("invoke"))
PLAN = Label("erk-plan", "0e8a16", "An implementation plan written by erk")
FIRST = 30000
QUICK_BACKOFF = {
    "INVOKE_BACKLOG_RATE_LIMIT_BACKOFF": "0.5",
    "INVOKE_BACKLOG_RATE_LIMIT_BACKOFF_MAX": "2",
    "INVOKE_BACKLOG_RATE_LIMIT_ATTEMPTS": "30",
}
LEARN_LINES = ("learn_status:", "learn_run_id:")


@pytest.fixture
def sandbox() -> Iterator[SandboxGitHub]:
    with SandboxGitHub(demo_state(landed=False)) as double:
        yield double


def add_plans(sandbox: SandboxGitHub, count: int) -> dict[int, str]:
    bodies: dict[int, str] = {}
    with sandbox.lock:
        repo = sandbox.state.repo(DEMO_REPO)
        assert repo is not None
        for number in range(FIRST, FIRST + count):
            body = plan_header() + f"\n# Plan {number}\n\nProse stays.\r\n"
            repo.issues.append(Issue(number, f"Plan {number}", body, [PLAN], state="CLOSED"))
            bodies[number] = body
    return bodies


def start(sandbox: SandboxGitHub, tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [INVOKE, "-r", str(ROOT), "learn-backlog", *args],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**sandbox.gh_env(tmp_path, repo=DEMO_REPO), **QUICK_BACKOFF},
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, dict[str, Any] | None, list[str]]:
    out, err = process.communicate(timeout=300)
    problems = [] if "Traceback" not in err else ["a traceback on stderr"]
    lines = out.splitlines()
    if len(lines) != 1:
        return process.returncode, None, [*problems, f"stdout is not one JSON object: {out!r}"]
    return process.returncode, json.loads(lines[0]), problems


def invariants(sandbox: SandboxGitHub, bodies: dict[int, str], reported: list[int]) -> list[str]:
    problems: list[str] = []
    per_plan = Counter(int(d.inputs["issue_number"]) for d in sandbox.dispatches)
    twice = sorted(n for n, count in per_plan.items() if count > 1)
    if twice:
        problems.append(f"dispatched twice: {twice}")
    unreported = sorted(set(per_plan) - set(reported))
    if unreported:
        problems.append(f"dispatched but not reported: {unreported}")
    for number, before in bodies.items():
        with sandbox.lock:
            after = sandbox.issue(number).body
        changed = [
            line
            for line in set(before.splitlines()) ^ set(after.splitlines())
            if not line.startswith(LEARN_LINES)
        ]
        if changed:
            problems.append(f"#{number}: lines other than the learn lines changed: {changed}")
        if per_plan[number] and "learn_status: pending" not in after:
            problems.append(f"#{number} was dispatched but its header does not say pending")
        if not per_plan[number] and after != before:
            problems.append(f"#{number} was not dispatched but its body changed")
    return problems


def record(tally: Tally, case: str, problems: list[str]) -> None:
    tally.record("backlog", problems)
    assert not problems, "\n".join(problems)


def test_an_interrupted_backlog_finishes_in_flight_plans_and_a_second_run_the_rest(
    sandbox: SandboxGitHub, tmp_path: Path, tally: Tally
) -> None:
    bodies = add_plans(sandbox, 24)
    process = start(sandbox, tmp_path, "--rate", "120", "--concurrency", "2")
    end = time.monotonic() + 60
    while len(sandbox.dispatches) < 3 and time.monotonic() < end:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)  # the task alone, as a supervisor would
    code, payload, problems = finish(process)

    if payload is not None:
        if code != 130 or payload.get("interrupted") is not True:
            problems.append(f"exit {code}, interrupted {payload.get('interrupted')}: not 130")
        if not payload.get("not_started"):
            problems.append("nothing was left for a second run: the interrupt came too late")
        problems += invariants(sandbox, bodies, payload["dispatched"])
    second = start(sandbox, tmp_path, "--rate", "0")
    code2, again, more = finish(second)
    problems += more
    if again is not None:
        done_first = set(payload["dispatched"]) if payload else set()
        problems += invariants(sandbox, bodies, sorted(done_first | set(again["dispatched"])))
        if code2 != 0:
            problems.append(f"the second run exited {code2}: {again.get('failed')}")
    if set(int(d.inputs["issue_number"]) for d in sandbox.dispatches) != set(bodies):
        problems.append("after two runs some plans were never dispatched")
    record(tally, "interrupted_then_resumed", problems)


# Hour-long windows: the limit is met by the count of writes (16), however slow the machine;
# each refusal's Retry-After (1 s) opens a fresh window.
@pytest.mark.parametrize(("limit", "window"), [(4, 3600.0), (7, 3600.0)])
def test_a_rate_limited_backlog_dispatches_nothing_twice_and_writes_nothing_half(
    sandbox: SandboxGitHub, tmp_path: Path, tally: Tally, limit: int, window: float
) -> None:
    bodies = add_plans(sandbox, 8)  # 16 writes: many times the limit
    sandbox.secondary_rate_limit(limit, window, retry_after=1)

    code, payload, problems = finish(start(sandbox, tmp_path, "--rate", "0", "--concurrency", "4"))

    if payload is not None:
        problems += invariants(sandbox, bodies, payload["dispatched"])
        if code != 0 or sorted(payload["dispatched"]) != sorted(bodies):
            problems.append(f"exit {code}; failed: {payload['failed']}")
    if sandbox.request_count(status=403) == 0:
        problems.append("the rate limit never answered: the case tested nothing")
    record(tally, f"secondary_rate_limit_{limit}_in_{window:g}s", problems)
