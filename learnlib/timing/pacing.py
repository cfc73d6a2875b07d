"""Pacing for many GitHub writes: a rate limiter, a shared pause gate, and a small worker pool.

Pure and clock-injected: the pool runs ``work(item)`` for each item, K at a time, no faster than
the limiter allows; when a result says GitHub's rate limit answered, the gate pauses every worker
(60 s, doubling while the limit keeps answering) and the item goes back to the front of the queue.
A stop event (Ctrl-C) lets the items in flight finish and starts no new one.
"""

from __future__ import annotations

import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Generic, Literal, Protocol, TypeVar

from learnlib import defaults
from learnlib.rules.schedule import Schedule

I = TypeVar("I")  # noqa: E741 - an item
R = TypeVar("R")  # a result


class Clock(Protocol):
    """Time as the pool sees it: ``now`` in seconds, and a wait that a stop event cuts short."""

    def now(self) -> float: ...
    def wait(self, seconds: float, stop: threading.Event) -> None: ...


class RealClock:
    def now(self) -> float:
        return time.monotonic()

    def wait(self, seconds: float, stop: threading.Event) -> None:
        if seconds > 0:
            stop.wait(seconds)


class RateLimiter:
    """At most ``per_minute`` starts a minute, evenly spaced; None or 0 means no limit."""

    def __init__(self, per_minute: float | None, clock: Clock) -> None:
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self._clock = clock
        self._next = float("-inf")
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Take the next free slot; returns how long to wait until it comes."""
        with self._lock:
            now = self._clock.now()
            slot = max(now, self._next)
            self._next = slot + self.interval
            return slot - now


#: The pause when GitHub's rate limit answers: 60 s, doubling to 15 min (learn.backlog's keys).
BACKOFF = Schedule(
    first=defaults.BACKLOG_BACKOFF,
    growth=defaults.BACKOFF_GROWTH,
    longest=defaults.BACKLOG_BACKOFF_MAX,
)


class PauseGate:
    """One pause for every worker when GitHub says "rate limit", with a backoff that doubles.

    Several requests in flight when the limit answers are one episode: only a request started
    after the last pause began can start a longer one. A success of such a request resets it.
    """

    def __init__(self, clock: Clock, backoff: Schedule = BACKOFF) -> None:
        self._clock = clock
        self.backoff = backoff
        self._episodes = 0  # pauses in a row, since the last success
        self._until = float("-inf")
        self._tripped_at = float("-inf")
        self._lock = threading.Lock()

    def remaining(self) -> float:
        with self._lock:
            return max(0.0, self._until - self._clock.now())

    def trip(self, started_at: float) -> float:
        """A request started at ``started_at`` met the rate limit; returns the pause left."""
        with self._lock:
            now = self._clock.now()
            if started_at > self._tripped_at:
                self._tripped_at = now
                self._until = max(self._until, now + self.backoff.wait(self._episodes))
                self._episodes += 1
            return max(0.0, self._until - now)

    def clear(self, started_at: float) -> None:
        """A request started at ``started_at`` got through: a later limit starts short again."""
        with self._lock:
            if started_at > self._tripped_at:
                self._episodes = 0


@contextmanager
def _interrupts_stop(on_interrupt: Callable[[], None]) -> Iterator[None]:
    """While inside, SIGINT calls ``on_interrupt`` (main thread only; elsewhere nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        on_interrupt()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


PaceKind = Literal["done", "rate_limited", "waiting"]


@dataclass(frozen=True)
class PaceEvent(Generic[I, R]):
    """What the pool tells its observer: an item ``done``, ``rate_limited`` (it goes back to the
    queue), or every worker ``waiting`` out a pause."""

    kind: PaceKind
    item: I | None = None
    result: R | None = None
    wait: float = 0.0


@dataclass
class PacedRun(Generic[I, R]):
    """What a pool run did: results in the order they ended, the items never finished."""

    done: list[tuple[I, R]] = field(default_factory=list)
    not_started: list[I] = field(default_factory=list)
    interrupted: bool = False


@dataclass
class Pool(Generic[I, R]):
    """Run ``work`` over items K at a time, paced by ``limiter`` and ``gate``."""

    work: Callable[[I], R]
    is_rate_limited: Callable[[R], bool]
    concurrency: int
    limiter: RateLimiter
    gate: PauseGate
    clock: Clock
    on_event: Callable[[PaceEvent[I, R]], None] = lambda _: None
    attempts: int = defaults.BACKLOG_RATE_LIMIT_ATTEMPTS  # tries while the rate limit answers
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self, items: Sequence[I]) -> PacedRun[I, R]:
        """Run every item (or until ``stop``); Ctrl-C sets ``stop`` and waits for the in-flight."""
        if self.concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        queue: deque[int] = deque(range(len(items)))  # indices: items need not be hashable
        outcome: PacedRun[I, R] = PacedRun()
        lock = threading.Lock()
        tries: dict[int, int] = {}
        live = [0]  # workers still running, counted by the workers themselves

        def worker() -> None:
            try:
                self._worker(items, queue, outcome, lock, tries)
            finally:
                with lock:
                    live[0] -= 1

        # Ctrl-C sets ``stop`` instead of raising: a KeyboardInterrupt in the middle of starting or
        # joining threads (Python 3.11's join can then report a live thread as ended) would let
        # the process exit in the middle of a plan, dispatched with its header not yet written.
        with _interrupts_stop(lambda: self._interrupted(outcome)):
            threads = [
                threading.Thread(target=worker, name=f"pace-{n}")
                for n in range(min(self.concurrency, max(1, len(items))))
            ]
            for thread in threads:
                with lock:
                    live[0] += 1
                thread.start()
            while True:
                with lock:
                    if live[0] <= 0:
                        break
                time.sleep(0.05)
        outcome.not_started = [items[index] for index in queue]
        return outcome

    def _interrupted(self, outcome: PacedRun[I, R]) -> None:
        self.stop.set()
        outcome.interrupted = True

    def _worker(
        self,
        items: Sequence[I],
        queue: deque[int],
        outcome: PacedRun[I, R],
        lock: threading.Lock,
        tries: dict[int, int],
    ) -> None:
        while not self.stop.is_set():
            paused = self.gate.remaining()
            if paused > 0:
                self.on_event(PaceEvent("waiting", wait=paused))
                self.clock.wait(paused, self.stop)
                continue
            with lock:
                if not queue:
                    return
                index = queue.popleft()
            item = items[index]
            delay = self.limiter.reserve()
            if delay > 0:
                self.clock.wait(delay, self.stop)
            if self.stop.is_set() or self.gate.remaining() > 0:
                with lock:
                    queue.appendleft(index)
                continue
            started = self.clock.now()
            result = self.work(item)
            with lock:
                tries[index] = tries.get(index, 0) + 1
                again = self.is_rate_limited(result) and tries[index] < self.attempts
                if again:
                    queue.appendleft(index)
                else:
                    outcome.done.append((item, result))
            if again:
                pause = self.gate.trip(started)
                self.on_event(PaceEvent("rate_limited", item, result, wait=pause))
            else:
                if not self.is_rate_limited(result):
                    self.gate.clear(started)
                self.on_event(PaceEvent("done", item, result))
