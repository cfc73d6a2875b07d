"""Render results as the JSON objects the tasks print: the one place that knows the contract."""

from __future__ import annotations

import json
from typing import Any

from learnlib.land import LandResult
from learnlib.learn import TriggerResult


def trigger_payload(result: TriggerResult) -> dict[str, Any]:
    """The JSON object for a trigger: fixed keys first, optional ones only when they apply."""
    payload: dict[str, Any] = {"success": result.success, "issue_number": result.issue_number}
    if result.success or result.workflow_triggered:
        payload |= {
            "workflow_triggered": result.workflow_triggered,
            "workflow": result.workflow,
            "run_id": result.run_id,
            "workflow_run_url": result.workflow_run_url,
        }
    if result.reason is not None:
        payload["reason"] = result.reason
    if not result.success:
        payload |= {"error": result.error, "error_type": result.error_type, "detail": result.detail}
    if result.dry_run:
        payload |= {"dry_run": True, "diff": result.diff}
    if result.warnings:
        payload["warnings"] = list(result.warnings)
    return payload


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


def land_usage_error_payload(message: str) -> dict[str, Any]:
    """A malformed `invoke land` option, in the landing's own shape."""
    return {
        "success": False,
        "pr_number": None,
        "merged": False,
        "error": message,
        "error_type": "invalid_option",
        "detail": "",
    }


def usage_error_payload(message: str, issue_number: int | None = None) -> dict[str, Any]:
    return {
        "success": False,
        "issue_number": issue_number,
        "error": message,
        "error_type": "invalid_option",
        "detail": "",
    }


def render(payload: dict[str, Any]) -> str:
    """One line of JSON (non-ASCII kept as is)."""
    return json.dumps(payload, ensure_ascii=False)
