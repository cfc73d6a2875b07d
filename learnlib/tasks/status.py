"""The learn-status task: every plan, its learn state and run, and what the trigger would do."""

from __future__ import annotations

from typing import Any

from invoke.context import Context

from learnlib.tasks import Flags, learnlib_task, shared, switch, value
from learnlib.tasks.console import Console
from learnlib.tasks.finish import run_task

STATES = ("open", "closed", "all")


@learnlib_task(
    {
        "issue": value("Only this plan issue (repeat for several); default: every plan listed."),
        "state": value("open, closed or all (default: config status.state, open)."),
        "limit": value("Most plans to list (default: config status.limit, 500)."),
        "json": switch("Print JSON even on a terminal."),
        "sessions": switch(
            "Also read the session artifact of every plan it would dispatch (a request each), "
            "as the trigger does."
        ),
        **shared("repo", "sandbox"),
    },
    iterable=["issue"],
)
def learn_status(c: Context, **given: Any) -> None:
    """Show every plan's learn status and run, and what trigger-async-learn would do now."""
    run_task(
        run_status,
        c,
        Flags(given),
        {},
        interrupt_detail="nothing was written (learn-status only reads)",
    )


def run_status(c: Context, console: Console, flags: Flags) -> None:
    """Resolve the options, survey the plans, print a table (a terminal) or the JSON."""
    import sys

    from learnlib.gh.runner import GhError
    from learnlib.tasks import options as opt
    from learnlib.tasks.ci_outputs import write_step_summary
    from learnlib.tasks.client import github
    from learnlib.tasks.config import read_settings
    from learnlib.tasks.console import say
    from learnlib.tasks.finish import finish, stop
    from learnlib.tasks.render import (
        ERROR_LISTING,
        listing_failure,
        status_markdown,
        status_payload,
        status_table,
    )
    from learnlib.usecases.status import survey_plans

    settings = read_settings(c.config, warn=console.warning)
    numbers = [opt.positive_int(number, "--issue") for number in flags["issue"] or []]
    state = opt.configured(flags, "state", settings, "status.state", opt.choice(STATES))
    limit = opt.configured(flags, "limit", settings, "status.limit", opt.count)
    repository = opt.repository_of(flags, settings)
    learn = opt.learn_options(settings)
    try:
        with github(settings, repository, sandbox=flags.on("sandbox"), console=console) as gh:
            report = survey_plans(
                gh,
                label=learn.label,
                workflow=learn.workflow,
                state=state,
                limit=limit,
                issues=numbers,
                max_failed_runs=learn.max_failed_runs,
                check_session_artifact=learn.check_session_artifact,
                sessions=flags.on("sessions"),
            )
    except GhError as error:
        console.error(ERROR_LISTING, error.detail)
        stop(listing_failure(error))
    write_step_summary(status_markdown(report), warn=say)
    if sys.stdout.isatty() and not flags.on("json"):
        sys.stdout.write(status_table(report))
        sys.stdout.flush()
        return
    finish(status_payload(report), 0)
