"""`--wait` for trigger-async-learn and land: follow the dispatched run, fold its end into JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from learnlib.gh.runner import GitHubCli
    from learnlib.tasks.config import Settings
    from learnlib.timing.follow import RunOutcome
    from learnlib.usecases.trigger import TriggerResult

_ERRORS = {
    "learn_run_failed": "The learn run did not succeed",
    "wait_timeout": "Stopped waiting before the learn run ended (the dispatch and header stand)",
    "run_not_found": "The learn run could not be followed",
}


def wait_timeout(value: object, config: Settings) -> float:
    """--wait-timeout in seconds (a finite number > 0), else learn.wait_timeout."""
    from learnlib.tasks import runtime as rt
    from learnlib.tasks.config import parse_number
    from learnlib.tasks.errors import ConfigError

    given = rt.text(value, "--wait-timeout").strip()
    if not given:
        return config.number("learn.wait_timeout")
    try:
        return parse_number("--wait-timeout", given)
    except ConfigError:
        raise rt.UsageError(
            f"--wait-timeout must be a finite number of seconds greater than 0, got {given!r}"
        ) from None


def follow_trigger(
    gh: GitHubCli, result: TriggerResult | None, timeout: float, progress: Callable[[str], None]
) -> RunOutcome | None:
    """Follow the run a successful dispatch started; None when nothing was dispatched."""
    from learnlib.timing.follow import follow_run

    if result is None or not result.success or not result.workflow_triggered:
        return None
    progress(f"Waiting for the learn run to end (up to {timeout:g} s)")
    return follow_run(gh, result.run_id, timeout=timeout, progress=progress)


def with_wait(payload: dict[str, Any], outcome: RunOutcome | None) -> dict[str, Any]:
    """The task's JSON with run_status and run_conclusion; a run that did not succeed fails it."""
    waited = dict(payload)
    waited["run_status"] = None if outcome is None else outcome.status
    waited["run_conclusion"] = None if outcome is None else outcome.conclusion or None
    if outcome is None or outcome.succeeded:
        return waited
    error_type = outcome.error_type or "learn_run_failed"
    waited |= {
        "success": False,
        "error": _ERRORS.get(error_type, "The learn run could not be followed"),
        "error_type": error_type,
        "detail": outcome.detail,
    }
    return waited
