"""Trigger the async learn workflow for a plan issue and record it in the plan header.

The flow is a few small steps over the gh adapters:

1. read the issue and, beside it (off the critical path), the default branch, the learn workflow's
   recent runs and its file on the dispatch's ref;
2. ask :func:`learnlib.rules.decision.decide` what to do (the same answer learn-status gives);
3. for ``none``, write the repair the decision carries, if any; for a dispatch, preflight the
   workflow file, dispatch once (retried only when no new run shows it happened), write the header
   at once, and on gh < 2.87 find the run beside that write and record it in a second write.

No printing: progress goes to a callback, the outcome is a TriggerResult.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

from learnlib import defaults
from learnlib.gh.issues import edit_issue_body, read_issue_body, view_issue
from learnlib.gh.repos import default_branch
from learnlib.gh.runner import GhError, GhNotFound, GhRepoNotFound, GitHubCli
from learnlib.gh.runs import DECISION_RUN_LIMIT, list_runs
from learnlib.gh.workflows import dispatch_workflow, is_workflow_file, read_workflow_file
from learnlib.rules import plan_header
from learnlib.rules.decision import Decision, decide, run_id_of
from learnlib.rules.learn_state import (
    BodyTooLong,
    body_diff,
    updated_body,
    updated_with,
    with_learn_state,
    with_run_id,
)
from learnlib.rules.records import Dispatch, Issue, WorkflowRun
from learnlib.rules.workflow_check import (
    DISTINCT_INPUT,
    ISSUE_INPUT,
    UnreadableWorkflow,
    WorkflowCheck,
    check_workflow,
)
from learnlib.timing.run_discovery import Match, Progress, RunQuery, discover

RECORD_HINT = "repair it with `record-learn --issue {n} --status pending --run-id RUN_ID`"


@dataclass(frozen=True)
class LearnOptions:
    workflow: str = defaults.WORKFLOW
    ref: str | None = None
    label: str = defaults.LABEL
    force: bool = False
    dry_run: bool = False
    run_discovery_timeout: float = defaults.RUN_DISCOVERY_TIMEOUT
    dispatch_confirm_timeout: float = 3.0
    dispatch_attempts: int = 3
    clock_skew: float = 10.0


@dataclass(frozen=True)
class TriggerResult:
    issue_number: int
    success: bool
    workflow: str
    workflow_triggered: bool = False
    run_id: int | None = None
    workflow_run_url: str | None = None
    reason: str | None = None
    error: str | None = None
    error_type: str | None = None
    detail: str | None = None
    warnings: tuple[str, ...] = ()
    dry_run: bool = False
    diff: str | None = None
    action: str | None = None  # the decision: dispatch, redispatch, none, refuse


class Refusal(Exception):
    """A step decided the request cannot go on; carries the JSON error fields."""

    def __init__(self, error: str, error_type: str, detail: str = "") -> None:
        super().__init__(error)
        self.error = error
        self.error_type = error_type
        self.detail = detail


@dataclass(frozen=True)
class Plan:
    issue: Issue
    header: Mapping[str, object]


@dataclass(frozen=True)
class Listing:
    """The workflow's recent runs as read before the dispatch (empty when unreadable)."""

    runs: tuple[WorkflowRun, ...] = ()
    complete: bool = False
    warning: str | None = None


@dataclass(frozen=True)
class Preflight:
    """The workflow file's check, or None with a warning when the file could not be read."""

    check: WorkflowCheck | None = None
    warning: str | None = None


@dataclass(frozen=True)
class SideReads:
    """The run listing and the workflow check, read once by a caller that triggers many plans
    (learn-backlog) instead of once a plan. The issue itself is always read afresh."""

    listing: Listing
    preflight: Preflight


def _silent(_: str) -> None:
    return None


