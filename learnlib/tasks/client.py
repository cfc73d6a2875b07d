"""The gh client a task uses: the real GitHub, or the sandbox double for the task's life."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from learnlib.gh.runner import Deadline, GitHubCli
from learnlib.tasks.console import Console

if TYPE_CHECKING:
    from learnlib.tasks.config import Settings

SANDBOX_REPO = "learnlib-demo/plans"


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
