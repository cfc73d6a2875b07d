"""Shared pieces of the hostile-input suite: the session tally and the line it prints at the end.

Every case goes through ``test_hostile.check``, which records here whether it was tried and whether
all of its invariants held; ``pytest_terminal_summary`` prints the counts and names the cases that
did not hold (known product bugs are marked xfail and show up there too).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pytest


@dataclass
class Tally:
    """Cases tried and held, by category, and what went wrong in the ones that did not hold."""

    tried: Counter[str] = field(default_factory=Counter)
    held: Counter[str] = field(default_factory=Counter)
    broken: dict[str, list[str]] = field(default_factory=dict)  # "category/case" -> violations
    known_bugs: set[str] = field(default_factory=set)  # the broken cases that are strict xfails

    def record(self, category: str, case: str, violations: list[str], known_bug: bool) -> None:
        self.tried[category] += 1
        if not violations:
            self.held[category] += 1
            return
        name = f"{category}/{case}"
        self.broken[name] = violations
        if known_bug:
            self.known_bugs.add(name)

    def summary(self) -> list[str]:
        tried, held = sum(self.tried.values()), sum(self.held.values())
        by_category = ", ".join(
            f"{name} {self.held[name]}/{count}" for name, count in sorted(self.tried.items())
        )
        lines = [f"hostile suite: {tried} cases tried, {held} held ({by_category})"]
        for name, violations in sorted(self.broken.items()):
            why = "known limitation, xfail" if name in self.known_bugs else "NEW"
            lines.append(f"  did not hold ({why}): {name}: {'; '.join(violations)}")
        return lines


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
    if found is None:
        return
    terminalreporter.write_sep("-", "hostile input and faults")
    for line in found.summary():
        terminalreporter.write_line(line)
