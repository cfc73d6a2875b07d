"""What the Invoke tasks share: option checks, the gh client they use, printing and finishing."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from invoke.exceptions import Exit

from learnlib.gh.runner import Deadline, GitHubCli
from learnlib.tasks.config import Settings, read_settings
from learnlib.tasks.errors import ConfigError, UsageError
from learnlib.tasks.results import render
from learnlib.usecases.trigger import LearnOptions

__all__ = ["ConfigError", "Console", "UsageError"]

SANDBOX_REPO = "learnlib-demo/plans"
MAX_NUMBER = 2**31 - 1  # GitHub's issue and pull request numbers are GraphQL Int
MAX_RUN_ID = 2**63 - 1  # Actions run ids are 64-bit (they passed 2**31 long ago)
INTERRUPTED = 130  # the shell's code for a process stopped by Ctrl-C (128 + SIGINT)
_REPOSITORY = re.compile(
    r"^(?:[A-Za-z0-9][A-Za-z0-9.-]*/)?[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9_.-]+$"
)


def say(message: str) -> None:
    """Human words: stderr, never stdout."""
    print(message, file=sys.stderr, flush=True)


class Console:
    """stderr for people: progress (silenced by --quiet), warnings and errors (never silenced)."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet

    def progress(self, message: str) -> None:
        if not self.quiet:
            say(message)

    def warning(self, message: str) -> None:
        say(f"warning: {message}")

    def error(self, message: str, detail: str | None = None) -> None:
        say(f"error: {message}" + (f" ({detail})" if detail else ""))

    def block(self, text: str) -> None:
        """A block of text (a diff), as it is."""
        sys.stderr.write(text if text.endswith("\n") or not text else text + "\n")
        sys.stderr.flush()


