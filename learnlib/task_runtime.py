"""What the Invoke tasks share: option checks, the gh client they use, and how they finish."""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from invoke.exceptions import Exit

from learnlib.gh.runner import Deadline, GitHubCli
from learnlib.learn import body_diff
from learnlib.results import render, usage_error_payload

SANDBOX_REPO = "learnlib-demo/plans"
_REPOSITORY = re.compile(
    r"^(?:[A-Za-z0-9][A-Za-z0-9.-]*/)?[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9_.-]+$"
)


class UsageError(ValueError):
    """A malformed option: exit 2 with a clear message, never a traceback."""


def positive_int(text: str, option: str) -> int:
    """Parse an option that must be a positive integer (Invoke's own int parsing raises)."""
    value = text.strip().lstrip("#")
    if not value:
        raise UsageError(f"{option} is required (a positive integer, e.g. {option} 5406)")
    if not value.isascii() or not value.isdigit() or int(value) <= 0:
        raise UsageError(f"{option} must be a positive integer, got {text!r}")
    return int(value)


def repository(text: str, option: str = "--repo") -> str:
    """An optional [HOST/]OWNER/NAME, checked before gh sees it; empty means let gh resolve it."""
    value = text.strip()
    if value and not _REPOSITORY.match(value):
        raise UsageError(f"{option} must look like OWNER/NAME or HOST/OWNER/NAME, got {text!r}")
    return value


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
