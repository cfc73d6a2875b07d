"""Find the run a workflow dispatch created, for gh versions that do not print it.

`gh run list` is polled: at once, then after waits growing from 0.2 s to 0.4 s, until the newest
workflow_dispatch run created since the dispatch (allowing for clock skew) shows up, preferring
one whose title names the issue.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from learnlib.gh.runner import GitHubCli
from learnlib.gh.runs import WorkflowRun, list_runs

Progress = Callable[[str], None]


def _silent(_: str) -> None:
    return None


def poll_waits(first: float = 0.2, growth: float = 1.3, longest: float = 0.4) -> Iterator[float]:
    """Waits between run-list polls: short at first, growing to a ceiling."""
    wait = first
    while True:
        yield wait
        wait = min(longest, wait * growth)


def discover_run(
    gh: GitHubCli,
    workflow: str,
    issue_number: int,
    since: datetime,
    *,
    timeout: float,
    clock_skew: float = 10.0,
    progress: Progress = _silent,
    sleep: Callable[[float], None] = time.sleep,
) -> WorkflowRun | None:
    """Poll the workflow's runs until the one this dispatch created shows up, or time runs out."""
    end = time.monotonic() + min(timeout, gh.deadline.remaining())
    waits = poll_waits()
    told = False
    while True:
        run = match_run(list_runs(gh, workflow), since, issue_number, clock_skew)
        if run is not None:
            return run
        wait = next(waits)
        if time.monotonic() + wait > end:
            return None
        if not told:
            progress(f"Waiting for the {workflow} run to appear (up to {timeout:.0f} s)")
            told = True
        sleep(wait)


def match_run(
    runs: list[WorkflowRun], since: datetime, issue_number: int, clock_skew: float
) -> WorkflowRun | None:
    """The newest dispatch run since ``since``, preferring one whose title names the issue."""
    earliest = since - timedelta(seconds=clock_skew)
    recent = [r for r in runs if r.event == "workflow_dispatch" and r.created_at >= earliest]
    naming = [r for r in recent if _names_issue(r.display_title, issue_number)]
    candidates = naming or recent
    return max(candidates, key=lambda r: (r.created_at, r.id), default=None)


def _names_issue(title: str, issue_number: int) -> bool:
    digits = str(issue_number)
    start = title.find(digits)
    while start != -1:
        before = title[start - 1] if start else " "
        end = start + len(digits)
        after = title[end] if end < len(title) else " "
        if not before.isdigit() and not after.isdigit():
            return True
        start = title.find(digits, start + 1)
    return False
