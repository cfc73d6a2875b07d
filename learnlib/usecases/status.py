"""Where every plan stands: one issue listing, one run listing, and the trigger's own decision.

No request per plan: the plans come from `gh issue list` (bodies included), the runs from one
listing of the learn workflow (the same listing size the trigger decides from), and each plan's
action is :func:`learnlib.rules.decision.decide`'s, so the table says exactly what the trigger
would do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import get_args

from learnlib import defaults
from learnlib.gh.issues import list_issues, view_issue
from learnlib.gh.runner import GhError, GitHubCli
from learnlib.gh.runs import DECISION_RUN_LIMIT, list_runs
from learnlib.rules import plan_header
from learnlib.rules.decision import Action, Decision, decide, plan_runs, run_id_of
from learnlib.rules.failure import Failure
from learnlib.rules.records import Issue, WorkflowRun
from learnlib.usecases.failures import issue_read_failure

ACTIONS: tuple[Action, ...] = get_args(Action)


@dataclass(frozen=True)
class PlanStatus:
    issue_number: int
    title: str
    state: str
    learn_status: str | None
    learn_run_id: str | None
    run: WorkflowRun | None
    decision: Decision

    @property
    def action(self) -> Action:
        return self.decision.action

    @property
    def reason(self) -> str:
        return self.decision.reason

    @property
    def failure(self) -> Failure | None:
        """Why the trigger would refuse this plan (None unless the action is refuse)."""
        decision = self.decision
        if decision.action != "refuse":
            return None
        return Failure(decision.reason, decision.error_type or "refused", decision.detail)


@dataclass(frozen=True)
class StatusReport:
    plans: tuple[PlanStatus, ...]
    runs_listed: int

    @property
    def counts(self) -> Mapping[str, int]:
        counted = Counter(plan.action for plan in self.plans)
        return {action: counted[action] for action in ACTIONS if counted[action]}


@dataclass(frozen=True)
class PlanListing:
    """One read of the plans and of the learn workflow's runs."""

    issues: tuple[Issue, ...]
    runs: tuple[WorkflowRun, ...]
    complete: bool  # the run listing is the whole history (fewer runs than asked for)


def read_plan_listing(
    gh: GitHubCli, *, label: str, workflow: str, state: str, limit: int
) -> PlanListing:
    """`gh issue list` and `gh run list` side by side: a few requests for hundreds of plans."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        runs_future = pool.submit(list_runs, gh, workflow, limit=DECISION_RUN_LIMIT)
        issues = list_issues(gh, label=label, state=state, limit=limit)
        runs = runs_future.result()
    return PlanListing(tuple(issues), tuple(runs), complete=len(runs) < DECISION_RUN_LIMIT)


def plan_status(issue: Issue, listing: PlanListing, *, label: str) -> PlanStatus:
    """One plan's row: its header's learn fields, its run, and what the trigger would do."""
    decision = decide(issue, listing.runs, label=label, complete=listing.complete)
    try:
        header: Mapping[str, object] = plan_header.read_header(issue.body)
    except plan_header.PlanHeaderError:
        header = {}
    status, run_id = header.get("learn_status"), header.get("learn_run_id")
    run = decision.run
    if run is None:  # the run the header names, else the plan's newest
        named = run_id_of(run_id)
        mine = plan_runs(listing.runs, issue.number, named)
        run = next((r for r in mine if r.id == named), mine[0] if mine else None)
    return PlanStatus(
        issue_number=issue.number,
        title=issue.title,
        state=issue.state,
        learn_status=None if plan_header.is_empty(status) else str(status),
        learn_run_id=None if plan_header.is_empty(run_id) else str(run_id),
        run=run,
        decision=decision,
    )


def survey_plans(
    gh: GitHubCli,
    *,
    label: str,
    workflow: str,
    state: str = defaults.STATUS_STATE,
    limit: int = defaults.STATUS_LIMIT,
    issues: Sequence[int] = (),
) -> StatusReport:
    """Every plan of the listing (or only ``issues``), newest first as gh lists them.

    An issue asked for by number that the listing does not hold (another state, no label, past
    the limit) is read on its own, so it gets the trigger's answer too (not a plan, not found...).
    """
    listing = read_plan_listing(gh, label=label, workflow=workflow, state=state, limit=limit)
    if not issues:
        return StatusReport(
            tuple(plan_status(issue, listing, label=label) for issue in listing.issues),
            len(listing.runs),
        )
    by_number = {issue.number: issue for issue in listing.issues}
    rows = [
        plan_status(by_number[n], listing, label=label)
        if n in by_number
        else _read_one(gh, n, listing, label=label)
        for n in _unique(issues)
    ]
    return StatusReport(tuple(rows), len(listing.runs))


def _read_one(gh: GitHubCli, number: int, listing: PlanListing, *, label: str) -> PlanStatus:
    try:
        issue = view_issue(gh, number)
    except GhError as error:
        return _unreadable(number, issue_read_failure(error, number))
    return plan_status(issue, listing, label=label)


def _unreadable(number: int, failure: Failure) -> PlanStatus:
    decision = Decision(
        "refuse", failure.error, error_type=failure.error_type, detail=failure.detail
    )
    return PlanStatus(number, "", "", None, None, None, decision)


def _unique(numbers: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(numbers))
