"""The trigger-async-learn task: options in, one JSON object out, people's words on stderr."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from invoke.context import Context

from learnlib.tasks import QUIET_HELP, REPO_HELP, SANDBOX_HELP, learnlib_task

if TYPE_CHECKING:
    from learnlib.tasks.runtime import Console
    from learnlib.usecases.trigger import TriggerResult


@learnlib_task(
    optional=["issue", "pr", "repo", "workflow", "ref", "wait_timeout"],
    help={
        "issue": "Plan issue number, e.g. 5406 (or --pr).",
        "pr": "A merged pull request: its plan issue, by land's rule (P<N>- branch, Closes #N).",
        "repo": REPO_HELP,
        "workflow": "Workflow file to dispatch (default: config learn.workflow, learn-async.yml).",
        "ref": "Git ref to run the workflow on (default: config learn.ref, else default branch).",
        "force": "Dispatch even when learn_status is already pending or completed.",
        "dry-run": "Read and check everything, print the header diff; dispatch and edit nothing.",
        "sandbox": SANDBOX_HELP,
        "quiet": QUIET_HELP,
        "wait": "After the dispatch, follow the run to its end; exit 1 unless it succeeded.",
        "wait-timeout": "Seconds --wait follows the run (default: config learn.wait_timeout).",
    },
)
def trigger_async_learn(
    c: Context,
    issue: str | None = None,
    pr: str | None = None,
    repo: str | None = None,
    workflow: str | None = None,
    ref: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    sandbox: bool = False,
    quiet: bool = False,
    wait: bool = False,
    wait_timeout: str | None = None,
) -> None:
    """Dispatch the async learn workflow for a plan issue and mark its plan header pending."""
    from learnlib.tasks import runtime as rt

    console = rt.Console(quiet)
    pr_number = rt.number_or_none(pr)
    payload: dict[str, Any] = {"issue_number": rt.number_or_none(issue)}
    if pr is not None:
        payload["pr_number"] = pr_number

    def body() -> None:
        run_trigger(
            c,
            console,
            issue=issue,
            pr=pr,
            repo=repo,
            options={"workflow": workflow, "ref": ref, "force": force, "dry_run": dry_run},
            sandbox=sandbox,
            wait=wait,
            wait_timeout=wait_timeout,
        )

    rt.guarded(
        body,
        payload,
        interrupt_detail="nothing is half-written (a body is sent whole); if a dispatch had "
        "started, the plan header may not say pending yet: check the workflow's runs",
    )


def run_trigger(
    c: Context,
    console: Console,
    *,
    issue: str | None,
    pr: str | None,
    repo: str | None,
    options: dict[str, Any],
    sandbox: bool,
    wait: bool = False,
    wait_timeout: str | None = None,
) -> None:
    from learnlib.tasks import runtime as rt
    from learnlib.tasks.ci_outputs import write_actions_outputs
    from learnlib.tasks.results import trigger_payload, trigger_refusal_payload
    from learnlib.tasks.wait import follow_trigger, with_wait
    from learnlib.tasks.wait import wait_timeout as timeout_of
    from learnlib.usecases.land import plan_of_merged_pr
    from learnlib.usecases.failures import Refusal
    from learnlib.usecases.trigger import trigger_plan

    if issue is not None and pr is not None:
        raise rt.UsageError("--issue and --pr cannot be used together: give one")
    if pr is None:
        issue_number, pr_number = rt.positive_int(issue, "--issue"), None
    else:
        issue_number, pr_number = None, rt.positive_int(pr, "--pr")
    config = rt.settings(c, console)
    workflow, ref = options.pop("workflow"), options.pop("ref")
    learn_options = rt.learn_options(config, workflow=workflow, ref=ref, **options)
    repository = rt.configured_repository(repo, config)
    timeout = timeout_of(wait_timeout, config)
    with rt.github(config, repository, sandbox=sandbox, console=console) as gh:
        if pr_number is not None:
            console.progress(f"Reading pull request #{pr_number}")
            try:
                issue_number = plan_of_merged_pr(gh, pr_number)
            except Refusal as refusal:
                console.error(refusal.error, refusal.detail)
                payload = trigger_refusal_payload(
                    pr_number, refusal.error, refusal.error_type, refusal.detail
                )
                return rt.finish(payload, 1)
            console.progress(f"Pull request #{pr_number} is merged; its plan is #{issue_number}")
        assert issue_number is not None
        result = trigger_plan(gh, issue_number, learn_options, progress=console.progress)
        tell(result, console)
        followed = follow_trigger(gh, result, timeout, console.progress) if wait else None
    write_actions_outputs(result, warn=rt.say)
    payload = trigger_payload(result, pr_number)
    if wait:
        payload = with_wait(payload, followed)
        if followed is not None and not followed.succeeded:
            console.error(payload["error"], followed.detail)
    rt.finish(payload, 0 if payload["success"] else 1)


def tell(result: TriggerResult, console: Console) -> None:
    """The outcome in words on stderr: the diff of a dry run, warnings, an `error:` line."""
    from learnlib.tasks.results import trigger_advice

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
    elif result.reason is not None:
        console.progress(f"Nothing dispatched for {plan}: {result.reason}")
    else:
        run = result.workflow_run_url or "its run was not found yet"
        console.progress(f"Async learn dispatched for {plan}: {run}")