def text(value: object, option: str) -> str:
    """A value option (declared optional, so a bare `--issue` reaches us): None means not given."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise UsageError(f"{option} needs a value")
    return str(value)


def positive_int(value: object, option: str, *, largest: int = MAX_NUMBER) -> int:
    """Parse an option that must be a positive integer (Invoke's own int parsing raises).

    ``largest``: issue and pull request numbers are GraphQL Ints; run ids are 64-bit.
    """
    given = text(value, option)
    digits = given.strip().lstrip("#")
    if not digits:
        raise UsageError(f"{option} is required (a positive integer, e.g. {option} 5406)")
    if not digits.isascii() or not digits.isdigit() or not 0 < int(digits) <= largest:
        raise UsageError(f"{option} must be a positive integer up to {largest}, got {given!r}")
    return int(digits)


def number_or_none(value: object) -> int | None:
    """The number an option asked about, for the JSON of a refusal; None when it is not one."""
    try:
        return positive_int(value, "")
    except UsageError:
        return None


def repository(value: object, option: str = "--repo") -> str:
    """An optional [HOST/]OWNER/NAME, checked before gh sees it; empty means let gh resolve it."""
    given = text(value, option).strip()
    if given and (not _REPOSITORY.match(given) or given.rsplit("/", 1)[1] in {".", ".."}):
        error = ConfigError if option.startswith("configuration") else UsageError
        raise error(f"{option} must look like OWNER/NAME or HOST/OWNER/NAME, got {given!r}")
    return given


def gh_argument(value: str, option: str, *, spaces: bool) -> str:
    """A workflow or ref handed to gh: never read as a flag, no control characters."""
    given = value.strip()
    bad = given.startswith("-") or any(ord(ch) < 32 or ch == "\x7f" for ch in given)
    if bad or (not spaces and any(ch.isspace() for ch in given)):
        what = option.rsplit(".", 1)[-1].strip("-")
        error = ConfigError if option.startswith("configuration") else UsageError
        raise error(f"{option} is not a usable {what} name: {given!r}")
    return given


def settings(c: Any, console: Console) -> Settings:
    """The task's configuration, every key checked (a bad one is a ConfigError naming it)."""
    return read_settings(c.config, warn=console.warning)


def configured_repository(option: object, config: Settings) -> str:
    """--repo, else learn.repo, each checked under its own name."""
    given = text(option, "--repo")
    if given.strip():
        return repository(given)
    return repository(config.text("learn.repo"), "configuration learn.repo")


def _flag_or_config(value: object, option: str, config: Settings, key: str, spaces: bool) -> str:
    given = text(value, option)
    if given.strip():
        return gh_argument(given, option, spaces=spaces)
    return gh_argument(config.text(key), f"configuration {key}", spaces=spaces)


def learn_options(
    config: Settings, *, workflow: object = None, ref: object = None, **flags: bool
) -> LearnOptions:
    """The trigger's options: each flag, else its configured value, checked under its own name."""
    workflow_name = _flag_or_config(workflow, "--workflow", config, "learn.workflow", True)
    if not workflow_name:
        raise ConfigError("configuration learn.workflow must name a workflow file, got ''")
    return LearnOptions(
        workflow=workflow_name,
        ref=_flag_or_config(ref, "--ref", config, "learn.ref", False) or None,
        label=config.text("learn.label") or _empty_label(),
        run_discovery_timeout=config.number("learn.run_discovery_timeout"),
        **flags,
    )


def _empty_label() -> str:
    raise ConfigError("configuration learn.label must name a label, got ''")


def finish(payload: dict[str, Any], code: int) -> None:
    """Print the task's one JSON object on stdout and set the exit code."""
    print(render(payload), flush=True)
    if code:
        raise Exit(code=code)


def internal_failure(error: Exception, payload: dict[str, Any] | None = None) -> None:
    """A bug still ends in one JSON object, not a traceback (LEARNLIB_DEBUG=1 shows it)."""
    if os.environ.get("LEARNLIB_DEBUG"):
        raise error
    detail = f"{type(error).__name__}: {error}"
    say(f"error: internal error in learnlib: {detail} (LEARNLIB_DEBUG=1 shows the traceback)")
    finish(
        {
            **(payload or {}),
            "success": False,
            "error": "Internal error in learnlib; check the issue and the workflow's runs",
            "error_type": "internal_error",
            "detail": detail,
        },
        1,
    )


def usage_failure(error: UsageError, payload: dict[str, Any] | None = None) -> None:
    """A malformed option or configuration value: one `error:` line, one JSON object, exit 2."""
    say(f"error: {error}")
    finish(
        {
            **(payload or {}),
            "success": False,
            "error": str(error),
            "error_type": error.error_type,
            "detail": "",
        },
        2,
    )


def interrupted(payload: dict[str, Any] | None = None, detail: str = "") -> None:
    """Ctrl-C: one clear line, one JSON object, exit 130."""
    say("error: interrupted (Ctrl-C)" + (f"; {detail}" if detail else ""))
    finish(
        {
            **(payload or {}),
            "success": False,
            "error": "Interrupted",
            "error_type": "interrupted",
            "detail": detail,
        },
        INTERRUPTED,
    )


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
    except Exit:
        raise
    except UsageError as error:
        usage_failure(error, payload)
    except SandboxUnavailable as error:
        say(f"error: {error}")
        failure = {"success": False, "error": str(error), "error_type": "sandbox_unavailable"}
        finish({**payload, **failure, "detail": "pip install 'learnlib[sandbox]'"}, 1)
    except KeyboardInterrupt:
        interrupted(payload if interrupt_payload is None else interrupt_payload, interrupt_detail)
    except Exception as error:  # a bug: still one JSON object, not a traceback
        internal_failure(error, payload)


@contextmanager
def github(
    config: Settings, repo: str, *, sandbox: bool, console: Console | None = None
) -> Iterator[GitHubCli]:
    """The gh client a task uses: the real GitHub, or the sandbox double for the task's life."""
    timeout = config.number("learn.gh_timeout")
    deadline = Deadline(config.number("learn.deadline"))
    if not sandbox:
        yield GitHubCli(repo=repo or None, timeout=timeout, deadline=deadline)
        return
    from learnlib.sandbox.session import gh_session

    with gh_session((console or Console()).progress) as env:
        yield GitHubCli(repo=repo or SANDBOX_REPO, timeout=timeout, deadline=deadline, env=env)
