"""The land task. The work is imported when the task runs, so `--list` stays fast."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from invoke.context import Context

from learnlib.tasks import QUIET_HELP, REPO_HELP, SANDBOX_HELP, learnlib_task

if TYPE_CHECKING:
    from learnlib.tasks.config import Settings
    from learnlib.tasks.runtime import Console
    from learnlib.usecases.land import LandOptions, LandResult


@learnlib_task(
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
        "quiet": QUIET_HELP,
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
    quiet: bool = False,
    wait: bool = False,
    wait_timeout: str | None = None,
) -> None:
    """Merge a plan's pull request, then trigger async learn for its plan issue."""
    from learnlib.tasks import runtime as rt
    from learnlib.tasks.results import land_error_base

    console = rt.Console(quiet)

    def body() -> None:
        from learnlib.tasks.ci_outputs import write_land_outputs
        from learnlib.tasks.results import land_payload
        from learnlib.tasks.wait import follow_trigger, with_wait
        from learnlib.tasks.wait import wait_timeout as timeout_of
        from learnlib.usecases.land import land_pull_request

        config = rt.settings(c, console)
        options = land_options(
            config,
            pr=pr,
            issue=issue,
            learn=learn,
            no_learn=no_learn,
            merge_method=merge_method,
            delete_branch=delete_branch,
            dry_run=dry_run,
        )
        repository = rt.configured_repository(repo, config)
        if options.pr_number is None and (repository or sandbox):
            raise rt.UsageError(
                "--pr is required with --repo, learn.repo or --sandbox: gh finds the current "
                "branch's pull request only in this checkout's repository"
            )
        ask = ask_on_terminal if sys.stdin.isatty() and sys.stderr.isatty() else None
        timeout = timeout_of(wait_timeout, config)
        with rt.github(config, repository, sandbox=sandbox, console=console) as gh:
            result = land_pull_request(gh, options, ask=ask, progress=console.progress)
            tell(result, console)
            followed = None
            if wait and not result.interrupted:
                followed = follow_trigger(gh, result.learn, timeout, console.progress)
        write_land_outputs(result, warn=rt.say)
        if result.interrupted:
            console.error("interrupted (Ctrl-C) after the merge; async learn was skipped")
            return rt.finish(land_payload(result), rt.INTERRUPTED)
        payload = land_payload(result)
        if wait and result.success:
            payload = with_wait(payload, followed)
            if followed is not None and not followed.succeeded:
                console.error(payload["error"], followed.detail)
        rt.finish(payload, 0 if payload["success"] else 1)

    rt.guarded(
        body,
        land_error_base(rt.number_or_none(pr)),
        interrupt_detail="if gh was merging, the pull request may be merged: check it",
        interrupt_payload={**land_error_base(rt.number_or_none(pr)), "merged": None},
    )


def land_options(
    config: Settings,
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
    from learnlib.tasks import runtime as rt
    from learnlib.usecases.land import MERGE_METHODS, LandOptions

    if learn and no_learn:
        raise rt.UsageError("--learn and --no-learn cannot be used together")
    given_method = rt.text(merge_method, "--merge-method").strip()
    method = (given_method or config.text("land.merge_method")).lower()
    if method not in MERGE_METHODS:
        where = "--merge-method" if given_method else "configuration land.merge_method"
        error = rt.UsageError if given_method else rt.ConfigError
        raise error(f"{where} must be one of {', '.join(MERGE_METHODS)}, got {method!r}")
    return LandOptions(
        pr_number=rt.positive_int(pr, "--pr") if rt.text(pr, "--pr").strip() else None,
        plan_issue=rt.positive_int(issue, "--issue") if rt.text(issue, "--issue").strip() else None,
        learn=True if learn else False if no_learn else None,
        learn_on_land=config.flag("learn.on_land"),
        merge_method=method,
        delete_branch=delete_branch or config.flag("land.delete_branch"),
        dry_run=dry_run,
        learn_options=rt.learn_options(config),
    )


def ask_on_terminal(plan_issue: int) -> bool:
    """Ask on stderr, answer on stdin: empty, y or yes mean yes; end of input means no."""
    sys.stderr.write(f"Trigger async learn for plan #{plan_issue}? [Y/n] ")
    sys.stderr.flush()
    answer = sys.stdin.readline()
    return bool(answer) and answer.strip().lower() in ("", "y", "yes")


def tell(result: LandResult, console: Console) -> None:
    """Warnings and the learning's outcome, in words, on stderr."""
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
    elif trigger.reason is not None:
        console.progress(f"Async learn not triggered for {plan}: {trigger.reason}")
    elif trigger.workflow_triggered:
        url = trigger.workflow_run_url or "run not found yet"
        console.progress(f"Async learn triggered for {plan}: {url}")
