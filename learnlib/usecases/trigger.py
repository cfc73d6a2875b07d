"""Trigger the async learn workflow for a plan issue and record it in the plan header.

The flow is a few small steps over the gh adapters:

1. read the issue and, beside it (off the critical path), the default branch, the learn workflow's
   recent runs and its file on the dispatch's ref (learnlib.usecases.plan_io);
2. ask :func:`learnlib.rules.decision.decide` what to do (the same answer learn-status gives);
3. for ``none``, write the repair the decision carries, if any; for a dispatch, preflight the
   workflow file, dispatch once (learnlib.usecases.dispatch), write the header at once, and on
   gh < 2.87 find the run beside that write and record it in a second write.

No printing: progress goes to a callback, the outcome is a TriggerResult.
"""

from __future__ import annotations

import secrets
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TypeVar

from learnlib import defaults
from learnlib.gh.runner import GhError, GitHubCli
from learnlib.rules import plan_header
from learnlib.rules.decision import Action, Decision, decide, run_id_of
from learnlib.rules.failure import Failed, Failure
from learnlib.rules.learn_state import (
    BodyTooLong,
    Stage,
    body_diff,
    stage,
    updated_body,
    updated_with,
    with_learn_state,
    with_run_id,
)
from learnlib.rules.records import Dispatch, Issue, WorkflowRun
from learnlib.rules.session import SessionCheck, remote_session_run
from learnlib.rules.workflow_check import DISTINCT_INPUT, WorkflowCheck
from learnlib.timing import Progress, silent
from learnlib.timing.run_discovery import Match, RunQuery, discover
from learnlib.usecases.dispatch import DispatchTarget, dispatch_learn
from learnlib.usecases.failures import (
    HEADER_UPDATE_FAILED,
    Refusal,
    failed,
    header_failure,
)
from learnlib.usecases.lookups import NamedRun, named_run, read_session
from learnlib.usecases.plan_io import (
    Plan,
    Preflight,
    RunListing,
    SideReads,
    checked_workflow,
    default_branch_or_none,
    read_issue,
    read_preflight,
    read_run_listing,
    run_url,
    write_header,
)

RECORD_HINT = "repair it with `record-learn --issue {n} --status pending --run-id RUN_ID`"


@dataclass(frozen=True)
class LearnOptions:
    workflow: str = defaults.WORKFLOW
    ref: str | None = None
    label: str = defaults.LABEL
    force: bool = False
    dry_run: bool = False
    run_discovery_timeout: float = defaults.RUN_DISCOVERY_TIMEOUT
    dispatch_confirm_timeout: float = defaults.DISPATCH_CONFIRM_TIMEOUT
    dispatch_attempts: int = defaults.DISPATCH_ATTEMPTS
    clock_skew: float = defaults.CLOCK_SKEW
    max_failed_runs: int = defaults.MAX_FAILED_RUNS
    check_session_artifact: bool = defaults.CHECK_SESSION_ARTIFACT
    run_gone_recheck: float = defaults.RUN_GONE_RECHECK


@dataclass(frozen=True)
class TriggerResult(Failed):
    issue_number: int
    success: bool
    workflow: str
    workflow_triggered: bool = False
    run_id: int | None = None
    workflow_run_url: str | None = None
    reason: str | None = None
    failure: Failure | None = None
    warnings: tuple[str, ...] = ()
    dry_run: bool = False
    diff: str | None = None
    action: Action | None = None  # the decision


@dataclass(frozen=True)
class _Read:
    """What the trigger read before deciding, and the decision."""

    issue: Issue
    listing: RunListing
    preflight: Future[Preflight]
    options: LearnOptions  # with the default branch looked up as its ref
    decision: Decision
    warnings: tuple[str, ...] = ()


