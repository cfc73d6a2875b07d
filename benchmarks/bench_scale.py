"""learn-status at scale, through the real gh against the sandbox GitHub.

5,000 plans and 3,000 learn runs (2,000 plans whose run succeeded, 1,000 whose run failed, 2,000
never learned; the failed ones older than the rest): requests counted by the sandbox (target: at
most 90: 100 plans and 100 runs a request), and the time at 100 ms a request.

Run: `python benchmarks/bench_scale.py [--gh PATH]...` (nox -s bench passes gh 2.23 and 2.102).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from learnlib.sandbox.seed import DEMO_REPO, demo_state, many_plans  # noqa: E402
from learnlib.sandbox.server import SandboxGitHub  # noqa: E402

INVOKE = str(Path(sys.executable).with_name("invoke"))
PLANS = 5000
TARGET_REQUESTS = 90


def status_at_scale(gh: str, latency: float) -> tuple[int, float, int, Counter[str]]:
    """(requests, seconds, plans listed, actions) of one learn-status over the seeded plans."""
    state = demo_state()
    # oldest first: the failed runs are the oldest, then the successful ones, then no run at all
    many_plans(state, 1000, state="OPEN", session="local", learn_runs=("failure",))
    many_plans(state, 2000, state="OPEN", session="local", learn_runs=("success",))
    many_plans(state, PLANS - 3000, state="OPEN", session="local")
    with (
        tempfile.TemporaryDirectory(prefix="learnlib-bench-") as tmp,
        SandboxGitHub(state) as double,
    ):
        env = double.gh_env(Path(tmp), repo=DEMO_REPO)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PATH"] = f"{Path(gh).parent}{os.pathsep}{env['PATH']}"
        double.latency = latency
        double.clear_records()
        started = time.perf_counter()
        done = subprocess.run(
            [
                INVOKE,
                "-r",
                str(ROOT),
                "learn-status",
                "--state",
                "open",
                "--limit",
                "10000",
                "--json",
            ],
            env=env,
            cwd=tmp,
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - started
        requests = len(double.requests)
    if done.returncode != 0:
        raise SystemExit(f"learn-status failed ({done.returncode}): {done.stderr[-800:]}")
    payload = json.loads(done.stdout)
    plans = payload["plans"]
    return requests, elapsed, len(plans), Counter(plan["action"] for plan in plans)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gh", action="append", default=[])
    parser.add_argument("--latency", type=float, default=0.1)
    args = parser.parse_args()
    ghs = args.gh or [shutil.which("gh") or "gh"]
    print(f"learn-status over {PLANS:,} plans and 3,000 runs @ {args.latency * 1000:g} ms/request")
    for gh in ghs:
        version = subprocess.run([gh, "--version"], capture_output=True, text=True, check=False)
        name = version.stdout.split("\n", 1)[0].removeprefix("gh version ").split(" ")[0]
        requests, elapsed, listed, actions = status_at_scale(gh, args.latency)
        verdict = "ok" if requests <= TARGET_REQUESTS and listed >= PLANS else "MISSED"
        shown = ", ".join(f"{action} {n}" for action, n in sorted(actions.items()))
        print(
            f"gh {name}: {listed:,} plans listed, {requests} requests (<= {TARGET_REQUESTS}: "
            f"{verdict}), {elapsed:.1f} s; {shown}"
        )


if __name__ == "__main__":
    main()
