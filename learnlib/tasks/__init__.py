"""Invoke task modules: only Invoke is imported at start-up, the work when a task runs.

A new task: a module here whose functions use :func:`learnlib_task`, added to ``ns`` in
collection.py. Shared helpers: runtime.py (options, gh client, printing, finishing),
config.py (the checked configuration), results.py (the JSON objects).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from invoke.tasks import Task, task

# Help texts that several tasks share.
REPO_HELP = "Repository OWNER/NAME (default: learn.repo, else GH_REPO, else the git remote)."
SANDBOX_HELP = "Run against a local GitHub double seeded with demo plans (needs gh only)."
QUIET_HELP = "Print no progress on stderr (warnings and errors still)."

# A short flag means the same on every task, or there is none (Invoke's automatic ones do not).
SHORT_FLAGS = {"issue": "i", "pr": "p", "repo": "r", "dry_run": "n", "quiet": "q"}


class LearnlibTask(Task[Any]):
    """A task whose short flags come from SHORT_FLAGS only."""

    def arg_opts(self, name: str, default: str, taken_names: set[str]) -> dict[str, Any]:
        opts = super().arg_opts(name, default, taken_names)
        short = SHORT_FLAGS.get(name)
        if short is not None and short not in taken_names:
            opts["names"] = [*opts["names"], short]
        return opts


def learnlib_task(**options: Any) -> Callable[[Callable[..., Any]], LearnlibTask]:
    """``@task`` with learnlib's short flags."""
    decorate: Callable[[Callable[..., Any]], LearnlibTask] = task(
        klass=LearnlibTask, auto_shortflags=False, **options
    )
    return decorate
