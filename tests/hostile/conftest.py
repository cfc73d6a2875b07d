"""Shared pieces of the hostile-input suite: the session tally and the line it prints at the end.

Every case goes through ``test_hostile.check`` (or its like), which counts it here as tried and,
when all of its invariants held, as held: ``hostile suite: N cases tried, M held (by category)``.
What did not hold, and why, is pytest's to report: a failure as a failure, a known limitation as
a strict xfail (its reason in the `-ra` summary; one that unexpectedly holds fails the run).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pytest


@dataclass
class Tally:
    """Cases tried and held, by category."""

    tried: Counter[str] = field(default_factory=Counter)
    held: Counter[str] = field(default_factory=Counter)

    def record(self, category: str, violations: list[str]) -> None:
        """Count one case: only whether it held (what did not hold, and why, is pytest's to report:
        the case's id, its assertion, its xfail marker)."""
        self.tried[category] += 1
        if not violations:
            self.held[category] += 1

    def summary(self) -> str:
        tried, held = sum(self.tried.values()), sum(self.held.values())
        by_category = ", ".join(
            f"{name} {self.held[name]}/{count}" for name, count in sorted(self.tried.items())
        )
        return f"hostile suite: {tried} cases tried, {held} held ({by_category})"


TALLY = pytest.StashKey[Tally]()


@pytest.fixture(scope="session")
def tally(request: pytest.FixtureRequest) -> Tally:
    """The session-wide counter (kept in the config stash, where the summary hook finds it)."""
    stash = request.config.stash
    if TALLY not in stash:
        stash[TALLY] = Tally()
    return stash[TALLY]


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    found = config.stash.get(TALLY, None)
    if found is not None:
        terminalreporter.write_sep("-", "hostile input and faults")
        terminalreporter.write_line(found.summary())
