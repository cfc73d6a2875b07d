"""The gh client a task uses: the real GitHub, or the sandbox double for the task's life."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
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
    import tempfile

    from learnlib.rules.learn_state import body_diff
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
                (console or Console()).progress(
                    f"sandbox: issue #{edit.number} body changed:\n{body_diff(before, edit.body)}"
                )
