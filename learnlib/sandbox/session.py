"""The sandbox a person uses: one state per user, kept between commands, whose learn runs start
and finish by themselves (evaluated from time, so it works across processes).

- ``--sandbox`` on a task: :func:`gh_session` serves the per-user state for the task's life;
- ``learnlib sandbox``: :func:`serve` in the foreground, :func:`run_command` for
  ``learnlib sandbox -- gh issue view 5406`` (the environment set for that command alone), and
  :func:`reset` to start afresh.

The state file is ``$LEARNLIB_SANDBOX_STATE``, else ``$XDG_STATE_HOME/learnlib/sandbox.json``
(``~/.local/state/learnlib/sandbox.json``). It is made from the demo seed the first time.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from learnlib import defaults
from learnlib.rules.learn_state import body_diff
from learnlib.sandbox import SandboxUnavailable
from learnlib.sandbox.core import check_run
from learnlib.sandbox.seed import DEMO_REPO, demo_state
from learnlib.sandbox.server import SandboxGitHub
from learnlib.sandbox.state import LearnRuns, SandboxState

STATE_ENV = "LEARNLIB_SANDBOX_STATE"
#: What ``--learn-runs`` may choose: how a dispatched learn run ends, or ``queued`` (never starts).
ENDINGS = ("success", "failure", "cancelled", "timed_out", "startup_failure", "queued")


def state_path() -> Path:
    """The per-user state file (see the module's docstring)."""
    given = os.environ.get(STATE_ENV, "").strip()
    if given:
        return Path(given).expanduser()
    base = os.environ.get("XDG_STATE_HOME", "").strip() or Path.home() / ".local" / "state"
    return Path(base) / "learnlib" / "sandbox.json"


def learn_runs(
    ending: str = "success", seconds: float = defaults.SANDBOX_LEARN_RUN_SECONDS
) -> LearnRuns:
    """Learn runs that end with ``ending`` after ``seconds`` (``queued``: they never start)."""
    if ending not in ENDINGS:
        raise ValueError(f"a learn run ends with one of {', '.join(ENDINGS)}, not {ending!r}")
    if ending == "queued":
        return LearnRuns(None)
    check_run(conclusion=ending, after=seconds)
    return LearnRuns(seconds, ending)


def fresh_state(runs: LearnRuns | None = None) -> SandboxState:
    """The demo seed, its learn runs finishing by themselves (successfully, by default)."""
    state = demo_state()
    state.runs = runs or learn_runs()
    return state


def reset(path: Path, runs: LearnRuns | None = None) -> SandboxState:
    """Start the sandbox afresh: the demo seed written to ``path``."""
    state = fresh_state(runs)
    SandboxGitHub(state, state_file=path).core.save()
    return state


def set_learn_runs(path: Path, runs: LearnRuns) -> None:
    """Change how the sandbox's next learn runs end, keeping the rest of its state."""
    double = open_sandbox(path)
    with double.core.synced():
        double.core.state.runs = runs
        double.core.dirty = True


def open_sandbox(path: Path | None) -> SandboxGitHub:
    """A sandbox on the state ``path`` holds (made from the demo seed if there is none yet);
    None: a fresh demo state in memory."""
    if path is None:
        return SandboxGitHub(fresh_state())
    if not path.exists():
        return SandboxGitHub(fresh_state(), state_file=path)
    try:
        return SandboxGitHub(state_file=path)
    except (OSError, ValueError, TypeError, KeyError) as err:
        raise SandboxUnavailable(
            f"the sandbox state file {path} cannot be read ({type(err).__name__}: {err}); "
            "`learnlib sandbox --reset` starts the sandbox afresh"
        ) from None


@contextmanager
def gh_session(
    progress: Callable[[str], None] | None = None, *, persistent: bool = True
) -> Iterator[dict[str, str]]:
    """Serve the sandbox (the per-user state, or with ``persistent=False`` a fresh one) for the
    block; yields the environment that points gh at it (no GH_REPO: pass the repository).

    When the block ends, ``progress`` hears each issue body that changed, as a diff."""
    double = open_sandbox(state_path() if persistent else None)
    with tempfile.TemporaryDirectory(prefix="learnlib-sandbox-") as tmp, double:
        before = {(r.full_name, i.number): i.body for r in double.state.repos for i in r.issues}
        try:
            yield double.gh_env(Path(tmp))
        finally:
            for note in edit_notes(double, before):
                (progress or _silent)(note)


def _silent(_note: str) -> None:
    return None


def edit_notes(double: SandboxGitHub, before: dict[tuple[str, int], str]) -> list[str]:
    """Each body edit the sandbox saw, as a diff against ``before`` (bodies by repo, number)."""
    notes = []
    for edit in double.edits:
        what = {"learn_run": "its learn run recorded the outcome in"}.get(edit.source, "changed")
        diff = body_diff(before.get((edit.repo, edit.number), ""), edit.body)
        notes.append(f"sandbox: {what} issue #{edit.number}:\n{diff}")
    return notes


def run_command(argv: Sequence[str], path: Path, *, gh_dir: str | None = None) -> int:
    """Run ``argv`` against the sandbox on ``path``, the environment set for it alone; its
    exit code (127 when it cannot be started). ``gh_dir``: a folder holding the gh to use when
    PATH has none (the venv's bin/), put at the end of the command's PATH."""
    with tempfile.TemporaryDirectory(prefix="learnlib-sandbox-") as tmp, open_sandbox(path) as sb:
        env = sb.gh_env(Path(tmp), DEMO_REPO)
        if gh_dir:
            env["PATH"] = os.pathsep.join(part for part in (env.get("PATH"), gh_dir) if part)
        try:
            return subprocess.run(list(argv), env=env, check=False).returncode
        except OSError as err:
            raise FileNotFoundError(f"cannot run {argv[0]!r}: {err.strerror or err}") from None


def scoped_env(double: SandboxGitHub, tmpdir: Path) -> str:
    """One command line prefix that points a single command at ``double``: ``env -u ... K=V``."""
    env = double.gh_env(tmpdir, DEMO_REPO)
    unset = ("NO_PROXY", "no_proxy", "GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN")
    ours = {k: v for k, v in env.items() if os.environ.get(k) != v or k.startswith("GH_")}
    return " ".join(
        [
            "env",
            *(f"-u {name}" for name in unset),
            *(f"{k}={shlex.quote(v)}" for k, v in ours.items()),
        ]
    )


def serve(port: int, path: Path, *, out: TextIO, gh: str = "gh") -> dict[str, Any]:
    """Serve the sandbox on ``path`` in the foreground until Ctrl-C or SIGTERM; say on ``out``
    how to point ``gh`` (its name on PATH, else its path) at it without changing the shell's
    environment."""
    double = open_sandbox(path)
    stop = threading.Event()
    previous: dict[signal.Signals, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda _n, _f: stop.set())
    try:
        double.start(port)
        prefix = scoped_env(double, Path(tempfile.mkdtemp(prefix="learnlib-sandbox-gh-")))
        _say_how(out, double.proxy_url, path, f"{prefix} {shlex.quote(gh)}")
        while not stop.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        double.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    print("# sandbox stopped", file=out, flush=True)
    return {
        "state_file": str(path),
        "requests": len(double.requests),
        "dispatches": len(double.dispatches),
        "edits": len(double.edits),
    }


def _say_how(out: TextIO, url: str, path: Path, prefix: str) -> None:
    lines = [
        f"# GitHub sandbox listening on {url} (state: {path}); Ctrl-C stops it.",
        "# Without this server, one command against the same state (nothing else changes):",
        "#   learnlib sandbox -- gh issue view 5406",
        "# or a shell pointed at it: learnlib sandbox --shell",
        "# To point one command at this server, prefix it with the line below (only that",
        "# command's environment changes; your shell's TMPDIR and HTTP_PROXY stay as they are):",
        f"{prefix} issue view 5406 --json number,title,labels",
    ]
    print("\n".join(lines), file=out, flush=True)
