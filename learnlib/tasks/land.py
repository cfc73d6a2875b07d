"""The land task. The work is imported when the task runs, so `--list` stays fast."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from invoke.context import Context

from learnlib.tasks import Flags, learnlib_task, shared, switch, value
from learnlib.tasks.console import Console
from learnlib.tasks.errors import EXIT_INTERRUPTED, UsageError
from learnlib.tasks.finish import run_task
from learnlib.tasks.options import number_or_none

if TYPE_CHECKING:
    from learnlib.tasks.config import Settings
    from learnlib.usecases.land import LandOptions, LandResult


@learnlib_task(
    {
        "pr": value("Pull request number (default: the pull request of the current branch)."),
        "issue": value(
            "Plan issue (default: the branch's P<N>- prefix, else `Closes #N` in the body)."
        ),
        "learn": switch("Trigger async learn after the merge without asking."),
        "no_learn": switch("Do not trigger async learn."),
        "merge_method": value(
            "squash, merge or rebase (default: config land.merge_method, squash)."
        ),
        "delete_branch": switch(
            "Delete the head branch after the merge (default: land.delete_branch)."
        ),
        **shared("repo"),
        "dry_run": switch("Read and check the PR and the plan; merge, dispatch and edit nothing."),
        **shared("sandbox", "quiet"),
        "wait": switch(
            "Follow the learn run the landing started to its end; exit 1 unless it succeeded."
        ),
        **shared("wait_timeout"),
    }
)
def land(c: Context, **given: Any) -> None:
    """Merge a plan's pull request, then trigger async learn for its plan issue."""
    asked = {"pr_number": number_or_none(given.get("pr")), "merged": False}
    run_task(
        run_land,
        c,
        Flags(given),
        asked,
        interrupt_detail="if gh was merging, the pull request may be merged: check it",
        interrupt_payload={**asked, "merged": None},
    )


def run_land(c: Context, console: Console, flags: Flags) -> None:
    """Resolve the options, land, follow the learn run with --wait, print."""
    from learnlib.tasks import options as opt
    from learnlib.tasks.ci_outputs import write_land_outputs
    from learnlib.tasks.client import github
    from learnlib.tasks.config import read_settings
    from learnlib.tasks.console import say
    from learnlib.tasks.finish import finish
    from learnlib.tasks.render import land_payload
    from learnlib.tasks.wait import check_wait, follow, wait_timeout, waited
    from learnlib.usecases.land import land_pull_request

    check_wait(flags)
    settings = read_settings(c.config, warn=console.warning)
    options = land_options(settings, flags)
    repository = opt.repository_of(flags, settings)
    if options.pr_number is None and (repository or flags.on("sandbox")):
        raise UsageError(
            "--pr is required with --repo, learn.repo or --sandbox: gh finds the current "
            "branch's pull request only in this checkout's repository"
        )
    timeout = wait_timeout(flags, settings)
    ask = ask_on_terminal if sys.stdin.isatty() and sys.stderr.isatty() else None
    with github(settings, repository, sandbox=flags.on("sandbox"), console=console) as gh:
        result = land_pull_request(gh, options, ask=ask, progress=console.progress)
        tell(result, console)
        write_land_outputs(result, warn=say)
        payload = land_payload(result)
        if flags.on("wait") and result.success and not result.interrupted:
            outcome = follow(gh, result.learn, timeout, console, stopped=lambda: payload)
            payload = waited(payload, outcome, console)
    if result.interrupted:
        console.error("interrupted (Ctrl-C) after the merge; async learn was skipped")
        return finish(payload, EXIT_INTERRUPTED)
    return finish(payload, 0 if payload["success"] else 1)


def land_options(settings: Settings, flags: Flags) -> LandOptions:
    """The options, each from its flag else from the configuration, checked."""
    from learnlib.tasks import options as opt
    from learnlib.usecases.land import MERGE_METHODS, LandOptions

    learn, no_learn = flags.on("learn"), flags.on("no_learn")
    if learn and no_learn:
        raise UsageError("--learn and --no-learn cannot be used together")
    return LandOptions(
        pr_number=opt.flag_value(flags["pr"], "--pr", opt.count),
        plan_issue=opt.flag_value(flags["issue"], "--issue", opt.count),
        learn=True if learn else False if no_learn else None,
        learn_on_land=settings.flag("learn.on_land"),
        merge_method=opt.configured(
            flags, "merge_method", settings, "land.merge_method", opt.choice(MERGE_METHODS)
        ),
        delete_branch=flags.on("delete_branch") or settings.flag("land.delete_branch"),
        dry_run=flags.on("dry_run"),
        learn_options=opt.learn_options(settings),
    )


def ask_on_terminal(plan_issue: int) -> bool:
    """Ask on stderr, answer on stdin: empty, y or yes mean yes; end of input means no."""
    sys.stderr.write(f"Trigger async learn for plan #{plan_issue}? [Y/n] ")
    sys.stderr.flush()
    answer = sys.stdin.readline()
    return bool(answer) and answer.strip().lower() in ("", "y", "yes")


def tell(result: LandResult, console: Console) -> None:
    """Warnings and the learning's outcome, in words, on stderr."""
    from learnlib.tasks.render import dispatched_nothing

    if not result.success:
        console.error(result.error or "failed", result.detail)
    for warning in result.warnings:
        console.warning(warning)
    trigger = result.learn
    if trigger is None:
        if result.success and not result.interrupted:
            console.progress(f"Async learn skipped: {result.learn_skipped}")
        return
    for warning in trigger.warnings:
        console.warning(f"async learn: {warning}")
    plan = f"plan #{trigger.issue_number}"
    if not trigger.success:
        outcome = "would fail" if result.dry_run else "failed (the pull request stays merged)"
        console.warning(f"async learn for {plan} {outcome}: {trigger.error} ({trigger.detail})")
    elif dispatched_nothing(trigger):
        console.progress(f"Async learn not triggered for {plan}: {trigger.reason}")
    elif trigger.workflow_triggered:
        url = trigger.workflow_run_url or "run not found yet"
        why = f" ({trigger.reason})" if trigger.reason else ""
        console.progress(f"Async learn triggered for {plan}{why}: {url}")
