"""GitHub Actions step outputs ($GITHUB_OUTPUT) and step summaries ($GITHUB_STEP_SUMMARY) of the
trigger, land and learn-status, written when Actions sets the variables.

The summaries' Markdown is made in render.py, with every other shape the tasks print; this module
only writes, and makes the step outputs (`name=value` lines, not JSON or Markdown).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from learnlib.tasks.render import land_summary, step_summary

if TYPE_CHECKING:
    from learnlib.usecases.land import LandResult
    from learnlib.usecases.trigger import TriggerResult


Warn = Callable[[str], object]


def write_actions_outputs(
    result: TriggerResult, env: Mapping[str, str] | None = None, *, warn: Warn | None = None
) -> None:
    """The trigger: append its outputs and summary when $GITHUB_OUTPUT/$GITHUB_STEP_SUMMARY are set.

    Outputs: run_id, workflow_run_url, workflow_triggered. A file that cannot be written raises
    OSError, or is reported to ``warn`` when it is given (the result must still be printed).
    """
    _write(env, trigger_outputs(result), step_summary(result), warn)


def write_land_outputs(
    result: LandResult, env: Mapping[str, str] | None = None, *, warn: Warn | None = None
) -> None:
    """land: append its outputs and summary when $GITHUB_OUTPUT/$GITHUB_STEP_SUMMARY are set.

    Outputs: merged, plan_issue, and the learn run's run_id, workflow_run_url, workflow_triggered
    (empty, empty and false when learning did not run). OSError as for the trigger.
    """
    _write(env, land_outputs(result), land_summary(result), warn)


def write_step_summary(summary: str, *, warn: Warn) -> None:
    """learn-status: append its summary when $GITHUB_STEP_SUMMARY is set (no step outputs)."""
    _write(None, {}, summary, warn, "step summary")


def _write(
    env: Mapping[str, str] | None,
    outputs: Mapping[str, str],
    summary: str,
    warn: Warn | None,
    what: str = "outputs",
) -> None:
    env = os.environ if env is None else env
    try:
        if output_path := env.get("GITHUB_OUTPUT"):
            with open(output_path, "a", encoding="utf-8") as out:
                out.writelines(output_line(name, value) for name, value in outputs.items())
        if summary_path := env.get("GITHUB_STEP_SUMMARY"):
            with open(summary_path, "a", encoding="utf-8") as out:
                out.write(summary)
    except OSError as error:
        if warn is None:
            raise
        warn(f"warning: could not write the GitHub Actions {what}: {error}")


def trigger_outputs(result: TriggerResult | None) -> dict[str, str]:
    """The trigger's step outputs, as text (all Actions outputs are strings)."""
    if result is None:
        return {"run_id": "", "workflow_run_url": "", "workflow_triggered": "false"}
    return {
        "run_id": "" if result.run_id is None else str(result.run_id),
        "workflow_run_url": result.workflow_run_url or "",
        "workflow_triggered": "true" if result.workflow_triggered else "false",
    }


def land_outputs(result: LandResult) -> dict[str, str]:
    """land's step outputs: merged and plan_issue, then the learn run's."""
    return {
        "merged": "true" if result.merged else "false",
        "plan_issue": "" if result.plan_issue is None else str(result.plan_issue),
        **trigger_outputs(result.learn),
    }


def output_line(name: str, value: str) -> str:
    """`name=value`, or the `name<<DELIM` form with a random delimiter for multi-line values."""
    if "\n" not in value and "\r" not in value:
        return f"{name}={value}\n"
    import secrets  # only multi-line values need a delimiter

    delimiter = f"EOF_{secrets.token_hex(8)}"
    while delimiter in value:
        delimiter = f"EOF_{secrets.token_hex(8)}"
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"
