"""`--wait` for trigger-async-learn and land: follow the dispatched run, fold its end into JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from learnlib.gh.runner import GitHubCli
    from learnlib.tasks import Flags
    from learnlib.tasks.config import Settings
    from learnlib.tasks.console import Console
    from learnlib.timing.follow import RunOutcome
    from learnlib.usecases.trigger import TriggerResult


def check_wait(flags: Flags) -> None:
    """--wait-timeout means nothing without --wait: a usage error, not a silent no-op."""
    from learnlib.tasks.errors import UsageError

    if flags["wait_timeout"] is not None and not flags.on("wait"):
        raise UsageError("--wait-timeout needs --wait")


def wait_timeout(flags: Flags, settings: Settings) -> float:
    """--wait-timeout, else learn.wait_timeout: seconds, a finite number > 0."""
    from learnlib.tasks import options as opt

    return opt.configured(flags, "wait_timeout", settings, "learn.wait_timeout", opt.seconds)


def follow_trigger(
    gh: GitHubCli, result: TriggerResult | None, timeout: float, progress: Callable[[str], None]
) -> RunOutcome | None:
    """Follow the run a successful dispatch started; None when nothing was dispatched."""
    from learnlib.timing.follow import follow_run

    if result is None or not result.success or not result.workflow_triggered:
        return None
    progress(f"Waiting for the learn run to end (up to {timeout:g} s)")
    return follow_run(gh, result.run_id, timeout=timeout, progress=progress)


STOPPED = "stopped waiting for the learn run; the dispatch and the plan header stand"


def follow(
    gh: GitHubCli,
    trigger: TriggerResult | None,
    timeout: float,
    console: Console,
    stopped: Callable[[], dict[str, Any]],
) -> RunOutcome | None:
    """:func:`follow_trigger`; Ctrl-C while waiting ends the task (exit 130) with ``stopped()``,
    the task's object as it stands: the dispatch happened, its run id is kept."""
    from learnlib.tasks.finish import interrupted

    try:
        return follow_trigger(gh, trigger, timeout, console.progress)
    except KeyboardInterrupt:
        interrupted(stopped(), STOPPED)


def waited(payload: dict[str, Any], outcome: RunOutcome | None, console: Console) -> dict[str, Any]:
    """The task's JSON with how the run ended; an `error:` line when it did not succeed."""
    from learnlib.tasks.render import with_wait

    payload = with_wait(payload, outcome)
    if outcome is not None and not outcome.succeeded:
        console.error(payload["error"], outcome.detail)
    return payload
