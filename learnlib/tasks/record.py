"""The record-learn task."""

from __future__ import annotations

from invoke.context import Context
from invoke.tasks import task

from learnlib.tasks import REPO_HELP, SANDBOX_HELP


@task(
    optional=["issue", "status", "run_id", "learn_plan_issue", "learn_plan_pr", "repo"],
    help={
        "issue": "Plan issue number (required), e.g. 5406.",
        "status": "learn_status to write (required): not_started, pending, completed_no_plan, "
        "completed_with_plan, pending_review or plan_completed.",
        "run-id": "learn_run_id to write: the learn run's id.",
        "learn-plan-issue": "learn_plan_issue to write: the learn plan's issue number.",
        "learn-plan-pr": "learn_plan_pr to write: the learn plan's pull request number.",
        "repo": REPO_HELP,
        "dry-run": "Read and check everything, print the header diff; edit nothing.",
        "sandbox": SANDBOX_HELP,
    },
)
def record_learn(
    c: Context,
    issue: str | None = None,
    status: str | None = None,
    run_id: str | None = None,
    learn_plan_issue: str | None = None,
    learn_plan_pr: str | None = None,
    repo: str | None = None,
    dry_run: bool = False,
    sandbox: bool = False,
) -> None:
    """Write erk's learn fields into a plan header (the learn workflow's last step; a repair)."""
    from learnlib import task_runtime as rt
    from learnlib.record import RecordRequest, record_learn, record_payload

    config = c.config.learn
    try:
        request = RecordRequest(
            issue_number=rt.positive_int(issue, "--issue"),
            status=rt.text(status, "--status").strip(),
            run_id=_optional_int(run_id, "--run-id"),
            learn_plan_issue=_optional_int(learn_plan_issue, "--learn-plan-issue"),
            learn_plan_pr=_optional_int(learn_plan_pr, "--learn-plan-pr"),
            label=str(config.label),
            dry_run=dry_run,
        )
        if not request.status:
            raise rt.UsageError("--status is required (one of erk's six learn statuses)")
        repository = rt.repository(rt.text(repo, "--repo") or config.repo)
        with rt.github(config, repository, sandbox=sandbox) as gh:
            result = record_learn(gh, request, progress=rt.say)
    except rt.UsageError as error:
        return rt.usage_failure(error)
    except Exception as error:  # a bug: still one JSON object, not a traceback
        return rt.internal_failure(error)
    for warning in result.warnings:
        rt.say(f"warning: {warning}")
    rt.finish(record_payload(result), 0 if result.success else 1)


def _optional_int(value: object, option: str) -> int | None:
    from learnlib import task_runtime as rt

    return None if value is None else rt.positive_int(value, option)
