"""GitHub Actions step outputs ($GITHUB_OUTPUT) and step summaries for the trigger and land.

Everything that reaches the summary from outside learnlib (gh's error text, values read from an
issue's header, configured workflow names) is user text: it is shown escaped, or in a code span
or a fenced block longer than any backtick run it holds, so that it cannot open HTML, a heading,
a link or a table in the summary.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping

from learnlib.usecases.land import LandResult
from learnlib.usecases.trigger import TriggerResult

# One untrusted value never takes more than this much of the summary (GitHub allows 1 MiB a step).
MAX_TEXT = 2_000
MAX_DIFF = 20_000

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation mark
_BACKTICKS = re.compile(r"`+")
_SAFE_URL = re.compile(r"https?://[^\s<>()\[\]`\"'\\]+")
_LAND_SOURCES = {
    "option": "from --issue",
    "branch": "from the branch's `P<N>-` prefix",
    "pr_body": "from a closing reference in the pull request body",
}


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


def _write(
    env: Mapping[str, str] | None, outputs: Mapping[str, str], summary: str, warn: Warn | None
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
        warn(f"warning: could not write the GitHub Actions outputs: {error}")


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


# --- step summaries ---------------------------------------------------------------------------


def step_summary(result: TriggerResult) -> str:
    """The trigger's summary: the run, the reason nothing was dispatched, or what failed."""
    return f"### {_trigger_title(result)}\n\n{_trigger_body(result)}"


def land_summary(result: LandResult) -> str:
    """land's summary: the merge, the plan issue, then learning (the trigger's own summary)."""
    pr = "the current branch's pull request" if result.pr_number is None else f"#{result.pr_number}"
    method = code(result.merge_method)
    if not result.success:
        title = f"Land: pull request {pr} was not merged"
        failure = _failure(result.error, result.error_type, result.detail, result.warnings)
        return f"### {title}\n\n{failure}"
    if result.dry_run:
        title = f"Land (dry run): pull request {pr} would be merged"
        merge = f"Dry run: nothing was merged; the merge method would be {method}."
    elif result.merged:
        title = f"Land: pull request {pr} merged"
        merge = f"Merged with {method}."
    else:
        title = f"Land: pull request {pr} queued to merge"
        merge = "Not merged yet: a merge queue or auto-merge took the request."
    lines = [f"### {title}", "", merge, ""]
    if result.plan_issue is None:
        lines += ["No plan issue found.", ""]
    else:
        source = _LAND_SOURCES.get(result.plan_issue_source or "", "")
        lines += [f"Plan issue #{result.plan_issue}" + (f" ({source})." if source else "."), ""]
    lines += _warnings(result.warnings)
    if result.learn is None:
        why = result.learn_skipped or "learnlib gave no reason"
        lines += [f"Async learn skipped: {text(why)}", ""]
        return "\n".join(lines) + "\n"
    return (
        "\n".join(lines) + f"\n#### {_trigger_title(result.learn)}\n\n{_trigger_body(result.learn)}"
    )


def _trigger_title(result: TriggerResult) -> str:
    plan = f"plan #{result.issue_number}"
    if result.dry_run:
        if not result.success:
            return f"Async learn (dry run): would fail for {plan}"
        if result.reason is not None:
            return f"Async learn (dry run): nothing to dispatch for {plan}"
        return f"Async learn (dry run): would dispatch for {plan}"
    if not result.success:
        if result.workflow_triggered:
            return f"Async learn dispatched for {plan}, but the header was not updated"
        return f"Async learn failed for {plan}"
    if not result.workflow_triggered:
        return f"Async learn not dispatched for {plan}"
    return f"Async learn dispatched for {plan}"


