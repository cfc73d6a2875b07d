"""Dispatch the learn workflow once: a transient failure is retried only when no new run shows
that the failed dispatch happened anyway (so one plan never gets two runs from one trigger)."""

from __future__ import annotations

from dataclasses import dataclass

from learnlib.gh.runner import GhError, GitHubCli
from learnlib.gh.workflows import dispatch_workflow
from learnlib.rules.records import Dispatch
from learnlib.rules.workflow_check import DISTINCT_INPUT, ISSUE_INPUT
from learnlib.timing import Progress
from learnlib.timing.run_discovery import Match, RunQuery, discover
from learnlib.usecases.failures import refuse

DISPATCH_FAILED = "Failed to dispatch workflow"


@dataclass(frozen=True)
class DispatchTarget:
    """Where and how hard to dispatch: workflow, ref, tries, and the look after a failure."""

    workflow: str
    ref: str | None
    attempts: int
    confirm_timeout: float


def dispatch_learn(
    gh: GitHubCli, query: RunQuery, target: DispatchTarget, progress: Progress
) -> Dispatch:
    """Dispatch once. A transient failure is retried only when no new run shows it happened."""
    inputs = {ISSUE_INPUT: str(query.issue_number)}
    if query.distinct_id is not None:
        inputs[DISTINCT_INPUT] = query.distinct_id
    attempt = 0
    while True:
        attempt += 1
        try:
            return dispatch_workflow(gh, target.workflow, inputs, ref=target.ref)
        except GhError as error:
            if not error.transient:
                raise refuse(DISPATCH_FAILED, "dispatch_failed", error.detail) from None
            progress(f"Dispatch failed ({error.detail}); checking whether a run started anyway")
            match = _confirm_run(gh, query, target)
            if match.run is not None:
                return Dispatch(run_id=match.run.id, run_url=match.run.url)
            if match.ambiguous or attempt >= target.attempts or gh.deadline.expired():
                raise refuse(DISPATCH_FAILED, "dispatch_failed", error.detail) from None
            progress(f"No run started; dispatching again (attempt {attempt + 1})")


def _confirm_run(gh: GitHubCli, query: RunQuery, target: DispatchTarget) -> Match:
    """Look for a run the failed dispatch may have created; refuse when we cannot tell."""
    try:
        return discover(gh, target.workflow, query, timeout=target.confirm_timeout)
    except GhError as error:
        raise refuse(
            DISPATCH_FAILED,
            "dispatch_failed",
            f"the dispatch failed and its run could not be checked, so it was not retried: "
            f"{error.detail}",
        ) from None
