"""The one schedule type for every wait: gh retries, rate-limit pauses, run discovery, --wait.

Pure, no clock: a schedule only says how long each wait is and how many tries there are; the
caller sleeps (or clips the wait to its deadline). Its numbers live in learnlib.defaults.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    """``steps`` first, then waits from ``first`` growing by ``growth`` up to ``longest``;
    ``attempts`` tries in all (so ``attempts - 1`` waits), None for no end."""

    first: float
    growth: float = 2.0
    longest: float = math.inf
    attempts: int | None = None
    steps: tuple[float, ...] = ()

    def wait(self, n: int) -> float:
        """The ``n``-th wait (from 0): the one before try ``n + 2``."""
        if n < len(self.steps):
            return self.steps[n]
        return min(self.longest, self.first * self.growth ** (n - len(self.steps)))

    def allows(self, tries: int) -> bool:
        """Whether a ``tries``-th try is still within the schedule."""
        return self.attempts is None or tries <= self.attempts

    def waits(self) -> Iterator[float]:
        """Every wait in order (for ever when ``attempts`` is None)."""
        count = itertools.count() if self.attempts is None else range(self.attempts - 1)
        return (self.wait(n) for n in count)
