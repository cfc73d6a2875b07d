"""Learn from the plans that landed before async learning: one listing, then paced triggers.

The listing and :func:`learnlib.rules.decision.decide` pick the plans to dispatch; each is then
handed to :func:`learnlib.usecases.trigger.trigger_plan`, which reads the plan and its runs afresh
and decides again before it writes anything. So a plan dispatched by someone else meanwhile, or by
an earlier try that GitHub's rate limit cut short, is not dispatched twice, and a second backlog
run finds nothing to do. No printing: progress goes to a callback as :class:`Tick` snapshots.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from learnlib import defaults
from learnlib.gh.runner import Deadline, GitHubCli
from learnlib.rules import plan_header
from learnlib.rules.decision import FAILED_REPEATEDLY, Decision, decide
from learnlib.rules.failure import Failed, Failure
from learnlib.rules.learn_state import Stage, stage
from learnlib.rules.records import Issue
from learnlib.rules.schedule import Schedule
from learnlib.rules.session import SessionCheck
from learnlib.timing.pacing import (
    Clock,
    PacedRun,
    PaceEvent,
    PauseGate,
    Pool,
    RateLimiter,
    RealClock,
)
from learnlib.usecases.lookups import PlanListing, read_sessions
from learnlib.usecases.plan_io import RunListing, SideReads, default_branch_or_none, read_preflight
from learnlib.usecases.status import read_plan_listing
from learnlib.usecases.trigger import LearnOptions, TriggerResult, trigger_plan

RATE_LIMIT_TEXT = ("rate limit", "http 429")


@dataclass(frozen=True)
class BacklogOptions:
    learn: LearnOptions
    state: str = defaults.BACKLOG_STATE
    limit: int = defaults.BACKLOG_LIMIT
    max_dispatches: int | None = None
    rate: float | None = defaults.BACKLOG_RATE  # dispatches a minute; None: no limit
    concurrency: int = defaults.BACKLOG_CONCURRENCY
    backoff: float = defaults.BACKLOG_BACKOFF
    backoff_max: float = defaults.BACKLOG_BACKOFF_MAX
    rate_limit_attempts: int = defaults.BACKLOG_RATE_LIMIT_ATTEMPTS
    plan_deadline: float = defaults.DEADLINE  # each trigger's own deadline for its gh calls
    dry_run: bool = False


@dataclass(frozen=True)
class PlanFailure(Failed):
    """A plan the backlog could not trigger, and its failure."""

    issue_number: int
    failure: Failure


@dataclass(frozen=True)
class BacklogResult:
    plans_listed: int
    planned: tuple[int, ...]  # what the listing said to dispatch (dry run: would dispatch)
    dispatched: tuple[int, ...]
    skipped: Mapping[str, int]
    failed: tuple[PlanFailure, ...]
    results: tuple[TriggerResult, ...]
    not_started: tuple[int, ...] = ()
    interrupted: bool = False
    dry_run: bool = False
    complete: bool = True  # every labelled plan was listed
    why: tuple[str, ...] = ()  # why the listing stopped short

    @property
    def success(self) -> bool:
        return not self.failed and not self.interrupted


@dataclass(frozen=True)
class Tick:
    """Where a backlog run stands, for a progress bar or a plain line."""

    total: int
    done: int
    dispatched: int
    failed: int
    waiting: float = 0.0  # seconds of rate-limit pause left, when paused
    message: str | None = None


def _silent(_: Tick) -> None:
    return None


@dataclass
class _Tally:
    total: int
    attempts: dict[int, list[TriggerResult]] = field(default_factory=dict)
    done: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def tick(self, waiting: float = 0.0, message: str | None = None) -> Tick:
        with self.lock:
            finals = [tries[-1] for tries in self.attempts.values() if tries]
            dispatched = sum(
                any(r.workflow_triggered for r in tries) for tries in self.attempts.values()
            )
            failed = sum(1 for r in finals if not r.success and not is_rate_limited(r))
            return Tick(self.total, self.done, dispatched, failed, waiting, message)


def is_rate_limited(result: TriggerResult) -> bool:
    """The trigger failed because GitHub's (secondary) rate limit or a 429 answered."""
    if result.success:
        return False
    text = f"{result.error or ''} {result.detail or ''}".lower()
    return any(marker in text for marker in RATE_LIMIT_TEXT)


