"""Render results as the JSON objects the tasks print: the one place that knows the contract."""

from __future__ import annotations

import json
from typing import Any

from learnlib.usecases.land import LandResult
from learnlib.usecases.record import RecordResult
from learnlib.usecases.trigger import TriggerResult


def trigger_payload(result: TriggerResult, pr_number: int | None = None) -> dict[str, Any]:
    """The JSON object for a trigger: fixed keys first, optional ones only when they apply."""
    payload: dict[str, Any] = {"success": result.success, "issue_number": result.issue_number}
    if pr_number is not None:
        payload["pr_number"] = pr_number
    if result.success or result.workflow_triggered:
        payload |= {
            "workflow_triggered": result.workflow_triggered,
            "workflow": result.workflow,
            "run_id": result.run_id,
            "workflow_run_url": result.workflow_run_url,
        }
    if result.action is not None:  # what the decision was: dispatch, redispatch, none, refuse
        payload["action"] = result.action
    if result.reason is not None:
        payload["reason"] = result.reason
    if not result.success:
        payload |= {"error": result.error, "error_type": result.error_type, "detail": result.detail}
        if (advice := trigger_advice(result)) is not None:
            payload["advice"] = advice
    if result.dry_run:
        payload |= {"dry_run": True, "diff": result.diff}
    if result.warnings:
        payload["warnings"] = list(result.warnings)
    return payload


def trigger_advice(result: TriggerResult) -> str | None:
    """What to do next, for the one failure that leaves GitHub half-way: a run without header."""
    if result.error_type != "header_update_failed":
        return None
    number = result.issue_number
    if result.run_id is not None:
        run, run_id = f"run {result.run_id} exists", str(result.run_id)
    else:
        run, run_id = "the run was dispatched", "RUN_ID"
    find = (
        ""
        if result.run_id is not None
        else f" (find RUN_ID with `gh run list --workflow {result.workflow}`)"
    )
    return (
        f"The workflow {run}, but plan #{number}'s header does not say pending, so running "
        f"trigger-async-learn again would dispatch a second run. Record this one instead: "
        f"`learnlib record-learn --issue {number} --status pending --run-id {run_id}`{find}, "
        f"or edit the plan header by hand to `learn_status: pending` and "
        f"`learn_run_id: '{run_id}'`."
    )


def trigger_refusal_payload(
    pr_number: int | None, error: str, error_type: str, detail: str
) -> dict[str, Any]:
    """`trigger-async-learn --pr N` refused before a plan issue was known."""
    return {
        "success": False,
        "issue_number": None,
        "pr_number": pr_number,
        "error": error,
        "error_type": error_type,
        "detail": detail,
    }


def land_payload(result: LandResult) -> dict[str, Any]:
    """The JSON object for a landing; ``learn`` is the trigger's own object, or null and why."""
    payload: dict[str, Any] = {
        "success": result.success,
        "pr_number": result.pr_number,
        "merged": result.merged,
        "merge_method": result.merge_method,
    }
    if result.success:
        payload |= {
            "branch_deleted": result.branch_deleted,
            "plan_issue": result.plan_issue,
            "plan_issue_source": result.plan_issue_source,
            "learn": None if result.learn is None else trigger_payload(result.learn),
        }
        if result.learn is None:
            payload["learn_skipped"] = result.learn_skipped
    else:
        payload |= {"error": result.error, "error_type": result.error_type, "detail": result.detail}
    if result.dry_run:
        payload["dry_run"] = True
    if result.warnings:
        payload["warnings"] = list(result.warnings)
    return payload


def land_error_base(pr_number: int | None) -> dict[str, Any]:
    """The fields every land outcome carries, for one that ends before any result exists."""
    return {"pr_number": pr_number, "merged": False}


def render(payload: dict[str, Any]) -> str:
    """One line of JSON (non-ASCII kept as is)."""
    return json.dumps(payload, ensure_ascii=False)


def record_payload(result: RecordResult) -> dict[str, Any]:
    """The task's one JSON object."""
    payload: dict[str, Any] = {
        "success": result.success,
        "issue_number": result.issue_number,
        "learn_status": result.learn_status,
        "written": result.written,
        "changed": list(result.changed),
    }
    if not result.success:
        payload |= {"error": result.error, "error_type": result.error_type, "detail": result.detail}
    if result.dry_run:
        payload |= {"dry_run": True, "diff": result.diff}
    if result.warnings:
        payload["warnings"] = list(result.warnings)
    return payload