def trigger_plan(
    gh: GitHubCli,
    issue_number: int,
    options: LearnOptions,
    progress: Progress = silent,
    *,
    reads: SideReads | None = None,
) -> TriggerResult:
    """The whole trigger: decide, then dispatch once and record, or repair, or refuse."""
    base = TriggerResult(issue_number=issue_number, success=True, workflow=options.workflow)
    progress(f"Reading issue #{issue_number}")
    try:
        read = _read_and_decide(gh, issue_number, options, reads)
    except Refusal as refusal:
        return failed(base, refusal.failure)
    decision = read.decision
    base = replace(base, action=decision.action)
    warnings = read.warnings
    if decision.failure is not None:
        return failed(replace(base, warnings=warnings), decision.failure)
    plan = Plan(read.issue, plan_header.read_header(read.issue.body))
    if not decision.dispatches:
        progress(f"Not dispatching: {decision.reason}")
        return _no_dispatch(
            gh,
            plan,
            decision,
            base=replace(base, warnings=warnings),
            dry_run=read.options.dry_run,
            progress=progress,
        )
    return _dispatch(gh, plan, read, base=base, warnings=list(warnings), progress=progress)


T = TypeVar("T")


def _done(value: T) -> Future[T]:
    future: Future[T] = Future()
    future.set_result(value)
    return future


def _read_and_decide(
    gh: GitHubCli, issue_number: int, options: LearnOptions, reads: SideReads | None
) -> _Read:
    """The issue, read beside the default branch and the side reads; the session artifact's
    read started the moment the issue is known; the named run asked for by id when the listing
    lacks it; then the decision."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        ref = pool.submit(default_branch_or_none, gh) if options.ref is None else None
        if reads is None:
            listing = pool.submit(read_run_listing, gh, options.workflow)
            preflight = pool.submit(read_preflight, gh, options.workflow, options.ref)
        else:
            listing, preflight = _done(reads.listing), _done(reads.preflight)
        issue = read_issue(gh, issue_number)
        session = pool.submit(_session_of, gh, issue, options, reads)
        if ref is not None:
            options = replace(options, ref=ref.result())
        runs = listing.result()
        named = _named_of(gh, issue, runs, options)
        check = session.result()
    listed = {run.id for run in runs.runs}
    decision = decide(
        issue,
        (*runs.runs, *(run for run in named.runs if run.id not in listed)),
        label=options.label,
        force=options.force,
        complete=runs.complete,
        gone=runs.gone | named.gone,
        session=check,
        max_failed_runs=options.max_failed_runs,
    )
    unread = check.detail if check is not None and check.verdict == "unreadable" else None
    warnings = tuple(w for w in (runs.warning, named.warning, unread) if w)
    return _Read(issue, runs, preflight, options, decision, warnings)


def _session_of(
    gh: GitHubCli, issue: Issue, options: LearnOptions, reads: SideReads | None
) -> SessionCheck | None:
    """The session artifact's verdict for a plan whose session data is remote only and that may
    be dispatched (None: no read needed, or the check is off); learn-backlog hands in what it read
    already."""
    if not options.check_session_artifact:
        return None
    try:
        header = plan_header.read_header(issue.body)
    except plan_header.PlanHeaderError:
        return None  # the decision refuses the header itself
    run_id = remote_session_run(header)
    if run_id is None or (stage(header.get("learn_status")) == Stage.LEARNED and not options.force):
        return None  # no session needed: a learned plan is not dispatched without --force
    if reads is not None and run_id in reads.sessions:
        return reads.sessions[run_id]
    return read_session(gh, header)


def _named_of(gh: GitHubCli, issue: Issue, runs: RunListing, options: LearnOptions) -> NamedRun:
    """A pending plan's named run: from what a caller read already, else asked for by id."""
    listed = (*runs.runs, *runs.known.values())
    return named_run(gh, issue, listed, recheck_after=options.run_gone_recheck, gone=runs.gone)


