"""Find the run a workflow dispatch created, for gh versions that do not print it.

Which run is ours: when the workflow declares a ``distinct_id`` input, the trigger sends a fresh one
and the run whose title carries it is ours, whoever else dispatches. Otherwise a run is a candidate
when it is a workflow_dispatch run created since the dispatch (allowing for clock skew), was not in
the listing read before the dispatch, and names the issue (`#N`), or names no issue at all when the
workflow has no run-name; more than one candidate means we cannot tell: no run, and a warning.

A run matched by time alone is confirmed by one more listing a moment later (:func:`_confirmed`):
runs appear seconds after their dispatch, so a concurrent trigger's run may be listed before ours.

When to look (:func:`poll_offsets`, on the :data:`POLLS` schedule): every 0.35 s for the first 5 s
after the dispatch, so a run that appears then is seen within 0.6 s, then at growing intervals, the
last at the timeout; at most 25 listings in 30 s.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from learnlib import defaults
from learnlib.gh.runner import GitHubCli
from learnlib.gh.runs import list_runs
from learnlib.rules.decision import DISPATCH_EVENT, names_issue
from learnlib.rules.records import WorkflowRun
from learnlib.rules.schedule import Schedule
from learnlib.timing import Progress, silent

#: The waits between listings: 0.35 s until 5 s have passed, then growing gaps.
POLLS = Schedule(
    first=defaults.POLL_SLOW_FIRST,
    growth=defaults.POLL_SLOW_GROWTH,
    steps=(defaults.POLL_FAST_GAP,)
    * math.ceil(defaults.POLL_FAST_UNTIL / defaults.POLL_FAST_GAP - 1e-9),
)
_ANY_ISSUE = re.compile(r"#[0-9]")


@dataclass(frozen=True)
class RunQuery:
    """What identifies our run: the issue, when we dispatched, and what can never be ours."""

    issue_number: int
    since: datetime
    distinct_id: str | None = None
    known: frozenset[int] = frozenset()  # run ids listed before the dispatch
    clock_skew: float = defaults.CLOCK_SKEW


@dataclass(frozen=True)
class Match:
    run: WorkflowRun | None = None
    ambiguous: tuple[WorkflowRun, ...] = ()  # several runs could be ours: none is reported

    @property
    def run_id(self) -> int | None:
        return None if self.run is None else self.run.id

    @property
    def settled(self) -> bool:
        return self.run is not None or bool(self.ambiguous)


def poll_offsets(
    timeout: float, *, schedule: Schedule = POLLS, max_polls: int = defaults.POLL_MAX
) -> tuple[float, ...]:
    """Seconds after the start at which to list runs: at 0, then after each of ``schedule``'s
    waits (its growing ones stretched so that ``max_polls`` listings reach ``timeout``), never
    more than ``max_polls``; the last one lands on ``timeout``, moved there when the gap to it
    would be shorter than the one before (the gaps never shrink).
    """
    if timeout < 0 or max_polls <= 0:
        return ()
    offsets = [0.0]
    for wait in _stretched(schedule, timeout, max_polls).waits():
        at = offsets[-1] + wait
        if len(offsets) >= max_polls or at >= timeout - 1e-9:
            break
        offsets.append(at)
    if timeout > offsets[-1]:
        before = offsets[-1] - offsets[-2] if len(offsets) > 1 else 0.0
        if len(offsets) < max_polls and timeout - offsets[-1] >= before:
            offsets.append(timeout)
        elif len(offsets) > 1:
            offsets[-1] = timeout
    return tuple(round(t, 6) for t in offsets)


def _stretched(schedule: Schedule, timeout: float, max_polls: int) -> Schedule:
    """``schedule`` with its growing waits scaled up (never down) to span the time the fixed
    steps leave, when ``max_polls`` listings would otherwise end before ``timeout``."""
    fixed = schedule.steps[: max_polls - 1]
    left = max_polls - 1 - len(fixed)
    growing = sum(schedule.wait(len(schedule.steps) + k) for k in range(left))
    span = timeout - sum(fixed)
    if left <= 0 or growing <= 0 or span <= growing:
        return schedule
    return replace(schedule, first=schedule.first * span / growing)


def discover(
    gh: GitHubCli,
    workflow: str,
    query: RunQuery,
    *,
    timeout: float,
    progress: Progress = silent,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], float] | None = None,
) -> Match:
    """List the workflow's runs on the :func:`poll_offsets` schedule until ours settles (the
    sleep and the clock are the client's unless given)."""
    sleep, clock = sleep or gh.sleep, clock or gh.clock
    start = clock()
    told = False
    for offset in poll_offsets(min(timeout, gh.deadline.remaining())):
        delay = start + offset - clock()
        if delay > 0:
            if not told:
                progress(f"Waiting for the {workflow} run to appear (up to {timeout:.0f} s)")
                told = True
            sleep(delay)
        match = match_run(list_runs(gh, workflow), query)
        if match.run is not None and query.distinct_id is None:
            return _confirmed(
                gh, workflow, query, match, wait=max(1.0, clock() - start), sleep=sleep
            )
        if match.settled:
            return match
    return Match()


def _confirmed(
    gh: GitHubCli,
    workflow: str,
    query: RunQuery,
    match: Match,
    *,
    wait: float,
    sleep: Callable[[float], None],
) -> Match:
    """A run matched by time alone is ours only if no rival shows up a little later.

    Another trigger's run can be listed before ours (runs appear seconds after their dispatch),
    so one look proves nothing: look again after as long again as ours took to match (at least
    1 s, within the deadline); a second candidate then means we cannot tell which is ours.
    """
    sleep(min(wait, gh.deadline.remaining()))
    again = match_run(list_runs(gh, workflow), query)
    if again.run is not None and again.run.id == match.run_id:
        return match
    rivals = again.ambiguous or tuple(r for r in (match.run, again.run) if r is not None)
    return Match(ambiguous=tuple(_newest_first(rivals)))


def match_run(runs: Sequence[WorkflowRun], query: RunQuery) -> Match:
    """Our run in one listing: by distinct_id when we sent one, else by time and issue."""
    if query.distinct_id is not None:
        tagged = [r for r in runs if query.distinct_id in r.display_title]
        return Match(run=tagged[0]) if len(tagged) == 1 else Match(ambiguous=tuple(tagged))
    earliest = query.since - timedelta(seconds=query.clock_skew)
    new = [
        r
        for r in runs
        if r.event == DISPATCH_EVENT and r.created_at >= earliest and r.id not in query.known
    ]
    candidates = [r for r in new if names_issue(r.display_title, query.issue_number)]
    if not candidates:
        candidates = [r for r in new if not _ANY_ISSUE.search(r.display_title)]
    if len(candidates) == 1:
        return Match(run=candidates[0])
    return Match(ambiguous=tuple(_newest_first(candidates)))


def _newest_first(runs: Iterable[WorkflowRun]) -> list[WorkflowRun]:
    return sorted(runs, key=lambda r: (r.created_at, r.id), reverse=True)
