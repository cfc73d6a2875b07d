"""Following a run: the waits, each status change told once, and how each ending is reported."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from learnlib.gh.runner import GhNotFound, GhRejected, GhUnavailable, GitHubCli
from learnlib.timing.follow import (
    FOLLOW,
    RUN_FAILED,
    RUN_NOT_FOUND,
    TIMED_OUT,
    RunOutcome,
    follow_run,
)


@dataclass(frozen=True)
class Seen:
    status: str
    conclusion: str
    url: str = "https://github.com/o/r/actions/runs/7"


class Timeline:
    """A run whose state depends on the (fake) time; records when it was looked at."""

    def __init__(self, states: list[tuple[float, Seen | Exception]]) -> None:
        self.states = states
        self.now = 0.0
        self.looks: list[float] = []
        self.told: list[str] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.now += seconds

    def view(self, gh: GitHubCli, run_id: int) -> Seen:
        assert run_id == 7
        self.looks.append(self.now)
        current = [state for at, state in self.states if at <= self.now][-1]
        if isinstance(current, Exception):
            raise current
        return current

    def follow(self, timeout: float = 1800.0) -> RunOutcome:
        return follow_run(
            GitHubCli(),
            7,
            timeout=timeout,
            progress=self.told.append,
            sleep=self.sleep,
            clock=self.clock,
            view=self.view,
        )


QUEUED = Seen("queued", "")
RUNNING = Seen("in_progress", "")


def test_waits_are_short_first_then_one_look_every_ten_seconds() -> None:
    waits = FOLLOW.waits()
    assert [next(waits) for _ in range(8)] == [1, 2, 3, 5, 8, 10, 10, 10]


def test_a_run_that_succeeds_ends_the_wait_without_error_and_tells_each_change_once() -> None:
    line = Timeline([(0, QUEUED), (2, RUNNING), (40, Seen("completed", "success"))])

    outcome = line.follow()

    assert outcome.succeeded and outcome.error_type is None
    assert (outcome.status, outcome.conclusion) == ("completed", "success")
    assert line.looks == [0, 1, 3, 6, 11, 19, 29, 39, 49]
    assert line.now - 40 <= 10  # seen within one 10 s wait of its end
    assert [t.split(" (")[0] for t in line.told] == [
        "Run 7: queued",
        "Run 7: in_progress",
        "Run 7: completed",
    ]
    assert "completed (success)" in line.told[-1]


@pytest.mark.parametrize("conclusion", ["failure", "cancelled", "timed_out", "startup_failure"])
def test_a_run_that_does_not_succeed_is_learn_run_failed(conclusion: str) -> None:
    line = Timeline([(0, RUNNING), (4, Seen("completed", conclusion))])

    outcome = line.follow()

    assert outcome.error_type == RUN_FAILED
    assert conclusion in outcome.detail
    assert line.now == 6


def test_the_wait_ending_first_is_wait_timeout_with_the_last_status_seen() -> None:
    line = Timeline([(0, RUNNING)])

    outcome = line.follow(timeout=30)

    assert outcome.error_type == TIMED_OUT
    assert outcome.status == "in_progress"
    assert line.now == 30  # a last look exactly at the end, never past it
    assert line.looks[-1] == 30
    assert all(b - a <= 10 for a, b in zip(line.looks, line.looks[1:], strict=False))


def test_a_long_wait_looks_at_most_once_every_ten_seconds() -> None:
    line = Timeline([(0, RUNNING)])

    outcome = line.follow(timeout=1800)

    assert outcome.error_type == TIMED_OUT
    assert outcome.looks <= 5 + 1800 / 10 + 1


def test_an_unknown_run_id_is_run_not_found_without_asking_gh() -> None:
    outcome = follow_run(GitHubCli(), None, timeout=10, view=lambda *_: pytest.fail("asked"))
    assert outcome.error_type == RUN_NOT_FOUND
    assert "not found" in outcome.detail


def test_a_run_github_does_not_know_is_run_not_found_after_a_short_grace() -> None:
    line = Timeline([(0, GhNotFound("viewing run 7", "HTTP 404: Not Found"))])

    outcome = line.follow()

    assert outcome.error_type == RUN_NOT_FOUND
    assert "HTTP 404" in outcome.detail
    assert 10 <= line.now <= 20


def test_a_run_that_404s_for_a_moment_is_still_followed() -> None:
    line = Timeline(
        [(0, GhNotFound("viewing run 7", "HTTP 404")), (2, Seen("completed", "success"))]
    )
    assert line.follow().succeeded


def test_a_transient_failure_costs_a_look_and_a_refusal_ends_the_wait() -> None:
    flaky = Timeline(
        [(0, GhUnavailable("viewing run 7", "HTTP 502")), (1, Seen("completed", "success"))]
    )
    assert flaky.follow().succeeded
    assert any("trying again" in t for t in flaky.told)

    refused = Timeline([(0, GhRejected("viewing run 7", "HTTP 403: Resource not accessible"))])
    outcome = refused.follow()
    assert (outcome.error_type, refused.looks) == ("gh_rejected", [0])