def _dispatch(
    gh: GitHubCli,
    plan: Plan,
    read: _Read,
    *,
    base: TriggerResult,
    warnings: list[str],
    progress: Progress,
) -> TriggerResult:
    """Check the header edit and the workflow, then dispatch once (a dry run stops before)."""
    options, decision = read.options, read.decision
    try:
        planned_body = with_learn_state(plan.issue.body, plan.header, None, [])
        check = checked_workflow(read.preflight.result(), options.workflow, warnings)
    except Refusal as refusal:
        return failed(replace(base, warnings=tuple(warnings)), refusal.failure)
    except (plan_header.PlanHeaderError, BodyTooLong) as error:
        return failed(base, header_failure(error))
    # a plain first dispatch needs no reason; a second one says why (the old run, or --force)
    reason = decision.reason if decision.action == "redispatch" or options.force else None
    base = replace(base, reason=reason, warnings=tuple(warnings))
    if options.dry_run:
        return replace(base, dry_run=True, diff=body_diff(plan.issue.body, planned_body))
    query = _query(plan.issue.number, read.listing, check, options)
    progress(f"Dispatching {options.workflow} on {options.ref or 'the default branch'}")
    target = DispatchTarget(
        options.workflow, options.ref, options.dispatch_attempts, options.dispatch_confirm_timeout
    )
    try:
        dispatch = dispatch_learn(gh, query, target, progress)
    except Refusal as refusal:
        return failed(base, refusal.failure)
    if dispatch.run_url:
        progress(f"Run found: {dispatch.run_url}")
    return record_dispatch(
        gh, plan, dispatch, query=query, options=options, progress=progress, base=base
    )


def _query(
    issue_number: int, listing: RunListing, check: WorkflowCheck | None, options: LearnOptions
) -> RunQuery:
    """What tells the dispatch's run apart: a fresh distinct_id when the workflow takes one."""
    return RunQuery(
        issue_number,
        datetime.now(UTC),
        distinct_id=secrets.token_hex(8) if check is not None and check.takes_distinct_id else None,
        known=frozenset(run.id for run in listing.runs),
        clock_skew=options.clock_skew,
    )


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
        return result
    if dry_run:
        diff = body_diff(plan.issue.body, plan_header.set_values(plan.issue.body, decision.record))
        return replace(result, dry_run=True, diff=diff)
    record = decision.record
    failure = write_header(
        gh, plan.issue.number, lambda fresh: updated_with(plan.header, fresh, record, warnings)
    )
    if failure is not None:
        warnings.append(f"the run could not be recorded in the header: {failure.detail}")
    else:
        progress("Header written")
    return replace(result, warnings=tuple(warnings))


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
            gh,
            plan.issue.number,
            lambda fresh: updated_body(plan.header, fresh, dispatch.run_id, warnings),
        )
        if failure is None:
            written = "" if dispatch.run_id is None else f", learn_run_id {dispatch.run_id}"
            progress(f"Header written: learn_status pending{written}")
        run = _run_or_warning(found, options, warnings)
    if run is not None:
        progress(f"Run found: {run.url}")
        result = replace(result, run_id=run.id, workflow_run_url=run.url)
        if failure is None:
            _record_run_id(gh, plan.issue.number, run.id, warnings, progress)
    if failure is not None:
        return _header_failed(result, warnings, failure)
    return replace(result, warnings=tuple(warnings))


def _record_run_id(
    gh: GitHubCli, number: int, run_id: int, warnings: list[str], progress: Progress
) -> None:
    """The second write on gh < 2.87: the run found after the first write."""
    second = write_header(gh, number, lambda fresh: with_run_id(fresh, run_id, warnings))
    if second is not None:
        warnings.append(f"learn_run_id was not recorded: {second.detail}")
    else:
        progress(f"Header written: learn_run_id {run_id}")


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


def _header_failed(result: TriggerResult, warnings: list[str], failure: Failure) -> TriggerResult:
    hint = RECORD_HINT.format(n=result.issue_number)
    dispatched = Failure(
        "Workflow dispatched, but the plan header could not be updated",
        HEADER_UPDATE_FAILED,
        f"{failure.detail}; {hint}",
    )
    return failed(replace(result, warnings=tuple(warnings)), dispatched)
