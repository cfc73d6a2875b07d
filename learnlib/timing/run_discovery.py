"""Find the run a workflow dispatch created, for gh versions that do not print it.

Which run is ours: when the workflow declares a ``distinct_id`` input, the trigger sends a fresh one
and the run whose title carries it is ours, whoever else dispatches. Otherwise a run is a candidate
when it is a workflow_dispatch run created since the dispatch (allowing for clock skew), was not in
the listing read before the dispatch, and names the issue (`#N`), or names no issue at all when the
workflow has no run-name; more than one candidate means we cannot tell: no run, and a warning.

A run matched by time alone is confirmed by one more listing a moment later (:func:`_confirmed`):
runs appear seconds after their dispatch, so a concurrent trigger's run may be listed before ours.

When to look (:func:`poll_offsets`): every 0.35 s for the first 5 s after the dispatch, so a run
that appears then is seen within 0.6 s, then at growing intervals; at most 25 listings in 30 s.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from learnlib.gh.runner import GitHubCli
from learnlib.gh.runs import list_runs
from learnlib.rules.decision import DISPATCH_EVENT, names_issue
from learnlib.rules.records import WorkflowRun

Progress = Callable[[str], None]

MAX_POLLS = 25
FAST_UNTIL = 5.0
FAST_GAP = 0.35
_ANY_ISSUE = re.compile(r"#[0-9]")


def _silent(_: str) -> None:
    return None


@dataclass(frozen=True)
class RunQuery:
    """What identifies our run: the issue, when we dispatched, and what can never be ours."""

    issue_number: int
    since: datetime
    distinct_id: str | None = None
    known: frozenset[int] = frozenset()  # run ids listed before the dispatch
    clock_skew: float = 10.0


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
    timeout: float,
    *,
    max_polls: int = MAX_POLLS,
    fast_until: float = FAST_UNTIL,
    fast_gap: float = FAST_GAP,
) -> tuple[float, ...]:
    """Seconds after the start at which to list runs: a fast phase, then growing gaps.

    The fast phase polls every ``fast_gap`` until one poll at or past ``fast_until``; the polls
    left are spread over the rest of ``timeout`` with gaps growing geometrically from
    ``fast_gap``, the last one at ``timeout``. Never more than ``max_polls``.
    """
    if timeout < 0 or max_polls <= 0:
        return ()
    fast = [k * fast_gap for k in range(math.ceil(fast_until / fast_gap) + 1)]
    offsets = [t for t in fast if t <= timeout][:max_polls]
    span = timeout - offsets[-1]
    # never closer than the fast phase's gap; the last poll lands on the timeout
    left = min(max_polls - len(offsets), math.floor(span / fast_gap + 1e-9))
    if left <= 0:
        return tuple(round(t, 6) for t in offsets)
    ratio = _growth(fast_gap, left, span)
    at = offsets[-1]
    for k in range(1, left + 1):
        at += fast_gap * ratio**k if ratio > 1.0 else span / left
        offsets.append(min(at, timeout))
    offsets[-1] = timeout
    return tuple(round(t, 6) for t in offsets)


def _growth(first: float, count: int, span: float) -> float:
    """The ratio r with first * (r + r^2 + ... + r^count) == span, or 1.0 when even gaps do."""

    def total(r: float) -> float:
        return sum(first * r**k for k in range(1, count + 1))

    if total(1.0) >= span:
        return 1.0
    low, high = 1.0, 2.0
    while total(high) < span:
        high *= 2
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if total(mid) < span else (low, mid)
    return high


def discover(
    gh: GitHubCli,
    workflow: str,
    query: RunQuery,
    *,
    timeout: float,
    progress: Progress = _silent,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Match:
    """List the workflow's runs on the :func:`poll_offsets` schedule until ours settles."""
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


def discover_run(
    gh: GitHubCli,
    workflow: str,
    issue_number: int,
    since: datetime,
    *,
    timeout: float,
    clock_skew: float = 10.0,
    progress: Progress = _silent,
) -> WorkflowRun | None:
    """Our run when it can be told apart (the benchmark's entry point)."""
    query = RunQuery(issue_number, since, clock_skew=clock_skew)
    return discover(gh, workflow, query, timeout=timeout, progress=progress).run


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
