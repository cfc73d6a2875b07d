"""The learn-backlog task: trigger async learn, paced, for every landed plan that needs it."""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Any, TextIO

from invoke.context import Context

from learnlib.tasks import REPO_HELP, SANDBOX_HELP, learnlib_task

if TYPE_CHECKING:
    from learnlib.tasks.config import Settings
    from learnlib.usecases.backlog import BacklogOptions, BacklogResult, Tick

STATES = ("closed", "all", "open")


@learnlib_task(
    optional=["state", "limit", "max_dispatches", "rate", "concurrency", "repo", "workflow", "ref"],
    help={
        "state": "closed, all or open (default: config backlog.state, closed: landed plans).",
        "limit": "Most plans to list (default: config backlog.limit, 500).",
        "max-dispatches": "Dispatch at most this many plans in this run.",
        "rate": "Most dispatches a minute (default: config backlog.rate, 20); 0: no limit.",
        "concurrency": "Plans triggered at once (default: config backlog.concurrency, 4).",
        "dry-run": "List what would be dispatched; dispatch and write nothing.",
        "repo": REPO_HELP,
        "workflow": "Workflow file to dispatch (default: config learn.workflow).",
        "ref": "Git ref to run the workflow on (default: config learn.ref, else default branch).",
        "sandbox": SANDBOX_HELP,
    },
)
def learn_backlog(
    c: Context,
    state: str | None = None,
    limit: str | None = None,
    max_dispatches: str | None = None,
    rate: str | None = None,
    concurrency: str | None = None,
    dry_run: bool = False,
    repo: str | None = None,
    workflow: str | None = None,
    ref: str | None = None,
    sandbox: bool = False,
) -> None:
    """Trigger async learn for every listed plan that needs it, paced under GitHub's limits."""
    from learnlib.tasks import runtime as rt

    console = rt.Console()

    def body() -> None:
        from learnlib.gh.runner import GhError
        from learnlib.tasks.status import listing_failure
        from learnlib.usecases.backlog import work_backlog

        config = rt.settings(c, console)
        options = backlog_options(
            config,
            state=state,
            limit=limit,
            max_dispatches=max_dispatches,
            rate=rate,
            concurrency=concurrency,
            dry_run=dry_run,
            workflow=workflow,
            ref=ref,
        )
        repository = rt.configured_repository(repo, config)
        shown = Progress(sys.stderr)
        try:
            with rt.github(config, repository, sandbox=sandbox, console=console) as gh:
                result = work_backlog(gh, options, progress=shown)
        except GhError as error:
            shown.close()
            console.error("Could not list the plans and their runs", error.detail)
            return rt.finish(listing_failure(error), 1)
        finally:
            shown.close()
        rt.say(summary_line(result))
        code = rt.INTERRUPTED if result.interrupted else 0 if result.success else 1
        rt.finish(backlog_payload(result), code)

    rt.guarded(
        body,
        {},
        interrupt_detail="interrupted while listing the plans: no plan was triggered",
    )


def backlog_options(
    config: Settings,
    *,
    state: str | None,
    limit: str | None,
    max_dispatches: str | None,
    rate: str | None,
    concurrency: str | None,
    dry_run: bool,
    workflow: str | None,
    ref: str | None,
) -> BacklogOptions:
    """The backlog's options, each from its flag else from the configuration, checked."""
    from learnlib.tasks import runtime as rt
    from learnlib.tasks.status import flag_or_config_choice
    from learnlib.usecases.backlog import BacklogOptions

    def count(flag: str | None, option: str, key: str) -> int:
        given = rt.text(flag, option).strip()
        return rt.positive_int(given, option) if given else config.count(key)

    most = rt.text(max_dispatches, "--max-dispatches").strip()
    given_rate = rt.text(rate, "--rate").strip()
    return BacklogOptions(
        learn=rt.learn_options(config, workflow=workflow, ref=ref),
        state=flag_or_config_choice(
            state, "--state", config.text("backlog.state"), "backlog.state", STATES
        ),
        limit=count(limit, "--limit", "backlog.limit"),
        max_dispatches=rt.positive_int(most, "--max-dispatches") if most else None,
        rate=_rate(given_rate) if given_rate else config.number("backlog.rate"),
        concurrency=count(concurrency, "--concurrency", "backlog.concurrency"),
        backoff=config.number("backlog.rate_limit_backoff"),
        backoff_max=config.number("backlog.rate_limit_backoff_max"),
        rate_limit_attempts=config.count("backlog.rate_limit_attempts"),
        plan_deadline=config.number("learn.deadline"),
        dry_run=dry_run,
    )


def _rate(value: str) -> float | None:
    """--rate: dispatches a minute, a finite number > 0, or 0 for no limit."""
    from learnlib.tasks import runtime as rt

    try:
        parsed = float(value)
    except ValueError:
        parsed = -1.0
    if not 0 <= parsed < float("inf"):
        raise rt.UsageError(
            f"--rate must be a number of dispatches a minute (0: no limit), got {value!r}"
        )
    return parsed or None


def backlog_payload(result: BacklogResult) -> dict[str, Any]:
    """`{"success", "plans_listed", "dispatched", "skipped", "failed", "results"}` (+ dry run)."""
    from learnlib.tasks.results import trigger_payload

    payload: dict[str, Any] = {
        "success": result.success,
        "plans_listed": result.plans_listed,
        "dispatched": list(result.dispatched),
        "skipped": dict(result.skipped),
        "failed": [
            {"issue_number": f.issue_number, "error_type": f.error_type, "detail": f.detail}
            for f in result.failed
        ],
        "results": [trigger_payload(r) for r in result.results],
    }
    payload["complete"] = result.complete
    if not result.complete:
        payload["why_incomplete"] = list(result.why)
    if result.dry_run:
        payload |= {"dry_run": True, "would_dispatch": list(result.planned)}
    if result.interrupted:
        payload |= {"interrupted": True, "not_started": list(result.not_started)}
    return payload


def summary_line(result: BacklogResult) -> str:
    short = "" if result.complete else f" (listing incomplete: {'; '.join(result.why)})"
    if result.dry_run:
        return f"{result.plans_listed} plans listed; would dispatch {len(result.planned)}" + short
    skipped = sum(result.skipped.values())
    line = (
        f"{result.plans_listed} plans listed: {len(result.dispatched)} dispatched, "
        f"{len(result.failed)} failed, {skipped} skipped"
    )
    return (
        line
        + short
        + (
            " (interrupted: plans in flight finished, no new one started)"
            if result.interrupted
            else ""
        )
    )


class Progress:
    """A one-line bar on a terminal; plain lines (messages only) otherwise."""

    WIDTH = 24

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.bar = out.isatty()
        self.lock = threading.Lock()
        self.drawn = False

    def __call__(self, tick: Tick) -> None:
        with self.lock:
            if self.bar:
                self.out.write("\r\x1b[K")
                if tick.message:
                    self.out.write(tick.message + "\n")
                self.out.write(self.line(tick))
                self.drawn = True
            elif tick.message:
                self.out.write(f"[{tick.done}/{tick.total}] {tick.message}\n")
            self.out.flush()

    def line(self, tick: Tick) -> str:
        filled = self.WIDTH * tick.done // max(1, tick.total)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        text = (
            f"[{bar}] {tick.done}/{tick.total}  dispatched {tick.dispatched}  failed {tick.failed}"
        )
        if tick.waiting > 0:
            text += f"  waiting {tick.waiting:.0f} s for GitHub's rate limit"
        return text

    def close(self) -> None:
        with self.lock:
            if self.drawn:
                self.out.write("\n")
                self.out.flush()
                self.drawn = False
