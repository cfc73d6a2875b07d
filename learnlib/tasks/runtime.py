"""What the Invoke tasks share: option checks, the gh client they use, and how they finish."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from invoke.exceptions import Exit

from learnlib.gh.runner import Deadline, GitHubCli
from learnlib.learn import LearnOptions
from learnlib.learn_state import body_diff
from learnlib.tasks.results import render, usage_error_payload

SANDBOX_REPO = "learnlib-demo/plans"
MAX_NUMBER = 2**31 - 1  # GitHub's issue and pull request numbers are GraphQL Int
_REPOSITORY = re.compile(
    r"^(?:[A-Za-z0-9][A-Za-z0-9.-]*/)?[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9_.-]+$"
)


class UsageError(ValueError):
    """A malformed option: exit 2 with a clear message, never a traceback."""


def text(value: object, option: str) -> str:
    """A value option (declared optional, so a bare `--issue` reaches us): None means not given."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise UsageError(f"{option} needs a value")
    return str(value)


def positive_int(value: object, option: str) -> int:
    """Parse an option that must be a positive integer (Invoke's own int parsing raises)."""
    given = text(value, option)
    digits = given.strip().lstrip("#")
    if not digits:
        raise UsageError(f"{option} is required (a positive integer, e.g. {option} 5406)")
    if not digits.isascii() or not digits.isdigit() or not 0 < int(digits) <= MAX_NUMBER:
        raise UsageError(f"{option} must be a positive integer up to {MAX_NUMBER}, got {given!r}")
    return int(digits)


def repository(value: object, option: str = "--repo") -> str:
    """An optional [HOST/]OWNER/NAME, checked before gh sees it; empty means let gh resolve it."""
    given = text(value, option).strip()
    if given and (not _REPOSITORY.match(given) or given.rsplit("/", 1)[1] in {".", ".."}):
        raise UsageError(f"{option} must look like OWNER/NAME or HOST/OWNER/NAME, got {given!r}")
    return given


def gh_argument(value: object, option: str, *, spaces: bool) -> str:
    """A workflow or ref handed to gh: never read as a flag, no control characters."""
    given = text(value, option).strip()
    bad = given.startswith("-") or any(ord(ch) < 32 or ch == "\x7f" for ch in given)
    if bad or (not spaces and any(ch.isspace() for ch in given)):
        raise UsageError(f"{option} is not a usable {option.strip('-')} name: {given!r}")
    return given


def learn_options(
    config: Any, *, workflow: object = None, ref: object = None, **flags: bool
) -> LearnOptions:
    """The trigger's options: each flag, else its configured value, checked."""
    return LearnOptions(
        workflow=gh_argument(
            text(workflow, "--workflow") or config.workflow, "--workflow", spaces=True
        )
        or "learn-async.yml",
        ref=gh_argument(text(ref, "--ref") or config.ref, "--ref", spaces=False) or None,
        label=str(config.label),
        run_discovery_timeout=number(config.run_discovery_timeout, "learn.run_discovery_timeout"),
        **flags,
    )


def number(value: object, name: str) -> float:
    """A configured number (a string from INVOKE_* or a YAML file is accepted too)."""
    try:
        parsed = float(str(value))
    except ValueError:
        raise UsageError(f"configuration {name} must be a number, got {value!r}") from None
    if parsed <= 0:
        raise UsageError(f"configuration {name} must be greater than 0, got {value!r}")
    return parsed


def say(message: str) -> None:
    """Human progress and warnings: stderr, never stdout."""
    print(message, file=sys.stderr, flush=True)


def finish(payload: dict[str, Any], code: int) -> None:
    """Print the task's one JSON object on stdout and set the exit code."""
    print(render(payload), flush=True)
    if code:
        raise Exit(code=code)


def internal_failure(error: Exception) -> None:
    """A bug still ends in one JSON object, not a traceback (LEARNLIB_DEBUG=1 shows it)."""
    if os.environ.get("LEARNLIB_DEBUG"):
        raise error
    detail = f"{type(error).__name__}: {error}"
    say(f"error: internal error in learnlib: {detail} (LEARNLIB_DEBUG=1 shows the traceback)")
    payload = {
        "success": False,
        "error": "Internal error in learnlib; check the issue and the workflow's runs",
        "error_type": "internal_error",
        "detail": detail,
    }
    finish(payload, 1)


def usage_failure(error: UsageError, issue_number: int | None = None) -> None:
    say(f"error: {error}")
    finish(usage_error_payload(str(error), issue_number), 2)


@contextmanager
def github(config: Mapping[str, Any], repo: str, *, sandbox: bool) -> Iterator[GitHubCli]:
    """The gh client a task uses: the real GitHub, or the sandbox double for the task's life."""
    timeout = number(config["gh_timeout"], "learn.gh_timeout")
    deadline = Deadline(number(config["deadline"], "learn.deadline"))
    repo = repository(repo)
    if not sandbox:
        yield GitHubCli(repo=repo or None, timeout=timeout, deadline=deadline)
        return
    import tempfile

    from learnlib.sandbox.seed import demo_state
    from learnlib.sandbox.server import SandboxGitHub

    state = demo_state()
    bodies = {(f"{r.owner}/{r.name}", i.number): i.body for r in state.repos for i in r.issues}
    with (
        tempfile.TemporaryDirectory(prefix="learnlib-sandbox-") as tmp,
        SandboxGitHub(state) as double,
    ):
        env = double.gh_env(Path(tmp))
        try:
            yield GitHubCli(repo=repo or SANDBOX_REPO, timeout=timeout, deadline=deadline, env=env)
        finally:
            for edit in double.edits:
                before = bodies.get((edit.repo, edit.number), "")
                say(f"sandbox: issue #{edit.number} body changed:\n{body_diff(before, edit.body)}")
