"""The record-learn task: write erk's learn fields into a plan header, nothing dispatched."""

from __future__ import annotations

from typing import Any

from invoke.context import Context

from learnlib.tasks import QUIET_HELP, REPO_HELP, SANDBOX_HELP, learnlib_task


@learnlib_task(
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
        "quiet": QUIET_HELP,
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
    quiet: bool = False,
) -> None:
    """Write erk's learn fields into a plan header (the learn workflow's last step; a repair)."""
    from learnlib.tasks import runtime as rt

    console = rt.Console(quiet)
    payload: dict[str, Any] = {"issue_number": rt.number_or_none(issue)}

    def body() -> None:
        from learnlib.tasks.results import record_payload
        from learnlib.usecases.record import RecordRequest, record_plan

        config = rt.settings(c, console)
        request = RecordRequest(
            issue_number=rt.positive_int(issue, "--issue"),
            status=rt.text(status, "--status").strip(),
            run_id=_optional_int(run_id, "--run-id", largest=rt.MAX_RUN_ID),
            learn_plan_issue=_optional_int(learn_plan_issue, "--learn-plan-issue"),
            learn_plan_pr=_optional_int(learn_plan_pr, "--learn-plan-pr"),
            label=config.text("learn.label"),
            dry_run=dry_run,
        )
        if not request.status:
            raise rt.UsageError("--status is required (one of erk's six learn statuses)")
        repository = rt.configured_repository(repo, config)
        with rt.github(config, repository, sandbox=sandbox, console=console) as gh:
            result = record_plan(gh, request, progress=console.progress)
        for warning in result.warnings:
            console.warning(warning)
        if not result.success:
            console.error(result.error or "failed", result.detail)
        elif result.dry_run:
            console.progress("Dry run: nothing written. The header edit:")
            console.block(result.diff or "(no change)\n")
        rt.finish(record_payload(result), 0 if result.success else 1)

    rt.guarded(body, payload, interrupt_detail="nothing is half-written (a body is sent whole)")


def _optional_int(value: object, option: str, *, largest: int | None = None) -> int | None:
    from learnlib.tasks import runtime as rt

    if value is None:
        return None
    return rt.positive_int(value, option, largest=largest or rt.MAX_NUMBER)
