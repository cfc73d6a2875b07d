"""The learn-backlog task: trigger async learn, paced, for every landed plan that needs it."""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Any, TextIO

from invoke.context import Context
from invoke.tasks import task

from learnlib.tasks import REPO_HELP, SANDBOX_HELP

if TYPE_CHECKING:
    from learnlib.backlog import BacklogOptions, BacklogResult, Tick

STATES = ("closed", "all", "open")
INTERRUPTED = 130


@task(
    optional=["state", "limit", "max_dispatches", "rate", "concurrency", "repo", "workflow", "ref"],
    help={
        "state": "closed, all or open (default: config backlog.state, closed: landed plans).",
        "limit": "Most plans to list (default: config backlog.limit).",
        "max-dispatches": "Dispatch at most this many plans in this run.",
        "rate": "Most dispatches a minute (default: config backlog.rate, 20; 0: no limit).",
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
    from learnlib import task_runtime as rt
    from learnlib.backlog import learn_backlog as run_backlog
    from learnlib.gh.runner import GhError

    config = c.config.learn
    try:
        options = backlog_options(
            c.config,
            state=state,
            limit=limit,
            max_dispatches=max_dispatches,
            rate=rate,
            concurrency=concurrency,
            dry_run=dry_run,
            workflow=workflow,
            ref=ref,
        )
        repository = rt.repository(rt.text(repo, "--repo") or config.repo)
    except rt.UsageError as error:
        return rt.usage_failure(error)
    shown = Progress(sys.stderr)
    try:
        with rt.github(config, repository, sandbox=sandbox) as gh:
            result = run_backlog(gh, options, progress=shown)
    except KeyboardInterrupt:  # during the listing: nothing was started
        shown.close()
        rt.say("Interrupted before any plan was triggered.")
        return rt.finish(
            {"success": False, "error": "Interrupted", "error_type": "interrupted", "detail": ""},
            INTERRUPTED,
        )
    except GhError as error:
        shown.close()
        rt.say(f"error: {error}")
        failure = {
            "success": False,
            "error": "Could not list the plans and their runs",
            "error_type": error.kind,
            "detail": error.detail,
        }
        return rt.finish(failure, 1)
    except Exception as error:  # a bug: still one JSON object, not a traceback
        shown.close()
        return rt.internal_failure(error)
    shown.close()
    rt.say(summary_line(result))
    code = INTERRUPTED if result.interrupted else 0 if result.success else 1
    rt.finish(backlog_payload(result), code)


def backlog_options(
    config: Any,
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
    from learnlib import task_runtime as rt
    from learnlib.backlog import BacklogOptions
    from learnlib.tasks.status import choice

    settings = config.backlog
    given_rate = rt.text(rate, "--rate").strip()
    per_minute = _rate(given_rate or settings.rate, "--rate" if given_rate else "backlog.rate")
    most = rt.text(max_dispatches, "--max-dispatches").strip()
    return BacklogOptions(
        learn=rt.learn_options(config.learn, workflow=workflow, ref=ref),
        state=choice(rt.text(state, "--state") or settings.state, "--state", STATES),
        limit=rt.positive_int(rt.text(limit, "--limit") or str(settings.limit), "--limit"),
        max_dispatches=rt.positive_int(most, "--max-dispatches") if most else None,
        rate=per_minute,
        concurrency=rt.positive_int(
            rt.text(concurrency, "--concurrency") or str(settings.concurrency), "--concurrency"
        ),
        backoff=rt.number(settings.rate_limit_backoff, "backlog.rate_limit_backoff"),
        backoff_max=rt.number(settings.rate_limit_backoff_max, "backlog.rate_limit_backoff_max"),
        rate_limit_attempts=rt.positive_int(
            str(settings.rate_limit_attempts), "backlog.rate_limit_attempts"
        ),
        plan_deadline=rt.number(config.learn.deadline, "learn.deadline"),
        dry_run=dry_run,
    )


def _rate(value: object, name: str) -> float | None:
    """Dispatches a minute: a positive number, or 0 for no limit."""
    from learnlib import task_runtime as rt

    try:
        parsed = float(str(value).strip())
    except ValueError:
        parsed = -1.0
    if not parsed >= 0 or parsed == float("inf"):
        raise rt.UsageError(f"{name} must be a number of dispatches a minute (0: no limit)")
    return parsed or None


def backlog_payload(result: BacklogResult) -> dict[str, Any]:
    """`{"success", "plans_listed", "dispatched", "skipped", "failed", "results"}` (+ dry run)."""
    from learnlib.results import trigger_payload

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
    if result.dry_run:
        payload |= {"dry_run": True, "would_dispatch": list(result.planned)}
    if result.interrupted:
        payload |= {"interrupted": True, "not_started": list(result.not_started)}
    return payload


def summary_line(result: BacklogResult) -> str:
    if result.dry_run:
        return f"{result.plans_listed} plans listed; would dispatch {len(result.planned)}"
    skipped = sum(result.skipped.values())
    line = (
        f"{result.plans_listed} plans listed: {len(result.dispatched)} dispatched, "
        f"{len(result.failed)} failed, {skipped} skipped"
    )
    return line + (
        " (interrupted: plans in flight finished, no new one started)" if result.interrupted else ""
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
