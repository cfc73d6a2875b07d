"""The one decision: what should happen to a plan's learning now.

``decide`` is pure: it reads an issue (as `gh issue view` or a listing gave it), the learn
workflow's runs as the caller read them, and what the caller learnt beside them (runs GitHub
answered 404 for, the session artifact's verdict), and says what `trigger-async-learn` does:
dispatch, redispatch, none or refuse. The trigger, learn-status and learn-backlog all ask it, so
they cannot disagree.

The runs are the truth, the header is the record. A plan's runs are the workflow_dispatch runs that
``learn_run_id`` names, or whose title names the issue (`Learn #N`, the skeleton's run-name). Then:

1. Not a plan, no usable header, no session data: refuse. A learn_status outside erk's six values:
   refuse (``invalid_learn_status``) unless ``force``.
2. A run of this plan queued or in progress: none (even with ``force``: one plan, one learn run).
   When the header does not name that run with ``pending`` (or with a learned status that the run's
   own last step, record-learn, already wrote), the decision carries a repair: the values to write.
3. ``pending``: the run it waits for is the one ``learn_run_id`` names, else the plan's newest run.
   - ended ``failure``, ``cancelled``, ``timed_out`` or ``startup_failure``: redispatch, unless
     the plan's last ``max_failed_runs`` runs in a row ended ``failure``, ``timed_out`` or
     ``startup_failure`` (a cancelled run is passed over: a newer dispatch replaced it): then
     none, naming them, and ``force`` dispatches;
   - ended ``success``: none;
   - ended otherwise (``neutral``, ``skipped``, ...): none, ``--force`` dispatches;
   - named but gone: redispatch (see below); not to be found: none, ``--force`` dispatches.
4. Learned (the four other values): none unless ``force``. Never learned: dispatch.
5. A decision that dispatches, for a plan whose session artifact is known to be gone (``session``,
   see learnlib.rules.session): refuse with ``no_session_data`` instead, even with ``force``.

"Gone": the caller asked GitHub for the named run by id and it answered 404 (``gone``). Without
such an answer, a named run missing from the listing no longer exists only when the listing holds
a newer run (a larger id: the named one is no longer fresh) and reaches past it: it holds a run
with a smaller id too, or it is ``complete`` (the whole history). Otherwise the run may be too
fresh or too old for the listing, and nothing is dispatched.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from learnlib import defaults
from learnlib.rules import plan_header
from learnlib.rules.failure import Failure
from learnlib.rules.learn_state import PENDING, Stage, invalid_status_sentence, stage
from learnlib.rules.records import Issue, WorkflowRun
from learnlib.rules.session import SessionCheck

Action = Literal["dispatch", "redispatch", "none", "refuse"]

SESSION_KEYS = ("last_remote_impl_run_id", "last_local_impl_session")
FAILED_CONCLUSIONS = frozenset({"failure", "cancelled", "timed_out", "startup_failure"})
# the conclusions a run of the plan's own making counts as a failure in a row (cancelled: no)
LASTING_FAILURES = frozenset({"failure", "timed_out", "startup_failure"})
DISPATCH_EVENT = "workflow_dispatch"
FAILED_REPEATEDLY = "failed_repeatedly"  # Decision.code when the failures in a row stop it
NO_SESSION = "No session data available for learning"


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: str  # a sentence; for refuse, the error sentence
    error_type: str | None = None  # for refuse only
    detail: str = ""
    run: WorkflowRun | None = None  # the run of this plan the decision rests on
    record: Mapping[str, str] | None = None  # header values to write without dispatching (repair)
    code: str | None = None  # a countable reason beside the sentence (FAILED_REPEATEDLY)

    @property
    def dispatches(self) -> bool:
        return self.action in ("dispatch", "redispatch")

    @property
    def failure(self) -> Failure | None:
        """Why the trigger refuses (None unless the action is refuse)."""
        if self.action != "refuse":
            return None
        return Failure(self.reason, self.error_type or "refused", self.detail)


@dataclass(frozen=True)
class Known:
    """What the caller learnt beside the listing: the runs GitHub answered 404 for (``gone``),
    whether the listing is the workflow's whole history, and the session artifact's verdict."""

    gone: Collection[int] = ()
    complete: bool = False
    session: SessionCheck | None = None
    max_failed_runs: int = defaults.MAX_FAILED_RUNS


def decide(
    issue: Issue,
    runs: Sequence[WorkflowRun],
    *,
    label: str,
    force: bool = False,
    complete: bool = False,
    gone: Collection[int] = (),
    session: SessionCheck | None = None,
    max_failed_runs: int = defaults.MAX_FAILED_RUNS,
) -> Decision:
    """What the trigger does for this plan now (see the module's rules)."""
    known = Known(gone, complete, session, max_failed_runs)
    decision = _decide(issue, runs, label=label, force=force, known=known)
    if decision.dispatches and session is not None and session.gone:
        return _refuse(NO_SESSION, "no_session_data", session.detail)
    return decision


def _decide(
    issue: Issue, runs: Sequence[WorkflowRun], *, label: str, force: bool, known: Known
) -> Decision:
    refusal = _refusal(issue, label, force)
    if refusal is not None:
        return refusal
    header = plan_header.read_header(issue.body)
    status = header.get("learn_status")
    current = stage(status)
    run_id = run_id_of(header.get("learn_run_id"))
    mine = plan_runs(runs, issue.number, run_id)
    active = [run for run in mine if run.status != "completed"]
    if active:
        return _in_progress(active, run_id, status, current)
    if current == Stage.PENDING:
        return _pending(runs, mine, run_id, force=force, known=known)
    return _not_pending(current, status, force)


def _not_pending(current: str, status: object, force: bool) -> Decision:
    if current == Stage.INVALID:
        return Decision("dispatch", f"--force: learn_status was {status!r}")
    if current == Stage.LEARNED:
        if force:
            return Decision("dispatch", f"--force: learn_status was {status}")
        return Decision("none", f"learn_status is already {status}; {FORCE_HINT}")
    return Decision("dispatch", "the plan has not been learned yet")


def _refusal(issue: Issue, label: str, force: bool) -> Decision | None:
    """Not a plan, an unusable header, no session data named, an invalid learn_status."""
    if label not in issue.labels:
        labels = ", ".join(issue.labels) or "none"
        return _refuse(not_a_plan_message(label), "not_a_plan", f"labels: {labels}")
    try:
        header = plan_header.read_header(issue.body)
    except plan_header.PlanHeaderError as error:
        return _refuse(str(error), "invalid_plan_header", error.reason)
    if all(plan_header.is_empty(header.get(key)) for key in SESSION_KEYS):
        return _refuse(
            NO_SESSION,
            "no_session_data",
            "neither last_remote_impl_run_id nor last_local_impl_session is set",
        )
    status = header.get("learn_status")
    if stage(status) == Stage.INVALID and not force:
        return _refuse(
            f"The plan header's {invalid_status_sentence(status)}",
            "invalid_learn_status",
            "`trigger-async-learn --force` dispatches anyway (learn_status becomes pending)",
        )
    return None


FORCE_HINT = "`trigger-async-learn --force` dispatches again"


def not_a_plan_message(label: str) -> str:
    """The seed's sentence for erk's label; any other label is named."""
    if label == "erk-plan":
        return "Issue is not an erk-plan"
    return f"Issue is not a plan (no {label!r} label)"


def plan_runs(
    runs: Sequence[WorkflowRun], issue_number: int, learn_run_id: int | None
) -> list[WorkflowRun]:
    """This plan's runs, newest first: the one ``learn_run_id`` names, dispatches titled `#N`."""
    mine = [
        run
        for run in runs
        if run.id == learn_run_id
        or (run.event == DISPATCH_EVENT and names_issue(run.display_title, issue_number))
    ]
    return sorted(mine, key=lambda run: (run.created_at, run.id), reverse=True)


def names_issue(title: str, issue_number: int) -> bool:
    """True when a run title names the issue as `#N` (`Learn #5406`, not `#54060`)."""
    return re.search(rf"#{issue_number}(?![0-9])", title) is not None


def run_id_of(value: object) -> int | None:
    """A header's learn_run_id as an int (erk writes a quoted string), None when unset/unusable."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip()) or None
    return None


def _in_progress(
    active: list[WorkflowRun], run_id: int | None, status: object, current: str
) -> Decision:
    named = [run for run in active if run.id == run_id]
    run = named[0] if named else active[0]
    reason = f"a learn run of this plan is already {run.status.replace('_', ' ')}: {run.url}"
    recorded = run.id == run_id and current in (Stage.PENDING, Stage.LEARNED)
    if recorded:
        return Decision("none", reason, run=run)
    record = {"learn_status": PENDING, "learn_run_id": str(run.id)}
    was = "unset" if plan_header.is_empty(status) else repr(status)
    return Decision(
        "none",
        f"{reason}; the header (learn_status {was}) will record it",
        run=run,
        record=record,
    )


def _pending(
    runs: Sequence[WorkflowRun],
    mine: list[WorkflowRun],
    run_id: int | None,
    *,
    force: bool,
    known: Known,
) -> Decision:
    if run_id is not None:
        named = next((run for run in mine if run.id == run_id), None)
        if named is None:
            return _named_missing(runs, run_id, force=force, known=known)
        run = named
    elif mine:
        run = mine[0]
    else:
        return _pending_unknown("no run of this plan is among the workflow's recent runs", force)
    if run.conclusion in FAILED_CONCLUSIONS:
        return _failed(run, mine, force=force, max_failed=known.max_failed_runs)
    if force:
        return Decision("redispatch", f"--force: run {run.id} ended {run.conclusion}", run=run)
    ended = (
        "succeeded"
        if run.conclusion == "success"
        else "ended " + (run.conclusion or "without a conclusion")
    )
    return Decision(
        "none",
        f"learn_status is pending and its run {run.id} {ended}: {run.url}; {FORCE_HINT}",
        run=run,
    )


def _named_missing(
    runs: Sequence[WorkflowRun], run_id: int, *, force: bool, known: Known
) -> Decision:
    """The run the header names is not in the listing: gone (404, or the listing shows it), or
    maybe too fresh or too old to be listed."""
    newer = any(run.id > run_id for run in runs)
    reaches_past = known.complete or any(run.id < run_id for run in runs)
    if run_id in known.gone or (newer and reaches_past):
        return Decision(
            "redispatch", f"learn_status is pending but its run {run_id} no longer exists"
        )
    return _pending_unknown(f"its run {run_id} is not among the workflow's recent runs", force)


def failed_in_a_row(mine: Sequence[WorkflowRun], start: WorkflowRun) -> list[WorkflowRun]:
    """The plan's completed runs from ``start`` back that ended a lasting failure in a row,
    newest first; cancelled runs are passed over (neither counted nor ending the row)."""
    row: list[WorkflowRun] = []
    older = [run for run in mine if (run.created_at, run.id) <= (start.created_at, start.id)]
    for run in sorted(older, key=lambda r: (r.created_at, r.id), reverse=True):
        if run.conclusion == "cancelled":
            continue
        if run.conclusion not in LASTING_FAILURES:
            break
        row.append(run)
    return row


def _failed(
    run: WorkflowRun, mine: Sequence[WorkflowRun], *, force: bool, max_failed: int
) -> Decision:
    row = failed_in_a_row(mine, run)
    ended = f"learn_status is pending but its run {run.id} ended {run.conclusion}: {run.url}"
    if len(row) < max_failed:
        return Decision("redispatch", ended, run=run)
    named = ", ".join(f"{r.id} ({r.conclusion})" for r in row)
    if force:
        return Decision(
            "redispatch", f"--force: the plan's last {len(row)} runs failed: {named}", run=run
        )
    return Decision(
        "none",
        f"learn_status is pending and the plan's last {len(row)} learn runs failed in a row "
        f"({named}), at most {max_failed} are dispatched: {run.url}; {FORCE_HINT}",
        run=run,
        code=FAILED_REPEATEDLY,
    )


def _pending_unknown(why: str, force: bool) -> Decision:
    if force:
        return Decision("redispatch", f"--force: learn_status was pending and {why}")
    return Decision(
        "none",
        f"learn_status is already pending and {why}; {FORCE_HINT}",
    )


def _refuse(error: str, error_type: str, detail: str) -> Decision:
    return Decision("refuse", error, error_type=error_type, detail=detail)