def skip_key(issue: Issue, decision: Decision) -> str:
    """A short, countable reason a listed plan is not dispatched."""
    if decision.action == "refuse":
        return decision.error_type or "refused"
    if decision.code == FAILED_REPEATEDLY:
        return "failed_repeatedly"
    if decision.run is not None and decision.run.status != "completed":
        return "run_in_progress"
    try:
        status = plan_header.read_header(issue.body).get("learn_status")
    except plan_header.PlanHeaderError:
        return "invalid_plan_header"
    return "already_learned" if stage(status) == Stage.LEARNED else "pending"


def work_backlog(
    gh: GitHubCli,
    options: BacklogOptions,
    *,
    progress: Callable[[Tick], None] = _silent,
    clock: Clock | None = None,
    stop: threading.Event | None = None,
) -> BacklogResult:
    """List once, pick the plans to dispatch, trigger each through the pacing pool."""
    learn = options.learn
    listing = read_plan_listing(
        gh, label=learn.label, workflow=learn.workflow, state=options.state, limit=options.limit
    )
    picked = _pick(gh, listing, options)
    base = BacklogResult(
        plans_listed=len(listing.issues),
        planned=tuple(picked.planned),
        dispatched=(),
        skipped=dict(picked.skipped),
        failed=(),
        results=(),
        dry_run=options.dry_run,
        complete=listing.complete,
        why=listing.why,
    )
    if options.dry_run or not (picked.planned or picked.repairs):
        return base
    runs = RunListing(
        listing.recent, complete=listing.runs_complete, known=listing.by_id, gone=listing.gone
    )
    return _run_pool(
        gh,
        options,
        base,
        picked.skipped,
        runs=runs,
        repairs=picked.repairs,
        sessions={check.run_id: check for check in picked.sessions.values()},
        progress=progress,
        clock=clock or RealClock(),
        stop=stop,
    )


@dataclass
class _Picked:
    planned: list[int] = field(default_factory=list)
    repairs: list[int] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    sessions: dict[int, SessionCheck] = field(default_factory=dict)  # by issue number


SESSION_BATCH = defaults.SESSION_BATCH  # a batch at a time, until --max-dispatches is met


def _pick(gh: GitHubCli, listing: PlanListing, options: BacklogOptions) -> _Picked:
    """Each listed plan's decision, oldest first: the plans to dispatch (their session artifact
    checked, at most ``max_dispatches``), the runs to record, and why the rest are skipped."""
    learn, picked = options.learn, _Picked()
    candidates: list[Issue] = []
    for issue in reversed(listing.issues):  # oldest first: GitHub lists newest first
        decision = decide(
            issue,
            listing.runs_for(issue),
            label=learn.label,
            complete=listing.runs_complete,
            gone=listing.gone,
            max_failed_runs=learn.max_failed_runs,
        )
        if decision.record is not None and not options.dry_run:
            picked.repairs.append(issue.number)  # a run the header does not record: written
        elif not decision.dispatches:
            picked.skipped[skip_key(issue, decision)] += 1
        else:
            candidates.append(issue)
    most = options.max_dispatches
    while candidates and (most is None or len(picked.planned) < most):
        batch, candidates = candidates[:SESSION_BATCH], candidates[SESSION_BATCH:]
        if learn.check_session_artifact:
            picked.sessions |= read_sessions(gh, batch)
        for issue in batch:
            check = picked.sessions.get(issue.number)
            if check is not None and check.gone:
                picked.skipped["no_session_data"] += 1
            elif most is not None and len(picked.planned) >= most:
                picked.skipped["max_dispatches"] += 1
            else:
                picked.planned.append(issue.number)
    if candidates:
        picked.skipped["max_dispatches"] += len(candidates)
    return picked


#: GitHub's secondary limit asks for pauses of seconds to minutes: a backlog plan's gh calls wait
#: longer than a single trigger's (1 s doubling to 30 s, 8 tries), within the plan's deadline.
PATIENT = Schedule(
    first=defaults.PATIENT_RETRY_FIRST,
    growth=defaults.BACKOFF_GROWTH,
    longest=defaults.PATIENT_RETRY_LONGEST,
    attempts=defaults.PATIENT_RETRY_ATTEMPTS,
)


