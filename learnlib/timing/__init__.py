"""When to look and how long to wait: one schedule type, run discovery, following a run, pacing
(imports learnlib.rules, learnlib.gh and learnlib.defaults; clocks and sleeps are injected)."""

from collections.abc import Callable

#: Where a use case or a wait says what it is doing: one line for a person, at a time.
Progress = Callable[[str], None]


def silent(_: str) -> None:
    """The Progress that says nothing."""
    return None
