"""The land task. The work is imported when the task runs, so `invoke --list` stays fast."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from invoke.context import Context
from invoke.tasks import task

from learnlib.tasks import REPO_HELP, SANDBOX_HELP

if TYPE_CHECKING:
    from learnlib.land import LandOptions, LandResult


@task(
    optional=["pr", "issue", "merge_method", "repo", "wait_timeout"],
    help={
        "pr": "Pull request number (default: the pull request of the current branch).",
        "issue": "Plan issue (default: the branch's P<N>- prefix, else `Closes #N` in the body).",
        "learn": "Trigger async learn after the merge without asking.",
        "no-learn": "Do not trigger async learn.",
        "merge-method": "squash, merge or rebase (default: config land.merge_method, squash).",
        "delete-branch": "Delete the head branch after the merge (default: land.delete_branch).",
        "repo": REPO_HELP,
        "dry-run": "Read and check the PR and the plan; merge, dispatch and edit nothing.",
        "sandbox": SANDBOX_HELP,
        "wait": "Follow the learn run the landing started to its end; exit 1 unless it succeeded.",
        "wait-timeout": "Seconds --wait follows the run (default: config learn.wait_timeout).",
    },
)
def land(
    c: Context,
    *,
    pr: str | None = None,
    issue: str | None = None,
    learn: bool = False,
    no_learn: bool = False,
    merge_method: str | None = None,
    delete_branch: bool = False,
    repo: str | None = None,
    dry_run: bool = False,
    sandbox: bool = False,
    wait: bool = False,
    wait_timeout: str | None = None,
) -> None:
    """Merge a plan's pull request, then trigger async learn for its plan issue."""
    from learnlib import task_runtime as rt
    from learnlib.land import land as land_pull_request
    from learnlib.results import land_payload, land_usage_error_payload
    from learnlib.tasks.wait import follow_trigger, with_wait
    from learnlib.tasks.wait import wait_timeout as timeout_of

    config = c.config.learn
    try:
        options = land_options(
            c.config,
            pr=pr,
            issue=issue,
            learn=learn,
            no_learn=no_learn,
            merge_method=merge_method,
            delete_branch=delete_branch,
            dry_run=dry_run,
        )
        repository = rt.repository(rt.text(repo, "--repo") or config.repo)
        if options.pr_number is None and (repository or sandbox):
            raise rt.UsageError(
                "--pr is required with --repo, learn.repo or --sandbox: gh finds the current "
                "branch's pull request only in this checkout's repository"
            )
        ask = ask_on_terminal if sys.stdin.isatty() and sys.stderr.isatty() else None
        timeout = timeout_of(wait_timeout, config.wait_timeout)
        with rt.github(config, repository, sandbox=sandbox) as gh:
            result = land_pull_request(gh, options, ask=ask, progress=rt.say)
            followed = follow_trigger(gh, result.learn, timeout, rt.say) if wait else None
    except rt.UsageError as error:
        rt.say(f"error: {error}")
        return rt.finish(land_usage_error_payload(str(error)), 2)
    except Exception as error:  # a bug: still one JSON object, not a traceback
        return rt.internal_failure(error)
    tell(result)
    payload = land_payload(result)
    if wait and result.success:
        payload = with_wait(payload, followed)
        if followed is not None and not followed.succeeded:
            rt.say(f"error: {payload['error']}: {followed.detail}")
    rt.finish(payload, 0 if payload["success"] else 1)


def land_options(
    config: Any,
    *,
    pr: str | None,
    issue: str | None,
    learn: bool,
    no_learn: bool,
    merge_method: str | None,
    delete_branch: bool,
    dry_run: bool,
) -> LandOptions:
    """The options, each from its flag else from the configuration, checked."""
    from learnlib import task_runtime as rt
    from learnlib.land import MERGE_METHODS, LandOptions

    if learn and no_learn:
        raise rt.UsageError("--learn and --no-learn cannot be used together")
    given_method = rt.text(merge_method, "--merge-method")
    method = (given_method or str(config.land.merge_method)).strip().lower()
    if method not in MERGE_METHODS:
        where = "--merge-method" if given_method else "configuration land.merge_method"
        raise rt.UsageError(f"{where} must be one of {', '.join(MERGE_METHODS)}, got {method!r}")
    learn_config = config.learn
    return LandOptions(
        pr_number=rt.positive_int(pr, "--pr") if rt.text(pr, "--pr").strip() else None,
        plan_issue=rt.positive_int(issue, "--issue") if rt.text(issue, "--issue").strip() else None,
        learn=True if learn else False if no_learn else None,
        learn_on_land=config_flag(learn_config.on_land, "learn.on_land"),
        merge_method=method,
        delete_branch=delete_branch or config_flag(config.land.delete_branch, "land.delete_branch"),
        dry_run=dry_run,
        learn_options=rt.learn_options(learn_config),
    )


def config_flag(value: object, name: str) -> bool:
    """A configured yes/no (a string from a YAML file is accepted too)."""
    from learnlib import task_runtime as rt

    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0", ""):
        return False
    raise rt.UsageError(f"configuration {name} must be true or false, got {value!r}")


def ask_on_terminal(plan_issue: int) -> bool:
    """Ask on stderr, answer on stdin: empty, y or yes mean yes; end of input means no."""
    sys.stderr.write(f"Trigger async learn for plan #{plan_issue}? [Y/n] ")
    sys.stderr.flush()
    answer = sys.stdin.readline()
    return bool(answer) and answer.strip().lower() in ("", "y", "yes")


def tell(result: LandResult) -> None:
    """Warnings and the learning's outcome, in words, on stderr."""
    from learnlib.task_runtime import say

    if not result.success:
        say(f"error: {result.error}" + (f" ({result.detail})" if result.detail else ""))
    for warning in result.warnings:
        say(f"warning: {warning}")
    trigger = result.learn
    if trigger is None:
        if result.success:
            say(f"Async learn skipped: {result.learn_skipped}")
        return
    for warning in trigger.warnings:
        say(f"warning: async learn: {warning}")
    plan = f"plan #{trigger.issue_number}"
    if not trigger.success:
        outcome = "would fail" if result.dry_run else "failed (the pull request stays merged)"
        say(f"warning: async learn for {plan} {outcome}: {trigger.error} ({trigger.detail})")
    elif trigger.reason is not None:
        say(f"Async learn not triggered for {plan}: {trigger.reason}")
    elif trigger.workflow_triggered:
        say(f"Async learn triggered for {plan}: {trigger.workflow_run_url or 'run not found yet'}")
