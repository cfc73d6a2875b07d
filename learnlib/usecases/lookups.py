"""What the decision needs beyond one listing, read at a bounded cost (issue 16).

- every labelled plan, paged past search's cap (:func:`read_plans`), beside the learn workflow's
  dispatch runs paged back only as far as the oldest run a listed plan names, and by id only the
  named runs still missing (a 404 is a run that no longer exists);
- one run by id, looked at twice a few seconds apart when it may be too fresh to be known
  (:func:`look_up_run`);
- the session artifact of a plan whose session data is remote only (:func:`read_session`).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from learnlib import defaults
from learnlib.gh.artifacts import run_artifacts
from learnlib.gh.issues import IssueListing, list_labelled_issues
from learnlib.gh.runner import GhError, GhNotFound, GitHubCli
from learnlib.gh.runs import DECISION_RUN_LIMIT, RunHistory, list_runs, run_by_id
from learnlib.gh.workflows import is_workflow_file
from learnlib.rules import plan_header
from learnlib.rules.decision import run_id_of
from learnlib.rules.learn_state import Stage, stage
from learnlib.rules.records import Issue, WorkflowRun
from learnlib.rules.schedule import Schedule
from learnlib.rules.session import SessionCheck, judge, remote_session_run, run_gone, unreadable

RECHECK_AFTER = defaults.RUN_GONE_RECHECK
LOOKUP_WORKERS = defaults.LOOKUP_WORKERS


def look_up_run(
    gh: GitHubCli,
    run_id: int,
    *,
    maybe_fresh: bool,
    recheck_after: float = RECHECK_AFTER,
    sleep: Callable[[float], None] | None = None,
) -> WorkflowRun | None:
    """The run by id (one request), or None when GitHub does not know it.

    ``maybe_fresh``: nothing newer was listed, so the run may have been dispatched a moment ago
    and GitHub may not know it yet (it can take seconds): a 404 is asked again after
    ``recheck_after`` seconds, then after twice that, before it counts (defaults.RUN_GONE_LOOKS
    looks in all). GhError (anything but a 404) propagates: the run's fate is then unknown.
    """
    run = run_by_id(gh, run_id)
    if run is not None or not maybe_fresh:
        return run
    sleep = sleep or gh.sleep
    for wait in Schedule(first=recheck_after, attempts=defaults.RUN_GONE_LOOKS).waits():
        sleep(wait)
        run = run_by_id(gh, run_id)
        if run is not None:
            return run
    return None


def read_session(gh: GitHubCli, header: Mapping[str, object]) -> SessionCheck | None:
    """The verdict on the session artifact, None when no read is needed (a local session, no
    remote run named). One request; a 404 is told apart (run gone or no endpoint) by a second."""
    run_id = remote_session_run(header)
    if run_id is None:
        return None
    try:
        artifacts = run_artifacts(gh, run_id)
    except GhNotFound as error:
        try:
            run = run_by_id(gh, run_id)
        except GhError:
            return unreadable(run_id, error.detail)
        return run_gone(run_id) if run is None else unreadable(run_id, error.detail)
    except GhError as error:
        return unreadable(run_id, error.detail)
    return judge(header, run_id, artifacts)


@dataclass(frozen=True)
class PlanListing:
    """The plans and their runs as learn-status and learn-backlog read them.

    ``recent`` is the newest page of runs: the window the trigger decides from. ``by_id`` holds
    every run read (older pages, lookups), ``gone`` the named runs GitHub answered 404 for.
    ``complete`` False: the plan listing stopped short, ``why`` says why (a run history that
    stopped short is in ``why`` too).
    """

    issues: tuple[Issue, ...]
    recent: tuple[WorkflowRun, ...] = ()
    by_id: Mapping[int, WorkflowRun] = field(default_factory=dict)
    gone: frozenset[int] = frozenset()
    complete: bool = True
    why: tuple[str, ...] = ()
    runs_complete: bool = False  # the recent page is the workflow's whole history
    requests: int = 0

    def learnt(self, runs: Iterable[WorkflowRun], gone: Iterable[int]) -> PlanListing:
        """This listing with runs learnt later (an issue read on its own: its named run)."""
        by_id = {**self.by_id, **{run.id: run for run in runs}}
        return replace(self, by_id=by_id, gone=self.gone | frozenset(gone))

    def runs_for(self, issue: Issue) -> tuple[WorkflowRun, ...]:
        """What the trigger would see for this plan: the recent page and its named run."""
        named = run_id_of(_header(issue).get("learn_run_id"))
        extra = self.by_id.get(named) if named is not None else None
        if extra is None or any(run.id == extra.id for run in self.recent):
            return self.recent
        return (*self.recent, extra)


def read_plans(
    gh: GitHubCli,
    *,
    label: str,
    workflow: str,
    state: str,
    limit: int,
    sleep: Callable[[float], None] | None = None,
) -> PlanListing:
    """Every plan (paged, bounded by ``limit``) and the runs their decisions need.

    Three things at once: the plans are paged in one thread, the runs in another, and this one
    reads each page's plan headers as it arrives and tells the runs how far back they must go
    (the oldest run named so far), so the runs are paged beside the plans, never past need.
    """
    target = _Target()
    arrived: queue.Queue[Sequence[Issue] | None] = queue.Queue()
    with ThreadPoolExecutor(max_workers=2) as pool:
        plans = pool.submit(_listing, gh, label, state, limit, arrived)
        history = pool.submit(_history, gh, workflow, target)
        try:
            while (page := arrived.get()) is not None:
                target.offer(_named_runs(page).values())
        finally:
            target.finish()
        listing, read = plans.result(), history.result()
    return _with_lookups(gh, listing, read, sleep)


def _listing(
    gh: GitHubCli, label: str, state: str, limit: int, arrived: queue.Queue[Sequence[Issue] | None]
) -> IssueListing:
    """The plans, each page handed to ``arrived`` as it comes, then None (also on a failure)."""
    try:
        return list_labelled_issues(gh, label=label, state=state, limit=limit, on_page=arrived.put)
    finally:
        arrived.put(None)


def _history(gh: GitHubCli, workflow: str, target: _Target) -> RunHistory | list[WorkflowRun]:
    """The runs: a workflow file's dispatch runs back as far as ``target`` asks, else gh's
    own listing of the newest 100."""
    if not is_workflow_file(workflow):
        return list_runs(gh, workflow, limit=DECISION_RUN_LIMIT)
    history = RunHistory(gh, workflow).first()
    while target.wait_until_needed(history) and history.step():
        pass
    return history


class _Target:
    """How far back the runs must go: the oldest run the plans read so far name."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._oldest: int | None = None
        self._done = False

    def offer(self, run_ids: Iterable[int]) -> None:
        with self._changed:
            self._oldest = min(
                [*run_ids, *([] if self._oldest is None else [self._oldest])], default=None
            )
            self._changed.notify_all()

    def finish(self) -> None:
        with self._changed:
            self._done = True
            self._changed.notify_all()

    def wait_until_needed(self, history: RunHistory) -> bool:
        """True when another page is needed; False once the plans are all read and it is not."""
        with self._changed:
            while not history.needs(self._oldest):
                if self._done or history.complete or history.why is not None:
                    return False
                self._changed.wait()
            return True


