"""The sandbox and demo tasks: the GitHub double for newcomers and for trying gh by hand."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from invoke.context import Context

from learnlib.tasks import learnlib_task

if TYPE_CHECKING:
    from learnlib.sandbox.state import LearnRuns

_SANDBOX_HELP = {
    "port": "Port to bind on 127.0.0.1 when serving (default: any free port).",
    "state-file": "JSON state file (default: $LEARNLIB_SANDBOX_STATE, else "
    "$XDG_STATE_HOME/learnlib/sandbox.json); made from the demo plans if missing.",
    "reset": "Start the sandbox afresh from the demo plans (then exit, or run the command).",
    "shell": "Start your $SHELL pointed at the sandbox; it stops when the shell exits.",
    "learn-runs": "How the sandbox's learn runs end from now on: success (default), failure, "
    "cancelled, timed_out, startup_failure, or queued (they never start).",
}


def command_after_dashes(remainder: str) -> list[str]:
    """The command after ``--``, word for word from argv when it is there (Invoke's remainder
    is the words joined by spaces: quoting lost)."""
    if "--" in sys.argv:
        return sys.argv[sys.argv.index("--") + 1 :]
    return shlex.split(remainder)


@learnlib_task(help=_SANDBOX_HELP)
def sandbox(
    c: Context,
    port: str = "0",
    state_file: str = "",
    reset: bool = False,
    shell: bool = False,
    learn_runs: str = "",
) -> None:
    """Serve the sandbox GitHub (its state kept between commands), or run one command against it:
    `learnlib sandbox -- gh issue view 5406`."""
    from learnlib.tasks.finish import guarded

    command = command_after_dashes(getattr(c, "remainder", "") or "")
    guarded(lambda: _sandbox(port, state_file, reset, shell, learn_runs, command), {})


def _sandbox(
    port: str, state_file: str, reset: bool, shell: bool, ending: str, command: list[str]
) -> None:
    from learnlib.sandbox import session
    from learnlib.tasks.console import say
    from learnlib.tasks.errors import UsageError
    from learnlib.tasks.finish import finish
    from learnlib.tasks.options import positive_int

    number = 0 if port.strip() == "0" else positive_int(port, "--port", largest=65535)
    path = Path(state_file).expanduser() if state_file.strip() else session.state_path()
    if shell and command:
        raise UsageError("give --shell or a command after --, not both")
    runs = _learn_runs(ending)
    if reset:
        session.reset(path, runs)
        say(f"sandbox: started afresh from the demo plans ({path})")
    elif runs is not None:
        session.set_learn_runs(path, runs)
    if shell:
        command = [_login_shell()]
        say("sandbox: a shell pointed at the sandbox; `exit` stops it")
    if command:
        _run(command, path)
    elif reset or runs is not None:
        finish({"success": True, "state_file": str(path), "reset": reset}, 0)
    else:
        finish({"success": True, **session.serve(number, path, out=sys.stderr, gh=_gh())}, 0)


def _gh() -> str:
    """The gh learnlib itself would run: `gh` when PATH has one, else the one beside the
    interpreter (the venv's bin/, where the `gh` extra puts it), by its path."""
    import os

    from learnlib.gh.runner import find_gh

    return find_gh("gh", os.environ.get("PATH"))


def _learn_runs(ending: str) -> LearnRuns | None:
    from learnlib.sandbox import session
    from learnlib.tasks.errors import UsageError

    if not ending.strip():
        return None
    try:
        return session.learn_runs(ending.strip())
    except ValueError as error:
        raise UsageError(f"--learn-runs: {error}") from None


def _login_shell() -> str:
    import os

    return os.environ.get("SHELL") or "/bin/sh"


def _run(command: list[str], path: Path) -> None:
    """The command's own stdout and exit code: no JSON of ours (the command's output is the
    answer); a command that cannot start is one JSON object, exit 127."""
    from invoke.exceptions import Exit

    from learnlib.sandbox import session
    from learnlib.tasks.console import say
    from learnlib.tasks.finish import finish

    gh = _gh()
    try:
        code = session.run_command(
            command, path, gh_dir=str(Path(gh).parent) if gh != "gh" else None
        )
    except FileNotFoundError as error:
        say(f"error: {error}")
        failure = {"success": False, "error": str(error), "error_type": "command_not_found"}
        return finish({**failure, "detail": ""}, 127)
    if code:
        raise Exit(code=code)
    return None


@learnlib_task()
def demo(c: Context) -> None:
    """Narrated tour: trigger async learn for demo plan #5406 through the real gh and a sandbox."""
    from learnlib.tasks.finish import guarded

    guarded(lambda: run_demo(c), {"issue_number": 5406})


def run_demo(c: Context) -> None:
    from learnlib.gh.runner import Deadline, GitHubCli
    from learnlib.sandbox.seed import DEMO_REPO
    from learnlib.sandbox.session import gh_session
    from learnlib.tasks.config import read_settings
    from learnlib.tasks.console import Console
    from learnlib.tasks.finish import finish
    from learnlib.tasks.options import learn_options
    from learnlib.tasks.render import trigger_payload
    from learnlib.usecases.trigger import TriggerResult, trigger_plan

    def outcome(result: TriggerResult) -> str:
        if not result.success:
            return f"refused: {result.error} ({result.error_type})"
        if not result.workflow_triggered:
            return f"nothing dispatched: {result.reason}"
        return f"dispatched run {result.run_id} ({result.workflow_run_url})"

    console = Console()
    config = read_settings(c.config, warn=console.warning)
    options = learn_options(config)
    say = console.progress
    say("A GitHub double is starting on 127.0.0.1; the real gh talks to it (no account needed).")
    with gh_session(say, persistent=False) as env:  # a fresh demo, the user's sandbox untouched
        timeout, deadline = config.number("learn.gh_timeout"), config.number("learn.deadline")
        gh = GitHubCli(repo=DEMO_REPO, timeout=timeout, deadline=Deadline(deadline), env=env)
        say("\n1. Trigger async learn for plan #5406: read, check, dispatch, mark pending.")
        result = trigger_plan(gh, 5406, options, progress=say)
        say(f"   -> {outcome(result)}")
        say("\n2. The same command again: the plan is pending now, so it dispatches nothing.")
        say(f"   -> {outcome(trigger_plan(gh, 5406, options, progress=say))}")
        say("\n3. Issue #5407 has no erk-plan label: refused before anything is sent.")
        say(f"   -> {outcome(trigger_plan(gh, 5407, options, progress=say))}")
        say("\nThe one change made to #5406's body (only the learn lines move):")
    say("stdout below is step 1's JSON, as `learnlib trigger-async-learn` prints it.")
    finish(trigger_payload(result), 0 if result.success else 1)
