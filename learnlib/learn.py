"""Trigger the async learn workflow for a plan issue and record it in the plan header.

The flow is a few small steps over the gh adapters: load and validate the plan, dispatch (retried
only when the dispatch certainly did not happen), then find the run while re-reading the body, and
write the header once. No printing: progress goes to a callback, the outcome is a TriggerResult.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from learnlib import defaults, plan_header
from learnlib.gh.issues import Issue, edit_issue_body, read_issue_body, view_issue
from learnlib.gh.repos import default_branch
from learnlib.gh.runner import GhError, GhNotFound, GhRepoNotFound, GitHubCli
from learnlib.gh.runs import WorkflowRun
from learnlib.gh.workflows import Dispatch, dispatch_workflow
from learnlib.learn_state import (
    BodyTooLong,
    body_diff,
    learn_state_reason,
    updated_body,
    with_learn_state,
)
from learnlib.run_discovery import Progress, discover_run

SESSION_KEYS = ("last_remote_impl_run_id", "last_local_impl_session")


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


def _silent(_: str) -> None:
    return None


def trigger_async_learn(
    gh: GitHubCli, issue_number: int, options: LearnOptions, progress: Progress = _silent
) -> TriggerResult:
    """The whole trigger: validate, dispatch once, record ``learn_status: pending``."""
    base = TriggerResult(issue_number=issue_number, success=True, workflow=options.workflow)
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            # The default branch is looked up beside the issue read, so the dispatch can pass
            # --ref and gh need not ask for it on the critical path.
            ref = pool.submit(_default_branch_or_none, gh) if options.ref is None else None
            plan = load_plan(gh, issue_number, options.label)
            if ref is not None:
                options = replace(options, ref=ref.result())
        done = learn_state_reason(plan.header)
        if done and not options.force:
            run_id = _int_or_none(plan.header.get("learn_run_id"))
            return replace(
                base, reason=done, run_id=run_id, workflow_run_url=run_url(plan.issue.url, run_id)
            )
        planned_body = with_learn_state(plan.issue.body, plan.header, None, [])
    except Refusal as refusal:
        return _failed(base, refusal)
    except plan_header.PlanHeaderError as error:
        return _failed(base, Refusal(str(error), "invalid_plan_header", error.reason))
    except BodyTooLong as error:
        return _failed(
            base, Refusal("The plan header cannot be updated", "body_too_long", str(error))
        )
    if options.dry_run:
        return replace(base, dry_run=True, diff=body_diff(plan.issue.body, planned_body))
    started = datetime.now(UTC)
    try:
        dispatch = dispatch_learn(gh, issue_number, options, started, progress)
    except Refusal as refusal:
        return _failed(base, refusal)
    return record_dispatch(
        gh, plan, dispatch, started=started, options=options, progress=progress, base=base
    )


def _default_branch_or_none(gh: GitHubCli) -> str | None:
    """The default branch, or None to let gh look it up itself when this lookup fails."""
    try:
        return default_branch(gh)
    except GhError:
        return None


def load_plan(gh: GitHubCli, issue_number: int, label: str) -> Plan:
    """Read the issue and check, in order: it exists, it is a plan, its header, its session data."""
    try:
        issue = view_issue(gh, issue_number)
    except GhRepoNotFound as error:
        raise Refusal("Repository not found", "repo_not_found", error.detail) from None
    except GhNotFound as error:
        raise Refusal("Issue not found", "issue_not_found", error.detail) from None
    except GhError as error:
        raise Refusal(f"Failed to read issue #{issue_number}", error.kind, error.detail) from None
    if label not in issue.labels:
        labels = ", ".join(issue.labels) or "none"
        raise Refusal(not_a_plan_message(label), "not_a_plan", f"labels: {labels}")
    try:
        header = plan_header.read_header(issue.body)
    except plan_header.PlanHeaderError as error:
        raise Refusal(str(error), "invalid_plan_header", error.reason) from None
    if all(plan_header.is_empty(header.get(key)) for key in SESSION_KEYS):
        raise Refusal(
            "No session data available for learning",
            "no_session_data",
            "neither last_remote_impl_run_id nor last_local_impl_session is set",
        )
    return Plan(issue=issue, header=header)


def not_a_plan_message(label: str) -> str:
    """The seed's sentence for erk's label; any other label is named."""
    if label == "erk-plan":
        return "Issue is not an erk-plan"
    return f"Issue is not a plan (no {label!r} label)"


def dispatch_learn(
    gh: GitHubCli, issue_number: int, options: LearnOptions, started: datetime, progress: Progress
) -> Dispatch:
    """Dispatch once. A transient failure is retried only when no new run shows it happened."""
    inputs = {"issue_number": str(issue_number)}
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
            run = _confirm_run(gh, issue_number, options, started)
            if run is not None:
                return Dispatch(run_id=run.id, run_url=run.url)
            if attempt >= options.dispatch_attempts or gh.deadline.expired():
                raise Refusal(
                    "Failed to dispatch workflow", "dispatch_failed", error.detail
                ) from None
            progress(f"No run started; dispatching again (attempt {attempt + 1})")


def _confirm_run(
    gh: GitHubCli, issue_number: int, options: LearnOptions, started: datetime
) -> WorkflowRun | None:
    """Look for a run the failed dispatch may have created; refuse when we cannot tell."""
    try:
        return discover_run(
            gh,
            options.workflow,
            issue_number,
            started,
            timeout=options.dispatch_confirm_timeout,
            clock_skew=options.clock_skew,
        )
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
    started: datetime,
    options: LearnOptions,
    progress: Progress,
    base: TriggerResult,
) -> TriggerResult:
    """Write the header at once and, on gh < 2.87, find the run beside that write.

    `learn_run_id` goes into the same single write when gh printed the run; on older gh the run is
    found by polling, which may take seconds on GitHub, and the header does not wait for it:
    `pending` written early is what stops a second trigger from dispatching again.
    """
    result = replace(
        base, workflow_triggered=True, run_id=dispatch.run_id, workflow_run_url=dispatch.run_url
    )
    warnings: list[str] = []
    with ThreadPoolExecutor(max_workers=1) as pool:
        run_future = None
        if dispatch.run_id is None:
            run_future = pool.submit(
                discover_run,
                gh,
                options.workflow,
                plan.issue.number,
                started,
                timeout=options.run_discovery_timeout,
                clock_skew=options.clock_skew,
                progress=progress,
            )
        failure = write_learn_state(gh, plan, dispatch.run_id, warnings)
        run = _run_or_warning(run_future, options, warnings)
    if run is not None:
        result = replace(result, run_id=run.id, workflow_run_url=run.url)
    if failure is not None:
        return _header_failed(result, warnings, failure)
    return replace(result, warnings=tuple(warnings))


def write_learn_state(
    gh: GitHubCli, plan: Plan, run_id: int | None, warnings: list[str]
) -> str | None:
    """Re-read the body, apply the learn state to that fresh body, write it; None when it worked."""
    number = plan.issue.number
    try:
        fresh = read_issue_body(gh, number)
    except GhError as error:
        return f"re-reading the body failed: {error.detail}"
    try:
        updated = updated_body(plan.header, fresh, run_id, warnings)
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
    future: Future[WorkflowRun | None] | None, options: LearnOptions, warnings: list[str]
) -> WorkflowRun | None:
    if future is None:
        return None
    try:
        run = future.result()
    except GhError as error:
        warnings.append(f"could not look up the run: {error.detail}")
        return None
    if run is None:
        warnings.append(
            f"the dispatch succeeded but its run did not show up in "
            f"{options.run_discovery_timeout:g} s; run_id and workflow_run_url are unknown"
        )
    return run


def _header_failed(result: TriggerResult, warnings: list[str], detail: str) -> TriggerResult:
    return replace(
        result,
        success=False,
        error="Workflow dispatched, but the plan header could not be updated",
        error_type="header_update_failed",
        detail=detail,
        warnings=tuple(warnings),
    )


def _failed(base: TriggerResult, refusal: Refusal) -> TriggerResult:
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


def _int_or_none(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None