def trigger_plan(
    gh: GitHubCli,
    issue_number: int,
    options: LearnOptions,
    progress: Progress = _silent,
    *,
    reads: SideReads | None = None,
) -> TriggerResult:
    """The whole trigger: decide, then dispatch once and record, or repair, or refuse."""
    base = TriggerResult(issue_number=issue_number, success=True, workflow=options.workflow)
    warnings: list[str] = []
    progress(f"Reading issue #{issue_number}")
    try:
        with ThreadPoolExecutor(max_workers=3) as pool:
            ref = pool.submit(_default_branch_or_none, gh) if options.ref is None else None
            if reads is None:
                listing = pool.submit(read_listing, gh, options.workflow)
                preflight = pool.submit(read_preflight, gh, options.workflow, options.ref)
            else:
                listing, preflight = _done(reads.listing), _done(reads.preflight)
            issue = read_issue(gh, issue_number)
            if ref is not None:
                options = replace(options, ref=ref.result())
            runs = listing.result()
        if runs.warning:
            warnings.append(runs.warning)
        decision = decide(
            issue, runs.runs, label=options.label, force=options.force, complete=runs.complete
        )
    except Refusal as refusal:
        return failed(base, refusal)
    base = replace(base, action=decision.action)
    if decision.action == "refuse":
        refused = Refusal(decision.reason, decision.error_type or "refused", decision.detail)
        return failed(replace(base, warnings=tuple(warnings)), refused)
    plan = Plan(issue, plan_header.read_header(issue.body))
    if not decision.dispatches:
        progress(f"Not dispatching: {decision.reason}")
        base = replace(base, warnings=tuple(warnings))
        return _no_dispatch(
            gh, plan, decision, base=base, dry_run=options.dry_run, progress=progress
        )
    try:
        planned_body = with_learn_state(issue.body, plan.header, None, [])
        check = _checked(preflight.result(), options.workflow, warnings)
    except Refusal as refusal:
        return failed(replace(base, warnings=tuple(warnings)), refusal)
    except plan_header.PlanHeaderError as error:
        return failed(base, Refusal(str(error), "invalid_plan_header", error.reason))
    except BodyTooLong as error:
        return failed(
            base, Refusal("The plan header cannot be updated", "body_too_long", str(error))
        )
    # a plain first dispatch needs no reason; a second one says why (the old run, or --force)
    reason = decision.reason if decision.action == "redispatch" or options.force else None
    base = replace(base, reason=reason, warnings=tuple(warnings))
    if options.dry_run:
        return replace(base, dry_run=True, diff=body_diff(issue.body, planned_body))
    started = datetime.now(UTC)
    query = RunQuery(
        issue_number,
        started,
        distinct_id=secrets.token_hex(8) if check is not None and check.takes_distinct_id else None,
        known=frozenset(run.id for run in runs.runs),
        clock_skew=options.clock_skew,
    )
    progress(f"Dispatching {options.workflow} on {options.ref or 'the default branch'}")
    try:
        dispatch = dispatch_learn(gh, query, options, progress)
    except Refusal as refusal:
        return failed(base, refusal)
    if dispatch.run_url:
        progress(f"Run found: {dispatch.run_url}")
    return record_dispatch(
        gh, plan, dispatch, query=query, options=options, progress=progress, base=base
    )


T = TypeVar("T")
R = TypeVar("R", bound="DataclassInstance")


def _done(value: T) -> Future[T]:
    future: Future[T] = Future()
    future.set_result(value)
    return future


def _default_branch_or_none(gh: GitHubCli) -> str | None:
    """The default branch, or None to let gh look it up itself when this lookup fails."""
    try:
        return default_branch(gh)
    except GhError:
        return None


def read_issue(gh: GitHubCli, issue_number: int) -> Issue:
    """The issue, or a refusal when it cannot be read."""
    try:
        return view_issue(gh, issue_number)
    except GhRepoNotFound as error:
        raise Refusal("Repository not found", "repo_not_found", error.detail) from None
    except GhNotFound as error:
        raise Refusal("Issue not found", "issue_not_found", error.detail) from None
    except GhError as error:
        raise Refusal(f"Failed to read issue #{issue_number}", error.kind, error.detail) from None


