"""The pacing pieces: rate limiter, shared pause gate and worker pool, on an injected clock."""

from __future__ import annotations

import signal
import threading
from dataclasses import dataclass, field

import pytest

from learnlib.rules.schedule import Schedule
from learnlib.timing.pacing import PaceEvent, PauseGate, Pool, RateLimiter, RealClock


@dataclass
class FakeClock:
    t: float = 0.0
    waits: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> float:
        with self.lock:
            return self.t

    def wait(self, seconds: float, stop: threading.Event) -> None:
        with self.lock:
            self.waits.append(seconds)
            self.t += seconds


def test_rate_limiter_spaces_starts_evenly() -> None:
    clock = FakeClock()
    limiter = RateLimiter(20, clock)
    assert [limiter.reserve() for _ in range(4)] == [0, 3, 6, 9]
    clock.t = 100.0  # long idle: no burst of saved-up slots, one at once then spaced again
    assert [limiter.reserve() for _ in range(2)] == [0, 3]


@pytest.mark.parametrize("rate", [None, 0])
def test_rate_limiter_without_a_rate_never_waits(rate: float | None) -> None:
    limiter = RateLimiter(rate, FakeClock())
    assert {limiter.reserve() for _ in range(10)} == {0}


def test_gate_pauses_once_per_episode_and_doubles_while_the_limit_keeps_answering() -> None:
    clock = FakeClock(t=10.0)
    gate = PauseGate(clock, Schedule(first=60, longest=200))
    assert gate.remaining() == 0
    assert gate.trip(started_at=9.0) == 60
    clock.t = 11.0
    assert gate.trip(started_at=9.5) == 59  # in flight with the first: same episode
    clock.t = 70.0
    assert gate.remaining() == 0
    assert gate.trip(started_at=70.0) == 120  # after the pause and still limited: doubled
    clock.t = 190.0
    assert gate.trip(started_at=190.0) == 200  # capped
    clock.t = 400.0
    gate.clear(started_at=400.0)
    assert gate.trip(started_at=401.0) == 60  # a success resets the backoff


def test_gate_ignores_a_success_that_started_before_the_pause() -> None:
    clock = FakeClock(t=10.0)
    gate = PauseGate(clock, Schedule(first=60))
    gate.trip(started_at=10.0)
    gate.clear(started_at=5.0)
    clock.t = 80.0
    assert gate.trip(started_at=80.0) == 120


def pool(
    work: object, clock: object, *, rate: float | None = None, k: int = 1, **kw: object
) -> Pool[int, str]:
    return Pool(
        work=work,  # type: ignore[arg-type]
        is_rate_limited=lambda result: result == "limited",
        concurrency=k,
        limiter=RateLimiter(rate, clock),  # type: ignore[arg-type]
        gate=PauseGate(clock, Schedule(first=60)),  # type: ignore[arg-type]
        clock=clock,  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def test_pool_runs_each_item_once_at_the_rate() -> None:
    clock = FakeClock()
    starts: list[tuple[int, float]] = []

    def work(item: int) -> str:
        starts.append((item, clock.now()))
        return f"done {item}"

    outcome = pool(work, clock, rate=30).run([1, 2, 3, 4, 5])

    assert starts == [(1, 0), (2, 2), (3, 4), (4, 6), (5, 8)]
    assert outcome.done == [(n, f"done {n}") for n in [1, 2, 3, 4, 5]]
    assert (outcome.not_started, outcome.interrupted) == ([], False)


def test_a_rate_limited_item_pauses_the_pool_and_is_tried_again() -> None:
    clock = FakeClock()
    starts: list[tuple[int, float]] = []
    events: list[str] = []

    def work(item: int) -> str:
        starts.append((item, clock.now()))
        return "limited" if item == 2 and sum(1 for n, _ in starts if n == 2) == 1 else "ok"

    def seen(event: PaceEvent[int, str]) -> None:
        events.append(f"{event.kind} {event.item} {event.wait:g}")

    outcome = pool(work, clock, rate=60, on_event=seen).run([1, 2, 3])

    assert starts == [(1, 0), (2, 1), (2, 61), (3, 62)]
    assert outcome.done == [(1, "ok"), (2, "ok"), (3, "ok")]
    assert "rate_limited 2 60" in events and "waiting None 60" in events


def test_an_item_limited_every_time_ends_with_its_last_result() -> None:
    clock = FakeClock()
    calls: list[int] = []

    def work(item: int) -> str:
        calls.append(item)
        return "limited"

    outcome = pool(work, clock, attempts=3).run([1])

    assert calls == [1, 1, 1]
    assert outcome.done == [(1, "limited")]
    assert clock.t == 60 + 120  # paused between tries, doubling


def test_k_items_run_at_once_and_never_more() -> None:
    k = 3
    running = 0
    most = 0
    lock = threading.Lock()
    all_in = threading.Barrier(k, timeout=5)

    def work(item: int) -> str:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        if item < k:
            all_in.wait()  # fails unless K items really run together
        with lock:
            running -= 1
        return "ok"

    outcome = pool(work, RealClock(), k=k).run(list(range(12)))

    assert sorted(item for item, _ in outcome.done) == list(range(12))
    assert most == k


def test_stop_lets_the_item_in_flight_finish_and_starts_no_new_one() -> None:
    clock = FakeClock()
    the_pool: Pool[int, str]

    def work(item: int) -> str:
        if item == 2:
            the_pool.stop.set()
        return "ok"

    the_pool = pool(work, clock)
    outcome = the_pool.run([1, 2, 3, 4])

    assert outcome.done == [(1, "ok"), (2, "ok")]
    assert outcome.not_started == [3, 4]


def test_ctrl_c_finishes_the_items_in_flight_and_reports_the_rest() -> None:
    release = threading.Event()
    started: list[int] = []

    def work(item: int) -> str:
        started.append(item)
        if item == 1:
            signal.raise_signal(signal.SIGINT)  # delivered to the main thread, in Pool.run
            release.wait(0.5)
        return "ok"

    # 10 starts a second: the other worker cannot run out of items (39 take 4 s) before the
    # interrupt is handled, however loaded the machine
    outcome = pool(work, RealClock(), k=2, rate=600).run(list(range(1, 40)))

    assert outcome.interrupted
    done = [item for item, _ in outcome.done]
    assert 1 in done and sorted(done + outcome.not_started) == list(range(1, 40))
    assert set(started) == set(done)  # everything started was finished, nothing else
    assert outcome.not_started


def test_concurrency_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        pool(lambda _: "ok", FakeClock(), k=0).run([1])