def _trigger_body(result: TriggerResult) -> str:
    lines: list[str] = []
    workflow = code(result.workflow)
    if result.workflow_triggered:
        lines += [f"{workflow} started {_run(result)}.", ""]
    if not result.success:
        return (
            "\n".join(lines)
            + ("\n" if lines else "")
            + _failure(result.error, result.error_type, result.detail, result.warnings)
        )
    if result.reason is not None:
        lines += [f"Nothing was dispatched: {text(result.reason)}", ""]
        if result.run_id is not None:
            lines += [f"Earlier run: {_run(result)}.", ""]
    elif result.dry_run:
        lines += [
            f"Nothing was dispatched or edited: this was a dry run. {workflow} would be "
            f"dispatched and the plan header set to `learn_status: pending`.",
            "",
        ]
        if result.diff:
            lines += _details("The header change", code_block(result.diff, "diff", MAX_DIFF))
    elif not result.workflow_triggered:
        lines += ["Nothing was dispatched (learnlib gave no reason).", ""]
    lines += _warnings(result.warnings)
    return "\n".join(lines) + "\n"


def _run(result: TriggerResult) -> str:
    """`[run ID](URL)` when the URL is plain, else the id and the URL as code."""
    url = result.workflow_run_url
    name = "a run (not found yet)" if result.run_id is None else f"run {result.run_id}"
    if not url:
        return name
    if _SAFE_URL.fullmatch(url):
        label = "the run" if result.run_id is None else f"run {result.run_id}"
        return f"[{label}]({url})"
    return f"{name} ({code(url)})"


def _failure(
    error: str | None,
    error_type: str | None,
    detail: str | None,
    warnings: Iterable[str] = (),
) -> str:
    lines = [
        f"**Error:** {text(error or 'unknown error')}",
        "",
        f"**error_type:** {code(error_type or 'unknown')}",
        "",
    ]
    if detail:
        if "\n" in detail or "\r" in detail:
            lines += ["**detail:**", "", code_block(detail), ""]
        else:
            lines += [f"**detail:** {code(detail)}", ""]
    else:
        lines += ["**detail:** (none)", ""]
    lines += _warnings(warnings)
    return "\n".join(lines) + "\n"


def _warnings(warnings: Iterable[str]) -> list[str]:
    items = [f"- warning: {text(warning)}" for warning in warnings]
    return [*items, ""] if items else []


def _details(summary: str, block: str) -> list[str]:
    return ["<details>", f"<summary>{summary}</summary>", "", block, "", "</details>", ""]


# --- escaping ---------------------------------------------------------------------------------


def _clip(value: str, limit: int) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(ch if ch in "\n\t" or ch >= " " else "\ufffd" for ch in value)
    if len(value) > limit:
        return value[:limit] + f"... ({len(value) - limit} more characters)"
    return value


def text(value: str, limit: int = MAX_TEXT) -> str:
    """Inline prose, literal: one line, every ASCII punctuation mark backslash-escaped.

    A backslash-escaped `<`, `&`, `[`, `*`, `#`, `|`... is a literal character in CommonMark and
    GitHub's markdown, so the text can open no HTML, entity, link, emphasis or table cell.
    """
    one_line = " ".join(_clip(value, limit).split())
    return _PUNCTUATION.sub(r"\\\1", one_line)


def code(value: str, limit: int = MAX_TEXT) -> str:
    """A one-line code span, its fence longer than any backtick run inside it."""
    one_line = " ".join(_clip(value, limit).split())
    if not one_line:
        return "` `"
    fence = "`" * (_longest_backtick_run(one_line) + 1)
    pad = " " if one_line.startswith("`") or one_line.endswith("`") else ""
    return f"{fence}{pad}{one_line}{pad}{fence}"


def code_block(value: str, info: str = "", limit: int = MAX_TEXT) -> str:
    """A fenced code block whose fence no line of the value can close."""
    body = _clip(value, limit).rstrip("\n")
    fence = "`" * max(3, _longest_backtick_run(body) + 1)
    return f"{fence}{info}\n{body}\n{fence}"


def _longest_backtick_run(value: str) -> int:
    return max((len(run) for run in _BACKTICKS.findall(value)), default=0)
