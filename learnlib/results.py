"""Render results as the JSON objects the tasks print: the one place that knows the contract."""

from __future__ import annotations

import json
from typing import Any

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
