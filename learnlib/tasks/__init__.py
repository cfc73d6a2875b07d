"""Invoke task modules: only Invoke is imported at start-up, the work when a task runs.

A new task: a module here whose function uses :func:`learnlib_task`, added to ``ns`` in
collection.py. It declares its options once, in a table (their help, and whether each is a
switch or takes a value); Invoke reads the table as the task's signature and hands the body
what was given as ``**given``, read through :class:`Flags`. The body resolves its options
(options.py: the flag, else the configuration of config.py), calls one use-case function with
the gh client of client.py, tells people on stderr (console.py) and ends in one JSON object
(render.py's shapes, finish.py's exit codes). Only these face modules load at start-up; a task
imports gh and its use case when it runs.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from invoke.tasks import Task, task

# A short flag means the same on every task, or there is none (Invoke's automatic ones do not).
SHORT_FLAGS = {"issue": "i", "pr": "p", "repo": "r", "dry_run": "n", "quiet": "q"}


@dataclass(frozen=True)
class Option:
    """One option of a task: its help, and whether it is a switch (else it takes a value)."""

    help: str
    switch: bool = False


def value(help: str) -> Option:
    """An option that takes a value; None when not given (a bare `--issue` reaches us as True)."""
    return Option(help)


def switch(help: str) -> Option:
    """A yes/no flag, False when not given."""
    return Option(help, switch=True)


# Options that several tasks share, by name.
SHARED = {
    "repo": value(
        "Repository OWNER/NAME (default: learn.repo, else GH_REPO, else the git remote)."
    ),
    "workflow": value(
        "Workflow file to dispatch (default: config learn.workflow, learn-async.yml)."
    ),
    "ref": value(
        "Git ref to run the workflow on (default: config learn.ref, else default branch)."
    ),
    "sandbox": switch(
        "Run against a local GitHub double seeded with demo plans (needs gh and the sandbox "
        "extra: pip install 'learnlib[sandbox]')."
    ),
    "quiet": switch("Print no progress on stderr (warnings and errors still)."),
    "wait_timeout": value("Seconds --wait follows the run (default: config learn.wait_timeout)."),
}


def shared(*names: str) -> dict[str, Option]:
    return {name: SHARED[name] for name in names}


class Flags:
    """A task's command line as Invoke handed it over, by option name."""

    def __init__(self, given: Mapping[str, Any]) -> None:
        self._given = dict(given)

    def __getitem__(self, name: str) -> Any:
        """A value option's text (None when not given, True when given bare), or a list."""
        return self._given.get(name)

    def on(self, name: str) -> bool:
        """A switch."""
        return self._given.get(name) is True


class LearnlibTask(Task[Any]):
    """A task whose options come from its table, and whose short flags from SHORT_FLAGS only."""

    def __init__(self, body: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.table: Mapping[str, Option] = kwargs.pop("table", None) or {}
        super().__init__(body, *args, **kwargs)

    def argspec(self, body: Callable[..., Any]) -> inspect.Signature:
        if not self.table:  # a task with a plain signature
            return super().argspec(body)
        keyword = inspect.Parameter.KEYWORD_ONLY
        return inspect.Signature(
            [
                inspect.Parameter(name, keyword, default=False if option.switch else None)
                for name, option in self.table.items()
            ]
        )

    def arg_opts(self, name: str, default: str, taken_names: set[str]) -> dict[str, Any]:
        opts = super().arg_opts(name, default, taken_names)
        if name in self.table:  # read, not popped as Invoke pops its help dict: a collection
            opts["help"] = self.table[name].help  # parsed twice keeps its help
        short = SHORT_FLAGS.get(name)
        if short is not None and short not in taken_names:
            opts["names"] = [*opts["names"], short]
        return opts


def learnlib_task(
    table: Mapping[str, Option] | None = None, **options: Any
) -> Callable[[Callable[..., Any]], LearnlibTask]:
    """``@task`` with learnlib's short flags; ``table`` declares the options (else the body's
    signature does, as for any Invoke task)."""
    if table:
        lists = set(options.get("iterable", ()))
        options.setdefault(
            "optional", [n for n, option in table.items() if not option.switch and n not in lists]
        )
    decorate: Callable[[Callable[..., Any]], LearnlibTask] = task(
        klass=LearnlibTask, auto_shortflags=False, table=table, **options
    )
    return decorate
