"""The trigger-async-learn task: options in, one JSON object out, people's words on stderr."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from invoke.context import Context

from learnlib.tasks import Flags, learnlib_task, shared, switch, value
from learnlib.tasks.console import Console
from learnlib.tasks.finish import run_task
from learnlib.tasks.options import number_or_none

if TYPE_CHECKING:
    from learnlib.gh.runner import GitHubCli
    from learnlib.usecases.trigger import TriggerResult


@learnlib_task(
    {
        "issue": value("Plan issue number, e.g. 5406 (or --pr)."),
        "pr": value(
            "A merged pull request: its plan issue, by land's rule (P<N>- branch, Closes #N)."
        ),
        **shared("repo", "workflow", "ref"),
        "force": switch("Dispatch even when learn_status is already pending or completed."),
        "dry_run": switch(
            "Read and check everything, print the header diff; dispatch and edit nothing."
        ),
        **shared("sandbox", "quiet"),
        "wait": switch(
            "After the dispatch, follow the run to its end; exit 1 unless it succeeded."
        ),
        **shared("wait_timeout"),
    }
)
def trigger_async_learn(c: Context, **given: Any) -> None:
    """Dispatch the async learn workflow for a plan issue and mark its plan header pending."""
    flags = Flags(given)
    asked: dict[str, Any] = {"issue_number": number_or_none(flags["issue"])}
    if flags["pr"] is not None:
        asked["pr_number"] = number_or_none(flags["pr"])
    run_task(
        run_trigger,
        c,
        flags,
        asked,
        interrupt_detail="nothing is half-written (a body is sent whole); if a dispatch had "
        "started, the plan header may not say pending yet: check the workflow's runs",
    )


def run_trigger(c: Context, console: Console, flags: Flags) -> None:
    """Resolve the options, trigger (after --pr's lookup), follow with --wait, print."""
    from learnlib.tasks import options as opt
    from learnlib.tasks.ci_outputs import write_actions_outputs
    from learnlib.tasks.client import github
    from learnlib.tasks.config import read_settings
    from learnlib.tasks.console import say
    from learnlib.tasks.finish import finish
    from learnlib.tasks.render import trigger_payload
    from learnlib.tasks.wait import check_wait, follow, wait_timeout, waited
    from learnlib.usecases.trigger import trigger_plan

    issue_number, pr_number = issue_or_pr(flags["issue"], flags["pr"])
    check_wait(flags)
    settings = read_settings(c.config, warn=console.warning)
    learn = opt.learn_options(settings, flags, force=flags.on("force"), dry_run=flags.on("dry_run"))
    repository = opt.repository_of(flags, settings)
    timeout = wait_timeout(flags, settings)
    with github(settings, repository, sandbox=flags.on("sandbox"), console=console) as gh:
        if pr_number is not None:
            issue_number = plan_of_pr(gh, pr_number, console)
        result = trigger_plan(gh, issue_number, learn, progress=console.progress)
        tell(result, console)
        write_actions_outputs(result, warn=say)
        payload = trigger_payload(result, pr_number)
        if flags.on("wait"):
            outcome = follow(gh, result, timeout, console, stopped=lambda: payload)
            payload = waited(payload, outcome, console)
    finish(payload, 0 if payload["success"] else 1)


def issue_or_pr(issue: str | None, pr: str | None) -> tuple[int, int | None]:
    """--issue's number, or --pr's (the issue found later: 0 until then); exactly one."""
    from learnlib.tasks.errors import UsageError
    from learnlib.tasks.options import positive_int

    if issue is not None and pr is not None:
        raise UsageError("--issue and --pr cannot be used together: give one")
    if pr is None:
        return positive_int(issue, "--issue"), None
    return 0, positive_int(pr, "--pr")


def plan_of_pr(gh: GitHubCli, pr_number: int, console: Console) -> int:
    """The plan issue of a merged pull request; a refusal ends the task (exit 1)."""
    from learnlib.tasks.finish import stop
    from learnlib.tasks.render import trigger_refusal_payload
    from learnlib.usecases.failures import Refusal
    from learnlib.usecases.land import plan_of_merged_pr

    console.progress(f"Reading pull request #{pr_number}")
    try:
        issue_number = plan_of_merged_pr(gh, pr_number)
    except Refusal as refusal:
        console.error(refusal.error, refusal.detail)
        stop(trigger_refusal_payload(pr_number, refusal.error, refusal.error_type, refusal.detail))
    console.progress(f"Pull request #{pr_number} is merged; its plan is #{issue_number}")
    return issue_number


def tell(result: TriggerResult, console: Console) -> None:
    """The outcome in words on stderr: the diff of a dry run, warnings, an `error:` line."""
    from learnlib.tasks.render import dispatched_nothing, trigger_advice

    for warning in result.warnings:
        console.warning(warning)
    plan = f"plan #{result.issue_number}"
    if not result.success:
        console.error(result.error or "failed", result.detail)
        if (advice := trigger_advice(result)) is not None:
            console.error(advice)
    elif result.dry_run:
        console.progress(
            f"Dry run for {plan}: nothing dispatched, nothing written. The header edit:"
        )
        console.block(result.diff or "(no change)\n")
    elif dispatched_nothing(result):
        console.progress(f"Nothing dispatched for {plan}: {result.reason or 'no reason given'}")
    else:
        run = result.workflow_run_url or "its run was not found yet"
        why = f" ({result.reason})" if result.reason else ""
        console.progress(f"Async learn dispatched for {plan}{why}: {run}")