def _run_pool(
    gh: GitHubCli,
    options: BacklogOptions,
    base: BacklogResult,
    skipped: Counter[str],
    *,
    runs: RunListing,
    repairs: list[int],
    sessions: Mapping[int, SessionCheck],
    progress: Callable[[Tick], None],
    clock: Clock,
    stop: threading.Event | None,
) -> BacklogResult:
    # The pool retries a rate-limited plan itself, after a pause every worker keeps: the trigger
    # makes one dispatch attempt (it still checks, on a failure, whether a run started anyway).
    learn = replace(options.learn, dispatch_attempts=1, dry_run=False, force=False)
    if learn.ref is None:  # looked up once here, not once a plan
        learn = replace(learn, ref=default_branch_or_none(gh))
    # The run listing and the workflow check are read once for every plan; each plan's issue is
    # still read afresh right before its dispatch (a plan another trigger made pending meanwhile
    # is not dispatched again) and re-read before its write.
    reads = SideReads(runs, read_preflight(gh, learn.workflow, learn.ref), sessions)
    plans = _Plans(
        gh, learn, reads, options.plan_deadline, progress, _Tally(len(base.planned) + len(repairs))
    )
    backoff = Schedule(
        first=options.backoff, growth=defaults.BACKOFF_GROWTH, longest=options.backoff_max
    )
    pool: Pool[int, TriggerResult] = Pool(
        work=plans.work,
        is_rate_limited=is_rate_limited,
        concurrency=options.concurrency,
        limiter=RateLimiter(options.rate, clock),
        gate=PauseGate(clock, backoff),
        clock=clock,
        on_event=plans.seen,
        attempts=options.rate_limit_attempts,
    )
    if stop is not None:
        pool.stop = stop
    ran = pool.run([*repairs, *base.planned])
    return _summarise(base, skipped, plans.tally.attempts, ran, set(repairs))


@dataclass
class _Plans:
    """What each pool worker does with a plan, and what it tells the progress callback."""

    gh: GitHubCli
    learn: LearnOptions
    reads: SideReads
    plan_deadline: float
    progress: Callable[[Tick], None]
    tally: _Tally

    def work(self, number: int) -> TriggerResult:
        def said(message: str) -> None:
            self.progress(self.tally.tick(message=f"#{number}: {message}"))

        plan_gh = replace(self.gh, deadline=Deadline(self.plan_deadline), retry=PATIENT)
        try:
            result = trigger_plan(plan_gh, number, self.learn, progress=said, reads=self.reads)
        except Exception as error:  # a bug in one plan must not lose the others' results
            internal = Failure(
                "Internal error in learnlib", "internal_error", f"{type(error).__name__}: {error}"
            )
            result = TriggerResult(
                issue_number=number, success=False, workflow=self.learn.workflow, failure=internal
            )
        with self.tally.lock:
            self.tally.attempts.setdefault(number, []).append(result)
        return result

    def seen(self, event: PaceEvent[int, TriggerResult]) -> None:
        tally = self.tally
        if event.kind == "done":
            with tally.lock:
                tally.done += 1
            self.progress(tally.tick(message=_done_line(event.item, event.result)))
        elif event.kind == "rate_limited":
            self.progress(
                tally.tick(
                    waiting=event.wait,
                    message=f"#{event.item}: GitHub's rate limit answered; every worker "
                    f"pauses {event.wait:.0f} s, then the plan is tried again",
                )
            )
        else:
            self.progress(tally.tick(waiting=event.wait))


def _summarise(
    base: BacklogResult,
    skipped: Counter[str],
    attempts: Mapping[int, list[TriggerResult]],
    ran: PacedRun[int, TriggerResult],
    repairs: set[int],
) -> BacklogResult:
    done, not_started = ran.done, ran.not_started
    dispatched: list[int] = []
    failed: list[PlanFailure] = []
    counts = Counter(skipped)
    for number, final in done:
        if any(r.workflow_triggered for r in attempts.get(number, [])):
            dispatched.append(number)
        if not final.success:
            failure = final.failure or Failure("", "failed")
            failed.append(
                PlanFailure(number, replace(failure, detail=failure.detail or failure.error))
            )
        elif not final.workflow_triggered and number not in dispatched:
            # the header now records a run it did not, or the fresh read decided otherwise
            counts["run_recorded" if number in repairs else "not_needed_any_more"] += 1
    if not_started:
        counts["interrupted"] += len(not_started)
    return replace(
        base,
        dispatched=tuple(dispatched),
        skipped=dict(counts),
        failed=tuple(failed),
        results=tuple(final for _, final in done),
        not_started=tuple(not_started),
        interrupted=ran.interrupted,
    )


def _done_line(number: int | None, result: TriggerResult | None) -> str:
    if result is None:
        return f"#{number}: done"
    if not result.success:
        return f"#{number}: failed: {result.error} ({result.error_type})"
    if result.workflow_triggered:
        return f"#{number}: dispatched {result.workflow_run_url or '(run not found yet)'}"
    return f"#{number}: not dispatched: {result.reason}"
