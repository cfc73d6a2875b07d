"""The trigger-async-learn task."""

from __future__ import annotations

from invoke.context import Context
from invoke.tasks import task

from learnlib.tasks import REPO_HELP, SANDBOX_HELP


@task(
    optional=["issue", "repo", "workflow", "ref", "wait_timeout"],
    help={
        "issue": "Plan issue number (required), e.g. 5406.",
        "repo": REPO_HELP,
        "workflow": "Workflow file to dispatch (default: config learn.workflow, learn-async.yml).",
        "ref": "Git ref to run the workflow on (default: config learn.ref, else default branch).",
        "force": "Dispatch even when learn_status is already pending or completed.",
        "dry-run": "Read and check everything, print the header diff; dispatch and edit nothing.",
        "sandbox": SANDBOX_HELP,
        "wait": "After the dispatch, follow the run to its end; exit 1 unless it succeeded.",
        "wait-timeout": "Seconds --wait follows the run (default: config learn.wait_timeout).",
    },
)
def trigger_async_learn(
    c: Context,
    issue: str | None = None,
    repo: str | None = None,
    workflow: str | None = None,
    ref: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    sandbox: bool = False,
    wait: bool = False,
    wait_timeout: str | None = None,
) -> None:
    """Dispatch the async learn workflow for a plan issue and mark its plan header pending."""
    from learnlib import task_runtime as rt
    from learnlib.ci_outputs import write_actions_outputs
    from learnlib.learn import trigger_async_learn
    from learnlib.results import trigger_payload
    from learnlib.tasks.wait import follow_trigger, with_wait
    from learnlib.tasks.wait import wait_timeout as timeout_of

    config = c.config.learn
    try:
        issue_number = rt.positive_int(issue, "--issue")
        options = rt.learn_options(config, workflow=workflow, ref=ref, force=force, dry_run=dry_run)
        repository = rt.repository(rt.text(repo, "--repo") or config.repo)
        timeout = timeout_of(wait_timeout, config.wait_timeout)
        with rt.github(config, repository, sandbox=sandbox) as gh:
            result = trigger_async_learn(gh, issue_number, options, progress=rt.say)
            followed = follow_trigger(gh, result, timeout, rt.say) if wait else None
    except rt.UsageError as error:
        return rt.usage_failure(error)
    except Exception as error:  # a bug: still one JSON object, not a traceback
        return rt.internal_failure(error)
    for warning in result.warnings:
        rt.say(f"warning: {warning}")
    try:
        write_actions_outputs(result)
    except OSError as error:  # a bad $GITHUB_OUTPUT path must not hide the result
        rt.say(f"warning: could not write the GitHub Actions outputs: {error}")
    payload = trigger_payload(result)
    if wait:
        payload = with_wait(payload, followed)
        if followed is not None and not followed.succeeded:
            rt.say(f"error: {payload['error']}: {followed.detail}")
    rt.finish(payload, 0 if payload["success"] else 1)
