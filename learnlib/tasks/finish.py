"""How every task ends: its one JSON object on stdout and its exit code, whatever happened.

:func:`guarded` runs a task's body: a malformed option (exit 2), Ctrl-C (exit 130), a sandbox
that cannot start and a bug (exit 1) each still end in one JSON object, never a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

from invoke.exceptions import Exit

from learnlib.tasks.console import Console, say
from learnlib.tasks.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE, UsageError
from learnlib.tasks.render import ERROR_INTERNAL, ERROR_INTERRUPTED, failure, render

if TYPE_CHECKING:
    from invoke.context import Context

    from learnlib.tasks import Flags


def finish(payload: dict[str, Any], code: int) -> None:
    """Print the task's one JSON object on stdout and set the exit code."""
    print(render(payload), flush=True)
    if code:
        raise Exit(code=code)


def stop(payload: dict[str, Any], code: int = EXIT_FAILED) -> NoReturn:
    """End a task that did not succeed: its JSON object, then exit ``code`` (not 0)."""
    print(render(payload), flush=True)
    raise Exit(code=code)


def fail(payload: dict[str, Any], error: str, error_type: str, detail: str, code: int) -> NoReturn:
    """End with ``payload`` (what the task asked about) marked failed: the triple, the code."""
    stop({**payload, "success": False, **failure(error, error_type, detail)}, code)


def interrupted(payload: dict[str, Any], detail: str = "") -> NoReturn:
    """Ctrl-C: one clear line, one JSON object, exit 130."""
    say("error: interrupted (Ctrl-C)" + (f"; {detail}" if detail else ""))
    fail(payload, ERROR_INTERRUPTED, "interrupted", detail, EXIT_INTERRUPTED)


def guarded(
    body: Callable[[], None],
    payload: dict[str, Any],
    *,
    interrupt_detail: str = "",
    interrupt_payload: dict[str, Any] | None = None,
) -> None:
    """Run a task body: any option error, Ctrl-C or bug still ends in one JSON object."""
    from learnlib.sandbox import SandboxUnavailable  # the exception alone: no graphql-core

    try:
        body()
    except (Exit, BrokenPipeError):  # the reader of stdout has gone: nothing more to print
        raise
    except UsageError as error:
        say(f"error: {error}")
        fail(payload, str(error), error.error_type, "", EXIT_USAGE)
    except SandboxUnavailable as error:
        say(f"error: {error}")
        install = "pip install 'learnlib[sandbox]'"
        fail(payload, str(error), "sandbox_unavailable", install, EXIT_FAILED)
    except KeyboardInterrupt:
        interrupted(payload if interrupt_payload is None else interrupt_payload, interrupt_detail)
    except Exception as error:  # a bug: still one JSON object, not a traceback
        if os.environ.get("LEARNLIB_DEBUG"):
            raise
        detail = f"{type(error).__name__}: {error}"
        say(f"error: internal error in learnlib: {detail} (LEARNLIB_DEBUG=1 shows the traceback)")
        fail(payload, ERROR_INTERNAL, "internal_error", detail, EXIT_FAILED)


def run_task(
    run: Callable[[Context, Console, Flags], None],
    c: Context,
    flags: Flags,
    asked: dict[str, Any],
    *,
    interrupt_detail: str,
    interrupt_payload: dict[str, Any] | None = None,
) -> None:
    """A table-declared task: ``run`` it :func:`guarded`, with a Console that --quiet silences.

    ``asked``: what the command line asked about, carried by every refusal's JSON object.
    """
    console = Console(flags.on("quiet"))
    guarded(
        lambda: run(c, console, flags),
        asked,
        interrupt_detail=interrupt_detail,
        interrupt_payload=interrupt_payload,
    )
