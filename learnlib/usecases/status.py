"""Where every plan stands: every plan listed, the runs their decisions need, and the trigger's
own decision.

No request per plan: the plans come from REST's issue list, a hundred a request with bodies (no
search, so no 1,000-result cap), the runs from the learn workflow's dispatch runs paged back as far
as the oldest run a listed plan names, plus a lookup by id of each pending plan's named run that is
still missing (learnlib.usecases.lookups). Each plan is decided over what its own trigger would
see (the newest page and its named run), so the table says exactly what the trigger would do.
A listing that stopped short (the limit, a page that failed) says so: ``complete`` and ``why``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import get_args

from learnlib import defaults
from learnlib.gh.issues import view_issue
from learnlib.gh.runner import GhError, GitHubCli
from learnlib.rules import plan_header
from learnlib.rules.decision import Action, Decision, decide, plan_runs, run_id_of
from learnlib.rules.failure import Failure
from learnlib.rules.records import Issue, WorkflowRun
from learnlib.rules.session import SessionCheck
from learnlib.usecases.failures import issue_read_failure
from learnlib.usecases.lookups import (
    NamedRun,
    PlanListing,
    named_run,
    read_plans,
    read_sessions,
)

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
    session: SessionCheck | None = None  # the session artifact's verdict, when it was read

    @property
    def action(self) -> Action:
        return self.decision.action

    @property
    def reason(self) -> str:
        return self.decision.reason

    @property
    def failure(self) -> Failure | None:
        """Why the trigger would refuse this plan (None unless the action is refuse)."""
        return self.decision.failure


@dataclass(frozen=True)
class StatusReport:
    plans: tuple[PlanStatus, ...]
    runs_listed: int
    complete: bool = True  # every labelled plan was listed
    why: tuple[str, ...] = ()  # why the listing stopped short (plans or runs)
    requests: int = 0

    @property
    def counts(self) -> Mapping[str, int]:
        counted = Counter(plan.action for plan in self.plans)
        return {action: counted[action] for action in ACTIONS if counted[action]}


@dataclass(frozen=True)
class Rules:
    """The decision's settings for every row."""

    label: str
    max_failed_runs: int = defaults.MAX_FAILED_RUNS
    sessions: Mapping[int, SessionCheck] = field(default_factory=dict)  # by issue number


def read_plan_listing(
    gh: GitHubCli, *, label: str, workflow: str, state: str, limit: int
) -> PlanListing:
    """Every plan (up to ``limit``) and the runs their decisions need."""
    return read_plans(gh, label=label, workflow=workflow, state=state, limit=limit)


def plan_status(issue: Issue, listing: PlanListing, rules: Rules) -> PlanStatus:
    """One plan's row: its header's learn fields, its run, and what the trigger would do."""
    runs = listing.runs_for(issue)
    session = rules.sessions.get(issue.number)
    decision = decide(
        issue,
        runs,
        label=rules.label,
        complete=listing.runs_complete,
        gone=listing.gone,
        session=session,
        max_failed_runs=rules.max_failed_runs,
    )
    try:
        header: Mapping[str, object] = plan_header.read_header(issue.body)
    except plan_header.PlanHeaderError:
        header = {}
    status, run_id = header.get("learn_status"), header.get("learn_run_id")
    run = decision.run
    if run is None:  # the run the header names, else the plan's newest
        named = run_id_of(run_id)
        mine = plan_runs(runs, issue.number, named)
        run = next((r for r in mine if r.id == named), mine[0] if mine else None)
    return PlanStatus(
        issue_number=issue.number,
        title=issue.title,
        state=issue.state,
        learn_status=None if plan_header.is_empty(status) else str(status),
        learn_run_id=None if plan_header.is_empty(run_id) else str(run_id),
        run=run,
        decision=decision,
        session=session,
    )


def survey_plans(
    gh: GitHubCli,
    *,
    label: str,
    workflow: str,
    state: str = defaults.STATUS_STATE,
    limit: int = defaults.STATUS_LIMIT,
    issues: Sequence[int] = (),
    max_failed_runs: int = defaults.MAX_FAILED_RUNS,
    check_session_artifact: bool = defaults.CHECK_SESSION_ARTIFACT,
    sessions: bool = False,
) -> StatusReport:
    """Every plan of the listing (or only ``issues``), newest first as GitHub lists them.

    An issue asked for by number that the listing does not hold (another state, no label, past
    the limit) is read on its own, so it gets the trigger's answer too (not a plan, not found...).
    Plans asked for by number also get their session artifact checked (a request each, for a
    remote-only session), as their trigger would; a whole listing does so only with ``sessions``,
    for the plans it would dispatch (a request each).
    """
    listing = read_plan_listing(gh, label=label, workflow=workflow, state=state, limit=limit)
    rules = Rules(label, max_failed_runs)
    if not issues:
        rows = [plan_status(issue, listing, rules) for issue in listing.issues]
        if sessions and check_session_artifact:
            rows = _with_sessions(gh, rows, listing.issues, listing, rules)
        return _report(rows, listing)
    by_number = {issue.number: issue for issue in listing.issues}
    chosen: list[Issue | PlanStatus] = []
    for number in _unique(issues):
        issue = by_number.get(number) or _read_one(gh, number, listing)
        if isinstance(issue, tuple):
            issue, named = issue
            listing = listing.learnt(named.runs, named.gone)
        chosen.append(issue)
    rows = [
        plan_status(issue, listing, rules) if isinstance(issue, Issue) else issue
        for issue in chosen
    ]
    if check_session_artifact:
        found = [issue for issue in chosen if isinstance(issue, Issue)]
        rows = _with_sessions(gh, rows, found, listing, rules)
    return _report(rows, listing)


def _with_sessions(
    gh: GitHubCli,
    rows: list[PlanStatus],
    issues: Sequence[Issue],
    listing: PlanListing,
    rules: Rules,
) -> list[PlanStatus]:
    """The rows again, the plans they would dispatch decided with their session artifact's
    verdict, as their trigger decides (a plan that would not be dispatched needs no read)."""
    dispatching = {row.issue_number for row in rows if row.decision.dispatches}
    wanted = [issue for issue in issues if issue.number in dispatching]
    checked = replace(rules, sessions=read_sessions(gh, wanted))
    by_number = {issue.number: issue for issue in wanted}
    return [
        plan_status(by_number[row.issue_number], listing, checked)
        if row.issue_number in checked.sessions
        else row
        for row in rows
    ]


def _report(rows: Iterable[PlanStatus], listing: PlanListing) -> StatusReport:
    return StatusReport(
        tuple(rows),
        len(listing.by_id),
        complete=listing.complete,
        why=listing.why,
        requests=listing.requests,
    )


def _read_one(
    gh: GitHubCli, number: int, listing: PlanListing
) -> tuple[Issue, NamedRun] | PlanStatus:
    """An issue the listing does not hold, read on its own, and its named run looked up."""
    try:
        issue = view_issue(gh, number)
    except GhError as error:
        return _unreadable(number, issue_read_failure(error, number))
    known = (*listing.recent, *listing.by_id.values())
    return issue, named_run(gh, issue, known, gone=listing.gone)


def _unreadable(number: int, failure: Failure) -> PlanStatus:
    decision = Decision(
        "refuse", failure.error, error_type=failure.error_type, detail=failure.detail
    )
    return PlanStatus(number, "", "", None, None, None, decision)


def _unique(numbers: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(numbers))
