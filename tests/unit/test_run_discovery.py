"""The poll schedule (pure), the request count over a fake clock, and which run is ours."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from learnlib.gh.runner import Deadline, GitHubCli
from learnlib.timing.run_discovery import RunQuery, discover, match_run, poll_offsets
from tests.gh_outputs import run_output
from tests.unit.conftest import FakeGh
from tests.unit.test_runs_parsing import make_run
from tests.virtual_time import VirtualTime

T0 = datetime(2026, 11, 24, 10, tzinfo=UTC)


def test_a_run_that_never_shows_costs_at_most_25_listings_over_30_s() -> None:
    offsets = poll_offsets(30.0)
    assert len(offsets) <= 25
    assert offsets[0] == 0.0 and offsets[-1] == 30.0
    assert list(offsets) == sorted(offsets)


@pytest.mark.parametrize("appears", [0.01, 0.5, 1.7, 2.9, 4.2, 4.99, 5.0])
def test_a_run_appearing_within_5_s_is_polled_for_within_0_35_s(appears: float) -> None:
    # 0.35 s to the next poll leaves 0.25 s for gh's own listing inside the 0.6 s target
    offsets = poll_offsets(30.0)
    next_poll = min(t for t in offsets if t >= appears)
    assert next_poll - appears <= 0.35 + 1e-9


def test_waits_grow_after_the_fast_phase() -> None:
    offsets = poll_offsets(30.0)
    gaps = [b - a for a, b in itertools.pairwise(offsets)]
    late = [gap for gap, at in zip(gaps, offsets[1:], strict=False) if at > 5.3]
    assert late == sorted(late) and late[0] < late[-1]
    assert min(gaps) >= 0.35 - 1e-9


@pytest.mark.parametrize("timeout", [0.0, 0.3, 3.0, 5.3, 10.0, 60.0])
def test_short_and_long_windows_keep_the_bounds(timeout: float) -> None:
    offsets = poll_offsets(timeout)
    assert 1 <= len(offsets) <= 25 and offsets[-1] <= timeout


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_a_never_appearing_run_makes_at_most_25_listing_requests(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    clock = FakeClock()
    gh_fake.run_list([], occurrences=100)
    gh.deadline = Deadline(120.0, clock=clock.time)

    match = discover(
        gh,
        "learn-async.yml",
        RunQuery(5406, T0),
        timeout=30.0,
        sleep=clock.sleep,
        clock=clock.time,
    )

    assert match.run is None
    listings = gh_fake.count("run", "list", "--workflow", "learn-async.yml", gh_fake.fp.any())
    assert listings <= 25
    assert clock.now == pytest.approx(30.0)


def test_a_run_that_appears_is_found_at_the_next_poll(gh: GitHubCli, fp: Any) -> None:
    clock = FakeClock()
    fake = FakeGh(fp)
    fake.run_list([], occurrences=5)  # polls at 0, 0.35, ... 1.4 see nothing
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    fake.run_list([run_output(9, now, display_title="Learn #5406")], occurrences=2)

    match = discover(
        gh,
        "learn-async.yml",
        RunQuery(5406, datetime.now(UTC)),
        timeout=30.0,
        sleep=clock.sleep,
        clock=clock.time,
    )

    assert match.run is not None and match.run.id == 9
    # matched by time alone at 1.75 s, then confirmed by one more look as long again later
    assert clock.now == pytest.approx(2 * 5 * 0.35)


def test_a_rival_run_listed_at_the_confirming_look_means_no_run(gh: GitHubCli, fp: Any) -> None:
    clock = FakeClock()
    fake = FakeGh(fp)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    theirs = run_output(9, now, display_title="Learn #5406")  # listed before ours
    fake.run_list([theirs])
    fake.run_list([run_output(10, now, display_title="Learn #5406"), theirs])

    match = discover(
        gh,
        "learn-async.yml",
        RunQuery(5406, datetime.now(UTC)),
        timeout=30.0,
        sleep=clock.sleep,
        clock=clock.time,
    )

    assert match.run is None and {run.id for run in match.ambiguous} == {9, 10}
    assert clock.now == pytest.approx(1.0)


def test_the_distinct_id_picks_our_run_whatever_else_is_new() -> None:
    ours = make_run(2, T0, "Learn #5406 abc123")
    theirs = make_run(3, T0, "Learn #5406 def456")
    assert match_run([theirs, ours], RunQuery(5406, T0, distinct_id="abc123")).run == ours
    assert not match_run([theirs], RunQuery(5406, T0, distinct_id="abc123")).settled


def test_two_candidates_by_time_and_issue_are_ambiguous() -> None:
    a, b = make_run(2, T0, "Learn #5406"), make_run(3, T0, "Learn #5406")
    match = match_run([a, b], RunQuery(5406, T0))
    assert match.run is None and {r.id for r in match.ambiguous} == {2, 3}


def test_known_old_and_other_issues_runs_are_never_ours() -> None:
    known = make_run(2, T0, "Learn #5406")
    old = make_run(1, T0 - timedelta(hours=1), "Learn #5406")
    other = make_run(3, T0, "Learn #54060")
    query = RunQuery(5406, T0, known=frozenset({2}))
    assert not match_run([known, old, other], query).settled
    mine = make_run(4, T0, "Learn #5406")
    assert match_run([known, old, other, mine], query).run == mine


def test_a_workflow_without_run_name_matches_an_untitled_run() -> None:
    untitled = make_run(5, T0, "Learn (async)")
    assert match_run([untitled], RunQuery(5406, T0)).run == untitled


def test_the_polls_wait_on_the_clients_time(
    gh: GitHubCli, fp: Any, virtual_time: VirtualTime
) -> None:
    fake = FakeGh(fp)
    fake.run_list([], occurrences=5)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    fake.run_list([run_output(9, now, display_title="Learn #5406")], occurrences=2)

    match = discover(gh, "learn-async.yml", RunQuery(5406, datetime.now(UTC)), timeout=30.0)

    # no sleep or clock given: the client's (a virtual one here), so nothing waited for real
    assert match.run is not None and match.run.id == 9
    # five polls 0.35 s apart see nothing, the sixth matches, one look as long again confirms:
    # six waits, 3.5 s less the little real time the calls took
    assert len(virtual_time.waits) == 6 and 3.0 < virtual_time.waited <= 3.5 + 1e-6
