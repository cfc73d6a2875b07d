"""Figures for learn-status and learn-backlog, through the real gh against the sandbox GitHub.

1. learn-status over 200 plans: requests, and time at 100 ms a request.
2. learn-backlog over 100 eligible plans on a gh that prints the run (2.87+): requests per
   dispatched plan (target: at most 6) and time with the rate unlimited, concurrency 4, at 100 ms
   a request (target: at most 40 s).
3. learn-backlog at the default rate: dispatches a minute observed over a short window.

Run: `python benchmarks/bench_backlog.py [--gh PATH] [--window SECONDS]`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from learnlib.sandbox.seed import DEMO_REPO, demo_state, plan_header
from learnlib.sandbox.server import SandboxGitHub
from learnlib.sandbox.state import Issue, Label

ROOT = Path(__file__).resolve().parents[1]
INVOKE = str(Path(sys.executable).with_name("invoke"))
PLAN = Label("erk-plan", "0e8a16", "An implementation plan written by erk")
NEW_GH = Path("/work/gh-2.102.0/bin/gh")


@contextmanager
def seeded(
    plans: int, latency: float, gh: Path | None
) -> Iterator[tuple[SandboxGitHub, dict[str, str], Path]]:
    with (
        tempfile.TemporaryDirectory(prefix="learnlib-bench-") as tmp,
        SandboxGitHub(demo_state()) as double,
    ):
        with double.lock:
            repo = double.state.repo(DEMO_REPO)
            assert repo is not None
            for number in range(40000, 40000 + plans):
                body = plan_header() + f"\n# Plan {number}\n"
                repo.issues.append(Issue(number, f"Plan {number}", body, [PLAN], state="CLOSED"))
        double.latency = latency
        env = double.gh_env(Path(tmp), repo=DEMO_REPO)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if gh is not None:
            env["PATH"] = f"{gh.parent}{os.pathsep}{env['PATH']}"
        yield double, env, Path(tmp)


def run(env: dict[str, str], cwd: Path, *args: str) -> tuple[float, dict[str, object]]:
    started = time.perf_counter()
    done = subprocess.run(
        [INVOKE, "-r", str(ROOT), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{args[0]} failed ({done.returncode}): {done.stderr[-800:]}")
    return elapsed, json.loads(done.stdout)


def status_figures(gh: Path | None) -> list[tuple[str, str, str, str]]:
    with seeded(200, 0.1, gh) as (double, env, tmp):
        double.clear_records()
        elapsed, payload = run(env, tmp, "learn-status", "--state", "closed")
        plans = payload["plans"]
        assert isinstance(plans, list) and len(plans) >= 200
        requests = len(double.requests)
    return [
        ("learn-status, 200 plans: requests", str(requests), "<= 6", _ok(requests <= 6)),
        ("learn-status, 200 plans @ 100 ms: time", f"{elapsed:.2f} s", "-", "-"),
    ]


def backlog_figures(gh: Path | None) -> list[tuple[str, str, str, str]]:
    with seeded(100, 0.1, gh) as (double, env, tmp):
        double.clear_records()
        run(env, tmp, "learn-backlog", "--dry-run")  # the same listing, to subtract it
        listing = len(double.requests)
        double.clear_records()
        elapsed, payload = run(env, tmp, "learn-backlog", "--rate", "0", "--concurrency", "4")
        dispatched = payload["dispatched"]
        assert isinstance(dispatched, list), payload
        assert len([n for n in dispatched if n >= 40000]) == 100, payload  # and the demo's own
        per_plan = (len(double.requests) - listing) / len(dispatched)
    return [
        (
            "backlog, 100 plans: requests per dispatched plan",
            f"{per_plan:.2f}",
            "<= 6",
            _ok(per_plan <= 6),
        ),
        (
            "backlog, 100 plans @ 100 ms, no rate, K=4: time",
            f"{elapsed:.1f} s",
            "<= 40 s",
            _ok(elapsed <= 40),
        ),
    ]


def rate_figure(gh: Path | None, window: float) -> list[tuple[str, str, str, str]]:
    with seeded(100, 0.0, gh) as (double, env, tmp):
        process = subprocess.Popen(
            [INVOKE, "-r", str(ROOT), "learn-backlog"],
            env=env,
            cwd=tmp,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(window)
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=120)
        times = sorted(d.time for d in double.dispatches)
    per_minute = (len(times) - 1) / (times[-1] - times[0]) * 60 if len(times) > 1 else 0.0
    return [
        (
            f"backlog at the default rate (20/min), {window:g} s window: dispatches a minute",
            f"{per_minute:.1f}",
            "<= 20",
            _ok(per_minute <= 20.5),
        ),
    ]


def _ok(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gh", type=Path, default=NEW_GH if NEW_GH.exists() else None)
    parser.add_argument("--window", type=float, default=30.0)
    args = parser.parse_args()
    gh: Path | None = args.gh
    print(f"gh: {gh or shutil.which('gh')}", file=sys.stderr)
    rows = [*status_figures(gh), *backlog_figures(gh), *rate_figure(gh, args.window)]
    width = max(len(row[0]) for row in rows)
    print(f"{'figure'.ljust(width)}  {'value':>10}  {'target':>8}  verdict")
    for name, value, target, verdict in rows:
        print(f"{name.ljust(width)}  {value:>10}  {target:>8}  {verdict}")


if __name__ == "__main__":
    main()