def _with_lookups(
    gh: GitHubCli,
    plans: IssueListing,
    history: RunHistory | list[WorkflowRun],
    sleep: Callable[[float], None] | None,
) -> PlanListing:
    """The listing, with the pending plans' named runs still missing looked up by id."""
    named = _named_runs(plans.issues)
    why = [plans.why] if plans.why else []
    if isinstance(history, RunHistory):
        runs, recent, requests = history.runs, history.runs[: history.first_page], history.requests
        if history.why:
            why.append(history.why)
    else:
        runs, recent, requests = history, history, 1
    by_id = {run.id: run for run in runs}
    pending = _pending(plans.issues)
    missing = sorted({run for n, run in named.items() if run not in by_id and n in pending})
    found, gone, unread = _look_up(gh, missing, newest=max(by_id, default=0), sleep=sleep)
    why += [f"run {run_id} could not be looked up by id: {detail}" for run_id, detail in unread]
    return PlanListing(
        plans.issues,
        tuple(recent),
        {**by_id, **found},
        gone,
        complete=not why,
        why=tuple(why),
        runs_complete=len(recent) < DECISION_RUN_LIMIT,
        requests=plans.requests + requests + len(missing),
    )


def _header(issue: Issue) -> Mapping[str, object]:
    try:
        return plan_header.read_header(issue.body)
    except plan_header.PlanHeaderError:
        return {}


