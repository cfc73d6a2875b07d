"""The record-learn task: write erk's learn fields into a plan header, nothing dispatched."""

from __future__ import annotations

from typing import Any

from invoke.context import Context

from learnlib.tasks import Flags, learnlib_task, shared, switch, value
from learnlib.tasks.console import Console
from learnlib.tasks.finish import run_task
from learnlib.tasks.options import number_or_none


@learnlib_task(
    {
        "issue": value("Plan issue number (required), e.g. 5406."),
        "status": value(
            "learn_status to write (required): not_started, pending, completed_no_plan, "
            "completed_with_plan, pending_review or plan_completed."
        ),
        "run_id": value("learn_run_id to write: the learn run's id."),
        "learn_plan_issue": value("learn_plan_issue to write: the learn plan's issue number."),
        "learn_plan_pr": value("learn_plan_pr to write: the learn plan's pull request number."),
        **shared("repo"),
        "dry_run": switch("Read and check everything, print the header diff; edit nothing."),
        **shared("sandbox", "quiet"),
    }
)
def record_learn(c: Context, **given: Any) -> None:
    """Write erk's learn fields into a plan header (the learn workflow's last step; a repair)."""
    run_task(
        run_record,
        c,
        Flags(given),
        {"issue_number": number_or_none(given.get("issue"))},
        interrupt_detail="nothing is half-written (a body is sent whole)",
    )


def run_record(c: Context, console: Console, flags: Flags) -> None:
    """Resolve the options, record, print."""
    from learnlib.rules.learn_state import LEARN_STATUSES
    from learnlib.tasks import options as opt
    from learnlib.tasks.client import github
    from learnlib.tasks.config import read_settings
    from learnlib.tasks.errors import UsageError
    from learnlib.tasks.finish import finish
    from learnlib.tasks.render import record_payload
    from learnlib.usecases.record import RecordRequest, record_plan

    settings = read_settings(c.config, warn=console.warning)
    request = RecordRequest(
        issue_number=opt.positive_int(flags["issue"], "--issue"),
        status=opt.flag_value(flags["status"], "--status", opt.choice(LEARN_STATUSES)) or "",
        run_id=opt.flag_value(flags["run_id"], "--run-id", opt.run_id),
        learn_plan_issue=opt.flag_value(flags["learn_plan_issue"], "--learn-plan-issue", opt.count),
        learn_plan_pr=opt.flag_value(flags["learn_plan_pr"], "--learn-plan-pr", opt.count),
        label=settings.text("learn.label"),
        dry_run=flags.on("dry_run"),
    )
    if not request.status:
        raise UsageError("--status is required (one of erk's six learn statuses)")
    repository = opt.repository_of(flags, settings)
    with github(settings, repository, sandbox=flags.on("sandbox"), console=console) as gh:
        result = record_plan(gh, request, progress=console.progress)
    for warning in result.warnings:
        console.warning(warning)
    if not result.success:
        console.error(result.error or "failed", result.detail)
    elif result.dry_run:
        console.progress("Dry run: nothing written. The header edit:")
        console.block(result.diff or "(no change)\n")
    finish(record_payload(result), 0 if result.success else 1)
