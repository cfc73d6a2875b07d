"""The sandbox and demo tasks: the GitHub double for newcomers and for trying gh by hand."""

from __future__ import annotations

from invoke.context import Context

from learnlib.tasks import learnlib_task


@learnlib_task(
    help={
        "port": "Port to bind on 127.0.0.1 (default: any free port).",
        "state-file": "JSON state file: loaded if present (else the demo plans), saved on change.",
    }
)
def sandbox(c: Context, port: str = "0", state_file: str = "") -> None:
    """Serve the sandbox GitHub in the foreground; print the environment that points gh at it."""
    from learnlib.tasks.console import say
    from learnlib.tasks.errors import UsageError
    from learnlib.tasks.finish import finish, guarded
    from learnlib.tasks.options import positive_int

    def body() -> None:
        import sys
        from pathlib import Path

        from learnlib.sandbox.server import serve

        number = 0 if port.strip() == "0" else positive_int(port, "--port")
        if number > 65535:
            raise UsageError(f"--port must be at most 65535, got {port!r}")
        try:
            summary = serve(number, Path(state_file) if state_file else None, out=sys.stderr)
        except (ValueError, KeyError, TypeError) as error:  # a state file that is not the state
            raise UsageError(
                f"--state-file {state_file!r} is not a sandbox state file: "
                f"{type(error).__name__}: {error}"
            ) from None
        except OSError as error:  # the port is taken, the state file cannot be written...
            say(f"error: {error}")
            return finish(
                {"success": False, "error": str(error), "error_type": "sandbox_failed"}, 1
            )
        finish({"success": True, **summary}, 0)

    guarded(body, {})


@learnlib_task()
def demo(c: Context) -> None:
    """Narrated tour: trigger async learn for demo plan #5406 through the real gh and a sandbox."""
    from learnlib.tasks.finish import guarded

    guarded(lambda: run_demo(c), {"issue_number": 5406})


def run_demo(c: Context) -> None:
    from learnlib.tasks.client import github
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
    with github(config, "", sandbox=True, console=console) as gh:
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
