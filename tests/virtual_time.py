"""Time for tests whose gh is faked: real time plus every wait, which passes at once.

A wait that the code under test makes through its gh client (retries, run discovery, lookups by
id, --wait) adds its length to this clock and returns, so a test sees the schedule it would see in
real time, in order and in full, without spending it; the time the code itself takes still counts.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field


@dataclass
class VirtualTime:
    waited: float = 0.0
    waits: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def clock(self) -> float:
        with self._lock:
            return time.monotonic() + self.waited

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.waits.append(seconds)
            self.waited += max(0.0, seconds)
