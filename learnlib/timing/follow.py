"""Follow a workflow run to its end with `gh run view`: short waits first, then one look a 10 s.

No printing: each status change goes to the progress callback, the end is a frozen RunOutcome.
The clock and the sleep are injected, so the waiting rules are tested without waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Protocol

from learnlib.gh.runner import Deadline, GhError, GhNotFound, GitHubCli

Progress = Callable[[str], None]

#: Waits between looks at the run: short at first (a learn run may be quick), then every 10 s.
FOLLOW_WAITS = (1.0, 2.0, 3.0, 5.0, 8.0)
LONGEST_WAIT = 10.0
#: A run id gh just printed may 404 for a moment while GitHub catches up.
NOT_FOUND_GRACE = 10.0

SUCCEEDED = "success"
#: Error types of a wait that did not end in success.
RUN_FAILED = "learn_run_failed"
WAIT_TIMEOUT = "wait_timeout"
RUN_NOT_FOUND = "run_not_found"


class RunView(Protocol):
    """What following needs from a run as `gh run view` shows it."""

    @property
    def status(self) -> str: ...
    @property
    def conclusion(self) -> str: ...
    @property
    def url(self) -> str: ...


Viewer = Callable[[GitHubCli, int], RunView]


@dataclass(frozen=True)
class RunOutcome:
    """Where the run stood when following ended, and why it ended."""

    run_id: int | None
    status: str | None = None
    conclusion: str | None = None
    url: str | None = None
    error_type: str | None = None  # None: the run succeeded
    detail: str = ""
    looks: int = 0  # `gh run view` calls made

    @property
    def succeeded(self) -> bool:
        return self.error_type is None


def follow_waits() -> Iterator[float]:
    """1, 2, 3, 5, 8 s, then 10 s for ever."""
    yield from FOLLOW_WAITS
    while True:
        yield LONGEST_WAIT


def _silent(_: str) -> None:
    return None


def follow_run(
    gh: GitHubCli,
    run_id: int | None,
    *,
    timeout: float,
    progress: Progress = _silent,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    view: Viewer | None = None,
) -> RunOutcome:
    """Look at the run until it completes or ``timeout`` seconds pass.

    A completed run whose conclusion is ``success`` succeeds; any other conclusion is
    ``learn_run_failed``; the time running out first is ``wait_timeout``; a run id that is unknown,
    or that GitHub does not know after a short grace, is ``run_not_found``. A gh failure that is
    worth another try only costs a look; another one ends the wait with its kind as error type.
    """
    if run_id is None:
        return RunOutcome(
            run_id=None,
            error_type=RUN_NOT_FOUND,
            detail="the dispatch succeeded but its run was not found, so it cannot be followed",
        )
    look = view or _default_viewer()
    start = clock()
    end = start + timeout
    # The task's deadline is for its gh calls, not for a wait that may last half an hour.
    gh = replace(gh, deadline=Deadline(timeout + gh.timeout, clock))
    outcome = RunOutcome(run_id=run_id)
    waits = follow_waits()
    while True:
        outcome = replace(outcome, looks=outcome.looks + 1)
        try:
            run = look(gh, run_id)
        except GhNotFound as error:
            if clock() - start >= NOT_FOUND_GRACE:
                return replace(
                    outcome,
                    error_type=RUN_NOT_FOUND,
                    detail=f"run {run_id} was not found: {error.detail}",
                )
        except GhError as error:
            if not error.transient:
                return replace(
                    outcome,
                    error_type=error.kind,
                    detail=f"could not look at run {run_id}: {error.detail}",
                )
            progress(f"Run {run_id}: could not look at it ({error.detail}); trying again")
        else:
            changed = (run.status, run.conclusion) != (outcome.status, outcome.conclusion)
            outcome = replace(outcome, status=run.status, conclusion=run.conclusion, url=run.url)
            if changed:
                progress(f"Run {run_id}: {_shown(run.status, run.conclusion)} ({run.url})")
            if run.status == "completed":
                return _ended(outcome)
        wait = next(waits)
        now = clock()
        if now >= end:
            return _timed_out(outcome, timeout)
        sleep(min(wait, end - now))


def _ended(outcome: RunOutcome) -> RunOutcome:
    if outcome.conclusion == SUCCEEDED:
        return outcome
    return replace(
        outcome,
        error_type=RUN_FAILED,
        detail=f"run {outcome.run_id} ended with conclusion {outcome.conclusion or 'none'}",
    )


def _timed_out(outcome: RunOutcome, timeout: float) -> RunOutcome:
    where = _shown(outcome.status, outcome.conclusion) if outcome.status else "not seen yet"
    return replace(
        outcome,
        error_type=WAIT_TIMEOUT,
        detail=f"run {outcome.run_id} had not ended after {timeout:g} s (it was {where}); "
        "the dispatch and the plan header stand",
    )


def _shown(status: str, conclusion: str | None) -> str:
    return f"{status} ({conclusion})" if status == "completed" and conclusion else status


def _default_viewer() -> Viewer:
    from learnlib.gh.runs import view_run

    return view_run
