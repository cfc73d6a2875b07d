"""The trigger's reads and writes of a plan: the issue, the reads beside it, the header writes.

Beside the issue (off the critical path) the trigger reads the learn workflow's recent runs and its
file on the dispatch's ref; learn-backlog reads those once for every plan (:class:`SideReads`).
Every header write re-reads the body and computes the new one from that fresh body
(:func:`write_header`), so a write never loses someone else's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from learnlib.gh.issues import edit_issue_body, read_issue_body, view_issue
from learnlib.gh.repos import default_branch
from learnlib.gh.runner import GhError, GitHubCli
from learnlib.gh.runs import DECISION_RUN_LIMIT, list_runs
from learnlib.gh.workflows import is_workflow_file, read_workflow_file
from learnlib.rules import plan_header
from learnlib.rules.failure import Failure
from learnlib.rules.learn_state import BodyTooLong
from learnlib.rules.records import Issue, WorkflowRun
from learnlib.rules.session import SessionCheck
from learnlib.rules.workflow_check import (
    DISTINCT_INPUT,
    UnreadableWorkflow,
    WorkflowCheck,
    check_workflow,
)
from learnlib.usecases.failures import Refusal, issue_read_failure, refuse, write_failure


@dataclass(frozen=True)
class Plan:
    issue: Issue
    header: Mapping[str, object]


@dataclass(frozen=True)
class RunListing:
    """The workflow's recent runs as read before the dispatch (empty when unreadable)."""

    runs: tuple[WorkflowRun, ...] = ()
    complete: bool = False
    warning: str | None = None
    # what learn-backlog read beyond the newest runs: named runs found deeper or by id, and the
    # ones GitHub answered 404 for (the trigger then asks for none of them again)
    known: Mapping[int, WorkflowRun] = field(default_factory=dict)
    gone: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Preflight:
    """The workflow file's check, or None with a warning when the file could not be read."""

    check: WorkflowCheck | None = None
    warning: str | None = None


@dataclass(frozen=True)
class SideReads:
    """The run listing and the workflow check, read once by a caller that triggers many plans
    (learn-backlog) instead of once a plan. The issue itself is always read afresh."""

    listing: RunListing
    preflight: Preflight
    # session artifact verdicts by implementation run id, read once by learn-backlog
    sessions: Mapping[int, SessionCheck] = field(default_factory=dict)


def read_issue(gh: GitHubCli, issue_number: int) -> Issue:
    """The issue, or a refusal when it cannot be read."""
    try:
        return view_issue(gh, issue_number)
    except GhError as error:
        raise Refusal(issue_read_failure(error, issue_number)) from None


def default_branch_or_none(gh: GitHubCli) -> str | None:
    """The default branch, or None to let gh look it up itself when this lookup fails."""
    try:
        return default_branch(gh)
    except GhError:
        return None


def read_run_listing(gh: GitHubCli, workflow: str) -> RunListing:
    """One run listing for the decision; unreadable means deciding from the header alone."""
    try:
        runs = list_runs(gh, workflow, limit=DECISION_RUN_LIMIT)
    except GhError as error:
        return RunListing(
            warning=f"could not list the workflow's runs ({error.detail}); decided from the header"
        )
    return RunListing(tuple(runs), complete=len(runs) < DECISION_RUN_LIMIT)


def read_preflight(gh: GitHubCli, workflow: str, ref: str | None) -> Preflight:
    """The workflow file on the dispatch's ref (the default branch when ref is None), checked."""
    if not is_workflow_file(workflow):
        return Preflight(warning=f"{workflow} is not a file name; its inputs were not checked")
    try:
        text = read_workflow_file(gh, workflow, ref)
        return Preflight(check_workflow(text, workflow, frozenset({DISTINCT_INPUT})))
    except GhError as error:
        why = error.detail
    except UnreadableWorkflow as error:
        why = str(error)
    return Preflight(warning=f"could not read {workflow} to check its inputs ({why})")


def checked_workflow(
    preflight: Preflight, workflow: str, warnings: list[str]
) -> WorkflowCheck | None:
    """The check to dispatch with (its warning noted); Refusal when the file refuses it."""
    if preflight.warning:
        warnings.append(preflight.warning)
    check = preflight.check
    if check is not None and check.problem:
        raise refuse(
            f"The workflow cannot take this dispatch: {check.problem}",
            "workflow_not_dispatchable",
            f"declared inputs: {', '.join(sorted(check.inputs)) or 'none'}",
        )
    return check


def write_header(gh: GitHubCli, number: int, update: Callable[[str], str | None]) -> Failure | None:
    """Re-read the body, compute the new one from that fresh body, write it; None when it worked.

    ``update`` returns None to leave the body alone (the lost-update rule said so, or nothing
    changes). The failure is ``header_update_failed``, its detail a sentence for the JSON.
    """
    try:
        fresh = read_issue_body(gh, number)
    except GhError as error:
        return write_failure(f"re-reading the body failed: {error.detail}")
    try:
        updated = update(fresh)
        if updated is not None:
            edit_issue_body(gh, number, updated)
    except plan_header.PlanHeaderError as error:
        return write_failure(f"the plan header changed and is unusable: {error}")
    except BodyTooLong as error:
        return write_failure(str(error))
    except GhError as error:
        return write_failure(error.detail)
    return None


def run_url(issue_url: str, run_id: int | None) -> str | None:
    """The run's page from the issue's URL: https://HOST/O/R/issues/N -> .../actions/runs/ID."""
    repo_url, sep, _ = issue_url.rpartition("/issues/")
    if run_id is None or not sep:
        return None
    return f"{repo_url}/actions/runs/{run_id}"