def _named_runs(issues: Iterable[Issue]) -> dict[int, int]:
    """Each plan's learn_run_id, by issue number."""
    named = {issue.number: run_id_of(_header(issue).get("learn_run_id")) for issue in issues}
    return {number: run_id for number, run_id in named.items() if run_id is not None}


def _pending(issues: Iterable[Issue]) -> set[int]:
    return {i.number for i in issues if stage(_header(i).get("learn_status")) == Stage.PENDING}


def _look_up(
    gh: GitHubCli, run_ids: list[int], *, newest: int, sleep: Callable[[float], None] | None
) -> tuple[dict[int, WorkflowRun], frozenset[int], list[tuple[int, str]]]:
    """Runs by id, a few at a time: those found, those GitHub answered 404 for, and those whose
    lookup failed otherwise (unknown: the decision then waits, and the listing says so)."""

    def one(run_id: int) -> tuple[int, WorkflowRun | GhError | None]:
        try:
            return run_id, look_up_run(gh, run_id, maybe_fresh=run_id > newest, sleep=sleep)
        except GhError as error:
            return run_id, error

    if not run_ids:
        return {}, frozenset(), []
    with ThreadPoolExecutor(max_workers=min(LOOKUP_WORKERS, len(run_ids))) as pool:
        answers = list(pool.map(one, run_ids))
    found = {run_id: run for run_id, run in answers if isinstance(run, WorkflowRun)}
    unread = [(run_id, run.detail) for run_id, run in answers if isinstance(run, GhError)]
    return found, frozenset(run_id for run_id, run in answers if run is None), unread


@dataclass(frozen=True)
class NamedRun:
    """What asking for a pending plan's named run by id taught: the run, or that it is gone."""

    runs: tuple[WorkflowRun, ...] = ()  # the run found by id (to decide as if listed)
    gone: frozenset[int] = frozenset()
    warning: str | None = None


def named_run(
    gh: GitHubCli,
    issue: Issue,
    listed: Iterable[WorkflowRun],
    *,
    recheck_after: float = RECHECK_AFTER,
    sleep: Callable[[float], None] | None = None,
    gone: frozenset[int] = frozenset(),
) -> NamedRun:
    """For a pending plan whose `learn_run_id` is not in the listing: ask GitHub for it by id
    (only then). A 404 counts at once when the listing holds a newer run; else it is asked again
    after ``recheck_after`` seconds (a run just dispatched may be unknown for a moment)."""
    header = _header(issue)
    run_id = run_id_of(header.get("learn_run_id"))
    listed = tuple(listed)
    if run_id is None or stage(header.get("learn_status")) != Stage.PENDING:
        return NamedRun()
    known = next((run for run in listed if run.id == run_id), None)
    if known is not None:
        return NamedRun(runs=(known,))
    if run_id in gone:
        return NamedRun(gone=frozenset({run_id}))
    fresh = not any(run.id > run_id for run in listed)
    try:
        run = look_up_run(gh, run_id, maybe_fresh=fresh, recheck_after=recheck_after, sleep=sleep)
    except GhError as error:
        return NamedRun(warning=f"could not look up run {run_id} ({error.detail})")
    if run is None:
        return NamedRun(gone=frozenset({run_id}))
    return NamedRun(runs=(run,))


def read_sessions(gh: GitHubCli, issues: Iterable[Issue]) -> dict[int, SessionCheck]:
    """The session verdict of each plan that needs one, a few reads at a time, by issue."""
    wanted = [issue for issue in issues if remote_session_run(_header(issue)) is not None]
    if not wanted:
        return {}
    with ThreadPoolExecutor(max_workers=min(LOOKUP_WORKERS, len(wanted))) as pool:
        checks = list(pool.map(lambda issue: read_session(gh, _header(issue)), wanted))
    return {i.number: check for i, check in zip(wanted, checks, strict=True) if check is not None}
