"""Follow a workflow run to its end with `gh run view`: short waits first, then one look every 10 s.

No printing: each status change goes to the progress callback, the end is a frozen RunOutcome.
The clock and the sleep are injected, so the waiting rules are tested without waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from learnlib import defaults
from learnlib.gh.runner import Deadline, GhError, GhNotFound, GitHubCli
from learnlib.rules.schedule import Schedule
from learnlib.timing import Progress, silent

#: Waits between looks at the run: short at first (a learn run may be quick), then every 10 s.
FOLLOW = Schedule(first=defaults.FOLLOW_LONGEST, growth=1.0, steps=defaults.FOLLOW_STEPS)

#: A run id gh just printed may 404 for a moment while GitHub catches up.
NOT_FOUND_GRACE = defaults.FOLLOW_NOT_FOUND_GRACE

SUCCEEDED = "success"
#: Error types of a wait that did not end in success.
RUN_FAILED = "learn_run_failed"
TIMED_OUT = "wait_timeout"
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


def follow_run(
    gh: GitHubCli,
    run_id: int | None,
    *,
    timeout: float,
    progress: Progress = silent,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], float] | None = None,
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
    sleep, clock = sleep or gh.sleep, clock or gh.clock
    start = clock()
    end = start + timeout
    # The task's deadline is for its gh calls, not for a wait that may last half an hour.
    gh = replace(gh, deadline=Deadline(timeout + gh.timeout, clock))
    outcome = RunOutcome(run_id=run_id)
    waits = FOLLOW.waits()
    while True:
        outcome = replace(outcome, looks=outcome.looks + 1)
        ended = _look_once(
            gh,
            run_id,
            outcome,
            look,
            progress=progress,
            past_grace=lambda: clock() - start >= NOT_FOUND_GRACE,
        )
        if ended.error_type is not None or ended.status == "completed":
            return ended
        outcome = ended
        wait = next(waits)
        now = clock()
        if now >= end:
            return _timed_out(outcome, timeout)
        sleep(min(wait, end - now))


def _look_once(
    gh: GitHubCli,
    run_id: int,
    outcome: RunOutcome,
    look: Viewer,
    *,
    progress: Progress,
    past_grace: Callable[[], bool],
) -> RunOutcome:
    """One `gh run view`: the run as it now stands, ended (completed, or an error type) or not."""
    try:
        run = look(gh, run_id)
    except GhNotFound as error:
        if past_grace():
            return replace(
                outcome,
                error_type=RUN_NOT_FOUND,
                detail=f"run {run_id} was not found: {error.detail}",
            )
        return outcome
    except GhError as error:
        if not error.transient:
            return replace(
                outcome,
                error_type=error.kind,
                detail=f"could not look at run {run_id}: {error.detail}",
            )
        progress(f"Run {run_id}: could not look at it ({error.detail}); trying again")
        return outcome
    changed = (run.status, run.conclusion) != (outcome.status, outcome.conclusion)
    outcome = replace(outcome, status=run.status, conclusion=run.conclusion, url=run.url)
    if changed:
        progress(f"Run {run_id}: {_shown(run.status, run.conclusion)} ({run.url})")
    return _ended(outcome) if run.status == "completed" else outcome


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
        error_type=TIMED_OUT,
        detail=f"run {outcome.run_id} had not ended after {timeout:g} s (it was {where}); "
        "the dispatch and the plan header stand",
    )


def _shown(status: str, conclusion: str | None) -> str:
    return f"{status} ({conclusion})" if status == "completed" and conclusion else status


def _default_viewer() -> Viewer:
    from learnlib.gh.runs import view_run

    return view_run