def read_listing(gh: GitHubCli, workflow: str) -> Listing:
    """One run listing for the decision; unreadable means deciding from the header alone."""
    try:
        runs = list_runs(gh, workflow, limit=DECISION_RUN_LIMIT)
    except GhError as error:
        return Listing(
            warning=f"could not list the workflow's runs ({error.detail}); decided from the header"
        )
    return Listing(tuple(runs), complete=len(runs) < DECISION_RUN_LIMIT)


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


def _checked(preflight: Preflight, workflow: str, warnings: list[str]) -> WorkflowCheck | None:
    if preflight.warning:
        warnings.append(preflight.warning)
    check = preflight.check
    if check is not None and check.problem:
        raise Refusal(
            f"The workflow cannot take this dispatch: {check.problem}",
            "workflow_not_dispatchable",
            f"declared inputs: {', '.join(sorted(check.inputs)) or 'none'}",
        )
    return check


def _no_dispatch(
    gh: GitHubCli,
    plan: Plan,
    decision: Decision,
    *,
    base: TriggerResult,
    dry_run: bool,
    progress: Progress,
) -> TriggerResult:
    """No dispatch: report the run the decision rests on, and write its repair if it has one."""
    warnings = list(base.warnings)
    run = decision.run
    run_id = run.id if run is not None else run_id_of(plan.header.get("learn_run_id"))
    url = run.url if run is not None else run_url(plan.issue.url, run_id)
    result = replace(base, reason=decision.reason, run_id=run_id, workflow_run_url=url)
    if decision.record is None:
        return replace(result, warnings=tuple(warnings))
    if dry_run:
        diff = body_diff(plan.issue.body, plan_header.set_values(plan.issue.body, decision.record))
        return replace(result, dry_run=True, diff=diff, warnings=tuple(warnings))
    record = decision.record
    failure = write_header(
        gh, plan.issue.number, lambda fresh: updated_with(plan.header, fresh, record, warnings)
    )
    if failure is not None:
        warnings.append(f"the run could not be recorded in the header: {failure}")
    else:
        progress("Header written")
    return replace(result, warnings=tuple(warnings))


def dispatch_learn(
    gh: GitHubCli, query: RunQuery, options: LearnOptions, progress: Progress
) -> Dispatch:
    """Dispatch once. A transient failure is retried only when no new run shows it happened."""
    inputs = {ISSUE_INPUT: str(query.issue_number)}
    if query.distinct_id is not None:
        inputs[DISTINCT_INPUT] = query.distinct_id
    attempt = 0
    while True:
        attempt += 1
        try:
            return dispatch_workflow(gh, options.workflow, inputs, ref=options.ref)
        except GhError as error:
            if not error.transient:
                raise Refusal(
                    "Failed to dispatch workflow", "dispatch_failed", error.detail
                ) from None
            progress(f"Dispatch failed ({error.detail}); checking whether a run started anyway")
            match = _confirm_run(gh, query, options)
            if match.run is not None:
                return Dispatch(run_id=match.run.id, run_url=match.run.url)
            if match.ambiguous or attempt >= options.dispatch_attempts or gh.deadline.expired():
                raise Refusal(
                    "Failed to dispatch workflow", "dispatch_failed", error.detail
                ) from None
            progress(f"No run started; dispatching again (attempt {attempt + 1})")


def _confirm_run(gh: GitHubCli, query: RunQuery, options: LearnOptions) -> Match:
    """Look for a run the failed dispatch may have created; refuse when we cannot tell."""
    try:
        return discover(gh, options.workflow, query, timeout=options.dispatch_confirm_timeout)
    except GhError as error:
        raise Refusal(
            "Failed to dispatch workflow",
            "dispatch_failed",
            f"the dispatch failed and its run could not be checked, so it was not retried: "
            f"{error.detail}",
        ) from None


