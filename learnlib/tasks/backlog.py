"""The learn-backlog task: trigger async learn, paced, for every landed plan that needs it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from invoke.context import Context

from learnlib.tasks import Flags, learnlib_task, shared, switch, value
from learnlib.tasks.console import Console
from learnlib.tasks.finish import run_task

if TYPE_CHECKING:
    from learnlib.tasks.config import Settings
    from learnlib.usecases.backlog import BacklogOptions

STATES = ("closed", "all", "open")


@learnlib_task(
    {
        "state": value(
            "closed, all or open (default: config backlog.state, closed: landed plans)."
        ),
        "limit": value("Most plans to list (default: config backlog.limit, 500)."),
        "max_dispatches": value("Dispatch at most this many plans in this run."),
        "rate": value("Most dispatches a minute (default: config backlog.rate, 20); 0: no limit."),
        "concurrency": value("Plans triggered at once (default: config backlog.concurrency, 4)."),
        "dry_run": switch("List what would be dispatched; dispatch and write nothing."),
        **shared("repo", "workflow", "ref", "sandbox"),
    }
)
def learn_backlog(c: Context, **given: Any) -> None:
    """Trigger async learn for every listed plan that needs it, paced under GitHub's limits."""
    run_task(
        run_backlog,
        c,
        Flags(given),
        {},
        interrupt_detail="interrupted while listing the plans: no plan was triggered",
    )


def run_backlog(c: Context, console: Console, flags: Flags) -> None:
    """Resolve the options, work the backlog under a progress bar, print."""
    import sys
    from contextlib import closing

    from learnlib.gh.runner import GhError
    from learnlib.tasks import options as opt
    from learnlib.tasks.client import github
    from learnlib.tasks.config import read_settings
    from learnlib.tasks.console import ProgressBar, say
    from learnlib.tasks.errors import EXIT_INTERRUPTED
    from learnlib.tasks.finish import finish, stop
    from learnlib.tasks.render import (
        ERROR_LISTING,
        backlog_payload,
        backlog_summary_line,
        listing_failure,
    )
    from learnlib.usecases.backlog import work_backlog

    settings = read_settings(c.config, warn=console.warning)
    options = backlog_options(settings, flags)
    repository = opt.repository_of(flags, settings)
    bar = ProgressBar(sys.stderr)
    try:  # the bar's line ends before anything else is said (the sandbox's edits, an error)
        with (
            github(settings, repository, sandbox=flags.on("sandbox"), console=console) as gh,
            closing(bar),
        ):
            result = work_backlog(gh, options, progress=bar)
    except GhError as error:
        console.error(ERROR_LISTING, error.detail)
        stop(listing_failure(error))
    say(backlog_summary_line(result))
    code = EXIT_INTERRUPTED if result.interrupted else 0 if result.success else 1
    finish(backlog_payload(result), code)


def backlog_options(settings: Settings, flags: Flags) -> BacklogOptions:
    """The backlog's options, each from its flag else from the configuration, checked."""
    from learnlib.tasks import options as opt
    from learnlib.usecases.backlog import BacklogOptions

    def backlog(name: str, check: opt.Check[opt.T]) -> opt.T:
        return opt.configured(flags, name, settings, f"backlog.{name}", check)

    return BacklogOptions(
        learn=opt.learn_options(settings, flags),
        state=backlog("state", opt.choice(STATES)),
        limit=backlog("limit", opt.count),
        max_dispatches=opt.flag_value(flags["max_dispatches"], "--max-dispatches", opt.count),
        rate=backlog("rate", opt.rate),
        concurrency=backlog("concurrency", opt.count),
        backoff=settings.number("backlog.rate_limit_backoff"),
        backoff_max=settings.number("backlog.rate_limit_backoff_max"),
        rate_limit_attempts=settings.count("backlog.rate_limit_attempts"),
        plan_deadline=settings.number("learn.deadline"),
        dry_run=flags.on("dry_run"),
    )
