"""GitHub Actions step outputs and step summary for a trigger result."""

from __future__ import annotations

import os
from collections.abc import Mapping

from learnlib.learn import TriggerResult


def write_actions_outputs(result: TriggerResult, env: Mapping[str, str] | None = None) -> None:
    """Append to $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY when they are set (in Actions)."""
    env = os.environ if env is None else env
    if output_path := env.get("GITHUB_OUTPUT"):
        values = {
            "run_id": "" if result.run_id is None else str(result.run_id),
            "workflow_run_url": result.workflow_run_url or "",
            "workflow_triggered": "true" if result.workflow_triggered else "false",
        }
        with open(output_path, "a", encoding="utf-8") as out:
            out.writelines(output_line(name, value) for name, value in values.items())
    if summary_path := env.get("GITHUB_STEP_SUMMARY"):
        with open(summary_path, "a", encoding="utf-8") as out:
            out.write(step_summary(result))


def output_line(name: str, value: str) -> str:
    """`name=value`, or the `name<<DELIM` form with a random delimiter for multi-line values."""
    if "\n" not in value and "\r" not in value:
        return f"{name}={value}\n"
    import secrets  # only multi-line values need a delimiter

    delimiter = f"EOF_{secrets.token_hex(8)}"
    while delimiter in value:
        delimiter = f"EOF_{secrets.token_hex(8)}"
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def step_summary(result: TriggerResult) -> str:
    issue = f"plan #{result.issue_number}"
    if not result.success:
        return f"### Async learn: failed for {issue}\n\n{result.error}\n\n"
    if not result.workflow_triggered:
        return f"### Async learn: not dispatched for {issue}\n\n{result.reason or ''}\n\n"
    url = result.workflow_run_url
    run = f"[run {result.run_id}]({url})" if url else "a run"
    return f"### Async learn dispatched for {issue}\n\n`{result.workflow}` started {run}.\n\n"