def record_dispatch(
    gh: GitHubCli,
    plan: Plan,
    dispatch: Dispatch,
    *,
    query: RunQuery,
    options: LearnOptions,
    progress: Progress,
    base: TriggerResult,
) -> TriggerResult:
    """Write the header at once and, on gh < 2.87, find the run beside that write.

    `learn_run_id` goes into the same single write when gh printed the run; on older gh the run is
    found by polling, which may take seconds on GitHub, and the header does not wait for it:
    `pending` written early is what stops a second trigger from dispatching again. Once the run
    is found, a second write records its id under the same lost-update rule.
    """
    result = replace(
        base, workflow_triggered=True, run_id=dispatch.run_id, workflow_run_url=dispatch.run_url
    )
    warnings = list(base.warnings)
    number = plan.issue.number
    with ThreadPoolExecutor(max_workers=1) as pool:
        found = None
        if dispatch.run_id is None:
            found = pool.submit(
                discover,
                gh,
                options.workflow,
                query,
                timeout=options.run_discovery_timeout,
                progress=progress,
            )
        failure = write_header(
            gh, number, lambda fresh: updated_body(plan.header, fresh, dispatch.run_id, warnings)
        )
        if failure is None:
            written = "" if dispatch.run_id is None else f", learn_run_id {dispatch.run_id}"
            progress(f"Header written: learn_status pending{written}")
        run = _run_or_warning(found, options, warnings)
    if run is not None:
        progress(f"Run found: {run.url}")
        result = replace(result, run_id=run.id, workflow_run_url=run.url)
        if failure is None:
            second = write_header(gh, number, lambda fresh: with_run_id(fresh, run.id, warnings))
            if second is not None:
                warnings.append(f"learn_run_id was not recorded: {second}")
            else:
                progress(f"Header written: learn_run_id {run.id}")
    if failure is not None:
        return _header_failed(result, warnings, failure)
    return replace(result, warnings=tuple(warnings))


def write_header(gh: GitHubCli, number: int, update: Callable[[str], str | None]) -> str | None:
    """Re-read the body, compute the new one from that fresh body, write it; None when it worked.

    ``update`` returns None to leave the body alone (the lost-update rule said so, or nothing
    changes). The failure, when there is one, is a sentence for the JSON's detail.
    """
    try:
        fresh = read_issue_body(gh, number)
    except GhError as error:
        return f"re-reading the body failed: {error.detail}"
    try:
        updated = update(fresh)
        if updated is not None:
            edit_issue_body(gh, number, updated)
    except plan_header.PlanHeaderError as error:
        return f"the plan header changed and is unusable: {error}"
    except BodyTooLong as error:
        return str(error)
    except GhError as error:
        return error.detail
    return None


def _run_or_warning(
    future: Future[Match] | None, options: LearnOptions, warnings: list[str]
) -> WorkflowRun | None:
    if future is None:
        return None
    try:
        match = future.result()
    except GhError as error:
        warnings.append(f"could not look up the run: {error.detail}")
        return None
    if match.ambiguous:
        ids = ", ".join(str(run.id) for run in match.ambiguous)
        warnings.append(
            f"more than one run could be this dispatch's ({ids}); run_id and workflow_run_url "
            f"are unknown (declare a {DISTINCT_INPUT} input in the workflow to tell them apart)"
        )
    elif match.run is None:
        warnings.append(
            f"the dispatch succeeded but its run did not show up in "
            f"{options.run_discovery_timeout:g} s; run_id and workflow_run_url are unknown"
        )
    return match.run


def _header_failed(result: TriggerResult, warnings: list[str], detail: str) -> TriggerResult:
    hint = RECORD_HINT.format(n=result.issue_number)
    return replace(
        result,
        success=False,
        error="Workflow dispatched, but the plan header could not be updated",
        error_type="header_update_failed",
        detail=f"{detail}; {hint}",
        warnings=tuple(warnings),
    )


def failed(base: R, refusal: Refusal) -> R:
    """A result (the trigger's, record-learn's) that failed with ``refusal``'s error fields."""
    return replace(
        base,
        success=False,
        error=refusal.error,
        error_type=refusal.error_type,
        detail=refusal.detail,
    )


def run_url(issue_url: str, run_id: int | None) -> str | None:
    """The run's page from the issue's URL: https://HOST/O/R/issues/N -> .../actions/runs/ID."""
    repo_url, sep, _ = issue_url.rpartition("/issues/")
    if run_id is None or not sep:
        return None
    return f"{repo_url}/actions/runs/{run_id}"
