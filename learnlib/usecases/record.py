"""record-learn: write erk's learn fields into a plan header, without dispatching anything.

The learn workflow's last step (the outcome of learning), and the repair that header_update_failed
names. Same byte-exact editor as the trigger: only the values given change. Same lost-update rule:
the body is read, the new one computed from it and written at once; a run id given that is not the
one the header waits for (a newer dispatch replaced it) leaves the header alone, with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from learnlib import defaults
from learnlib.gh.issues import edit_issue_body
from learnlib.gh.runner import GhError, GitHubCli
from learnlib.rules import plan_header
from learnlib.rules.decision import not_a_plan_message, run_id_of
from learnlib.rules.failure import Failed, Failure
from learnlib.rules.learn_state import (
    LEARN_STATUSES,
    PENDING,
    BodyTooLong,
    body_diff,
    checked_size,
    invalid_status_sentence,
)
from learnlib.rules.records import Issue
from learnlib.timing import Progress, silent
from learnlib.usecases.failures import (
    Refusal,
    failed,
    header_failure,
    refuse,
    write_failure,
)
from learnlib.usecases.plan_io import read_issue


@dataclass(frozen=True)
class RecordRequest:
    issue_number: int
    status: str
    run_id: int | None = None
    learn_plan_issue: int | None = None
    learn_plan_pr: int | None = None
    label: str = defaults.LABEL
    dry_run: bool = False


@dataclass(frozen=True)
class RecordResult(Failed):
    issue_number: int
    success: bool
    learn_status: str
    written: bool = False
    changed: tuple[str, ...] = ()
    diff: str | None = None
    failure: Failure | None = None
    warnings: tuple[str, ...] = ()
    dry_run: bool = False


@dataclass(frozen=True)
class _Edit:
    """The header as read, and the body with the learn fields set (None: superseded)."""

    header: dict[str, object]
    updated: str | None
    superseded: str | None = None


def record_plan(gh: GitHubCli, request: RecordRequest, progress: Progress = silent) -> RecordResult:
    """Read the plan, check the values, write the learn fields (one write, one-line diffs)."""
    base = RecordResult(request.issue_number, success=True, learn_status=request.status)
    try:
        issue = _read_plan(gh, request, progress)
        edit = _edit(issue, request)
    except Refusal as refusal:
        return failed(base, refusal.failure)
    if edit.updated is None:  # said once, as the result's warning
        return replace(base, warnings=(edit.superseded or "",))
    after = plan_header.read_header(edit.updated)
    changed = tuple(key for key in after if edit.header.get(key, object()) != after[key])
    base = replace(base, changed=changed, diff=body_diff(issue.body, edit.updated))
    if request.dry_run or edit.updated == issue.body:
        return replace(base, dry_run=request.dry_run)
    try:
        edit_issue_body(gh, request.issue_number, edit.updated)
    except GhError as error:
        return failed(base, write_failure(error.detail))
    progress("Header written")
    return replace(base, written=True)


def _read_plan(gh: GitHubCli, request: RecordRequest, progress: Progress) -> Issue:
    """The plan issue, once the status is one of erk's; Refusal otherwise."""
    if request.status not in LEARN_STATUSES:
        raise refuse(
            f"--status {invalid_status_sentence(request.status)}",
            "invalid_learn_status",
            "learnlib writes only erk's vocabulary",
        )
    progress(f"Reading issue #{request.issue_number}")
    issue = read_issue(gh, request.issue_number)
    if request.label not in issue.labels:
        labels = ", ".join(issue.labels) or "none"
        raise refuse(not_a_plan_message(request.label), "not_a_plan", f"labels: {labels}")
    return issue


def _edit(issue: Issue, request: RecordRequest) -> _Edit:
    """The body with the request's values, or why it is left alone; Refusal when it cannot be."""
    try:
        header = plan_header.read_header(issue.body)
        superseded = _superseded(header, request)
        if superseded:
            return _Edit(header, None, superseded)
        return _Edit(header, checked_size(plan_header.set_values(issue.body, updates(request))))
    except (plan_header.PlanHeaderError, BodyTooLong) as error:
        raise Refusal(header_failure(error)) from None


def updates(request: RecordRequest) -> dict[str, str | int | None]:
    """The header values: learn_run_id as a quoted string (as erk writes it), numbers as ints."""
    values: dict[str, str | int | None] = {"learn_status": request.status}
    if request.run_id is not None:
        values["learn_run_id"] = str(request.run_id)
    if request.learn_plan_issue is not None:
        values["learn_plan_issue"] = request.learn_plan_issue
    if request.learn_plan_pr is not None:
        values["learn_plan_pr"] = request.learn_plan_pr
    return values


def _superseded(header: dict[str, object], request: RecordRequest) -> str | None:
    """A run's outcome arriving after a newer dispatch replaced that run is not recorded."""
    recorded = run_id_of(header.get("learn_run_id"))
    if request.run_id is None or recorded is None or recorded == request.run_id:
        return None
    if header.get("learn_status") != PENDING:
        return None
    return (
        f"the header waits for run {recorded}, not run {request.run_id}; "
        f"the header was left as it is"
    )
