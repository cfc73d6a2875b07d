"""Every JSON object and Markdown text the tasks print: the one place that knows their shapes.

JSON: each task's one object on stdout (:func:`render` writes it); the failure triple (`error`,
`error_type`, `detail`) is made by :func:`failure` alone. Markdown: the GitHub Actions step
summaries of trigger-async-learn, land and learn-status, and learn-status's terminal table.
ci_outputs.py writes the summaries and the step outputs; the tasks print the JSON.

Everything that reaches a summary from outside learnlib (gh's error text, values read from an
issue's header, configured workflow names) is user text: it is shown escaped, or in a code span
or a fenced block longer than any backtick run it holds, so that it cannot open HTML, a heading,
a link or a table in the summary.

It imports no use case at run time (their results are read by attribute), so the console
script can load it before it knows which task runs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from learnlib.timing.follow import RunOutcome
    from learnlib.usecases.backlog import BacklogResult
    from learnlib.usecases.land import LandResult
    from learnlib.usecases.record import RecordResult
    from learnlib.usecases.status import PlanStatus, StatusReport
    from learnlib.usecases.trigger import TriggerResult

# One untrusted value never takes more than this much of the summary (GitHub allows 1 MiB a step).
MAX_TEXT = 2_000
MAX_DIFF = 20_000

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation mark
_BACKTICKS = re.compile(r"`+")
_SAFE_URL = re.compile(r"https?://[^\s<>()\[\]`\"'\\]+")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_LAND_SOURCES = {
    "option": "from --issue",
    "branch": "from the branch's `P<N>-` prefix",
    "pr_body": "from a closing reference in the pull request body",
}
_WAIT_ERRORS = {
    "learn_run_failed": "The learn run did not succeed",
    "wait_timeout": "Stopped waiting before the learn run ended (the dispatch and header stand)",
    "run_not_found": "The learn run could not be followed",
}
ERROR_INTERRUPTED = "Interrupted"
ERROR_LISTING = "Could not list the plans and their runs"
ERROR_INTERNAL = "Internal error in learnlib; check the issue and the workflow's runs"


def render(payload: dict[str, Any]) -> str:
    """One line of JSON (non-ASCII kept as is)."""
    return json.dumps(payload, ensure_ascii=False)


def failure(error: str | None, error_type: str | None, detail: str | None) -> dict[str, Any]:
    """The failure triple every refused or failed object carries, in this order."""
    return {"error": error, "error_type": error_type, "detail": detail}


# What gh says when it cannot tell the repository from the current directory.
_NO_REPOSITORY = (
    "not a git repository",
    "no git remotes found",
    "none of the git remotes configured for this repository point to a known github host",
)
REPOSITORY_ADVICE = (
    "gh could not tell the repository from this directory: run learnlib in a clone of it, or "
    "name it with --repo OWNER/NAME (or configuration learn.repo, or GH_REPO)"
)


def repository_advice(detail: str | None) -> str | None:
    """What to do when gh found no GitHub repository here (learnlib works in any directory)."""
    lowered = (detail or "").lower()
    return REPOSITORY_ADVICE if any(text in lowered for text in _NO_REPOSITORY) else None


def refusal(error: str, error_type: str, detail: str = "", **asked: Any) -> dict[str, Any]:
    """A task that ends before any result exists: what it asked about, then the failure."""
    return {**asked, "success": False, **failure(error, error_type, detail)}


# --- JSON: trigger-async-learn, land, record-learn ----------------------------------------------


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
    return _ending(payload, result, trigger_advice(result), {"diff": result.diff})


def _fields(result: object, *names: str) -> dict[str, Any]:
    """The result's fields of these names, as the JSON object's first keys, in this order."""
    return {name: getattr(result, name) for name in names}


def _ending(
    payload: dict[str, Any],
    result: TriggerResult | LandResult | RecordResult,
    advice: str | None,
    dry_run: dict[str, Any],
) -> dict[str, Any]:
    """What every result's object ends with: its failure and what to do about it (``advice``,
    else the repository's), a dry run's keys (``dry_run`` true and the task's own), the
    warnings; each only when it applies."""
    if not result.success:
        payload |= failure(result.error, result.error_type, result.detail)
        if (advice := advice or repository_advice(result.detail)) is not None:
            payload["advice"] = advice
    if result.dry_run:
        payload |= {"dry_run": True, **dry_run}
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
    return refusal(error, error_type, detail, issue_number=None, pr_number=pr_number)


def land_payload(result: LandResult) -> dict[str, Any]:
    """The JSON object for a landing; ``learn`` is the trigger's own object, or null and why."""
    payload = _fields(result, "success", "pr_number", "merged", "merge_method")
    if result.success:
        payload |= {
            "branch_deleted": result.branch_deleted,
            "plan_issue": result.plan_issue,
            "plan_issue_source": result.plan_issue_source,
            "learn": None if result.learn is None else trigger_payload(result.learn),
        }
        if result.learn is None:
            payload["learn_skipped"] = result.learn_skipped
    return _ending(payload, result, None, {})


def record_payload(result: RecordResult) -> dict[str, Any]:
    """The task's one JSON object."""
    payload = _fields(result, "success", "issue_number", "learn_status", "written")
    payload["changed"] = list(result.changed)
    return _ending(payload, result, None, {"diff": result.diff})


def with_wait(payload: dict[str, Any], outcome: RunOutcome | None) -> dict[str, Any]:
    """The task's JSON with run_status and run_conclusion; a run that did not succeed fails it."""
    waited = dict(payload)
    waited["run_status"] = None if outcome is None else outcome.status
    waited["run_conclusion"] = None if outcome is None else outcome.conclusion or None
    if outcome is None or outcome.succeeded:
        return waited
    error_type = outcome.error_type or "learn_run_failed"
    error = _WAIT_ERRORS.get(error_type, "The learn run could not be followed")
    return waited | {"success": False, **failure(error, error_type, outcome.detail)}


# --- JSON: learn-status and learn-backlog -------------------------------------------------------


def status_payload(report: StatusReport) -> dict[str, Any]:
    """`{"success": true, "plans": [...], "counts": {action: n}}`."""
    payload: dict[str, Any] = {
        "success": True,
        "plans": [plan_payload(plan) for plan in report.plans],
        "counts": dict(report.counts),
        "complete": report.complete,
    }
    if not report.complete:
        payload["why_incomplete"] = list(report.why)
    return payload


def plan_payload(plan: PlanStatus) -> dict[str, Any]:
    run = plan.run
    payload: dict[str, Any] = {
        "issue_number": plan.issue_number,
        "title": plan.title,
        "state": plan.state,
        "learn_status": plan.learn_status,
        "learn_run_id": plan.learn_run_id,
        "run": None
        if run is None
        else {
            "id": run.id,
            "status": run.status,
            "conclusion": run.conclusion or None,
            "url": run.url,
        },
        "action": plan.action,
        "reason": plan.reason,
    }
    if plan.decision.error_type is not None:
        payload |= {"error_type": plan.decision.error_type, "detail": plan.decision.detail}
    if plan.session is not None:
        payload["session"] = {"verdict": plan.session.verdict, "detail": plan.session.detail}
    return payload


def listing_failure(error: Any) -> dict[str, Any]:
    """The JSON object when gh could not list the plans or the runs (a GhError)."""
    payload = refusal(ERROR_LISTING, error.kind, error.detail)
    if (advice := repository_advice(error.detail)) is not None:
        payload["advice"] = advice
    return payload


def backlog_payload(result: BacklogResult) -> dict[str, Any]:
    """`{"success", "plans_listed", "dispatched", "skipped", "failed", "results"}` (+ dry run)."""
    payload: dict[str, Any] = {
        "success": result.success,
        "plans_listed": result.plans_listed,
        "dispatched": list(result.dispatched),
        "skipped": dict(result.skipped),
        "failed": [
            {"issue_number": f.issue_number, "error_type": f.error_type, "detail": f.detail}
            for f in result.failed
        ],
        "results": [trigger_payload(r) for r in result.results],
        "complete": result.complete,
    }
    if not result.complete:
        payload["why_incomplete"] = list(result.why)
    if result.dry_run:
        payload |= {"dry_run": True, "would_dispatch": list(result.planned)}
    if result.interrupted:
        payload |= {"interrupted": True, "not_started": list(result.not_started)}
    return payload


def backlog_summary_line(result: BacklogResult) -> str:
    short = "" if result.complete else f" (listing incomplete: {'; '.join(result.why)})"
    if result.dry_run:
        listed = f"{result.plans_listed} plans listed; would dispatch {len(result.planned)}"
        return listed + short
    skipped = sum(result.skipped.values())
    line = (
        f"{result.plans_listed} plans listed: {len(result.dispatched)} dispatched, "
        f"{len(result.failed)} failed, {skipped} skipped"
    )
    stopped = " (interrupted: plans in flight finished, no new one started)"
    return line + short + (stopped if result.interrupted else "")


# --- learn-status as a table and as Markdown ----------------------------------------------------


HEADINGS = ("ISSUE", "TITLE", "LEARN STATUS", "RUN", "ACTION", "RUN URL", "REASON")
TITLE_WIDTH = 40


def status_rows(report: StatusReport) -> list[tuple[str, ...]]:
    """The table's cells as plain text (user text made printable and cut to a width)."""
    return [
        (
            f"#{plan.issue_number}",
            _cut(printable(plan.title), TITLE_WIDTH),
            printable(plan.learn_status or "-"),
            _run_cell(plan),
            plan.action,
            plan.run.url if plan.run is not None else "-",
            printable(plan.reason),
        )
        for plan in report.plans
    ]


def status_table(report: StatusReport) -> str:
    """Aligned columns for a terminal, then a count line."""
    rows = [HEADINGS, *status_rows(report)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADINGS) - 1)]
    lines = [
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[-1]])
        for row in rows
    ]
    return "\n".join([*(line.rstrip() for line in lines), count_line(report)]) + "\n"


def status_markdown(report: StatusReport) -> str:
    """The same table for a GitHub Actions step summary; user text is escaped."""
    lines = [
        "### Async learn: plan status",
        "",
        "| " + " | ".join(h for h in HEADINGS if h != "RUN URL") + " |",
        "|" + "---|" * (len(HEADINGS) - 1),
    ]
    for plan, row in zip(report.plans, status_rows(report), strict=True):
        run = row[3]
        if plan.run is not None:
            run = f"[{cell(row[3])}]({plan.run.url.replace(')', '%29')})"
        else:
            run = cell(run)
        cells = [row[0], cell(row[1]), cell(row[2]), run, row[4], cell(row[6])]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", count_line(report), ""]
    return "\n".join(lines)


def count_line(report: StatusReport) -> str:
    counts = report.counts
    parts = ", ".join(f"{n} {action}" for action, n in counts.items())
    total = len(report.plans)
    line = f"{total} plan{'' if total == 1 else 's'}" + (f": {parts}" if parts else "")
    if not report.complete:
        line += f" (listing incomplete: {printable('; '.join(report.why))})"
    return line


def printable(text: str) -> str:
    """Control and format characters (ANSI escapes, bidi overrides, newlines) as `?`."""
    import unicodedata  # only learn-status needs it: not at start-up

    return "".join(
        "?" if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text
    )


def cell(text: str) -> str:
    """User text inside a Markdown table cell: printable, special characters escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", printable(text))


def _run_cell(plan: PlanStatus) -> str:
    run = plan.run
    if run is None:
        return "-"
    state = run.status if not run.conclusion else run.conclusion
    return f"{run.id} {state}"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# --- step summaries: trigger-async-learn and land ---------------------------------------------


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
        lines += [f"Async learn skipped: {prose(why)}", ""]
        return "\n".join(lines) + "\n"
    return (
        "\n".join(lines) + f"\n#### {_trigger_title(result.learn)}\n\n{_trigger_body(result.learn)}"
    )


def dispatched_nothing(result: TriggerResult) -> bool:
    """A trigger that succeeded without a dispatch (or, in a dry run, would dispatch nothing).

    A reason alone does not say so: a redispatch, or a dispatch under --force, carries one too.
    """
    if result.workflow_triggered or not result.success:
        return False
    if result.dry_run:
        return result.reason is not None and result.action not in ("dispatch", "redispatch")
    return True


def _trigger_title(result: TriggerResult) -> str:
    plan = f"plan #{result.issue_number}"
    if result.dry_run:
        if not result.success:
            what = "would fail for"
        elif dispatched_nothing(result):
            what = "nothing to dispatch for"
        else:
            what = "would dispatch for"
        return f"Async learn (dry run): {what} {plan}"
    if result.workflow_triggered:
        tail = "" if result.success else ", but the header was not updated"
        return f"Async learn dispatched for {plan}{tail}"
    return f"Async learn {'not dispatched' if result.success else 'failed'} for {plan}"


def _trigger_body(result: TriggerResult) -> str:
    workflow = code(result.workflow)
    started = [f"{workflow} started {_run(result)}.", ""] if result.workflow_triggered else []
    if not result.success:
        failed = _failure(result.error, result.error_type, result.detail, result.warnings)
        return "\n".join(started) + ("\n" if started else "") + failed
    if dispatched_nothing(result):
        lines = ["Nothing was dispatched (learnlib gave no reason).", ""]
        if result.reason is not None:
            lines = [f"Nothing was dispatched: {prose(result.reason)}", ""]
        if result.reason is not None and result.run_id is not None:
            lines += [f"Earlier run: {_run(result)}.", ""]
    elif result.dry_run:
        lines = [
            f"Nothing was dispatched or edited: this was a dry run. {workflow} would be "
            f"dispatched and the plan header set to `learn_status: pending`.",
            "",
        ]
    else:
        lines = started
    if result.reason is not None and not dispatched_nothing(result):
        lines += [f"Why it was dispatched: {prose(result.reason)}", ""]
    if result.dry_run and result.diff and not dispatched_nothing(result):
        lines += _details("The header change", code_block(result.diff, "diff", MAX_DIFF))
    return "\n".join(lines + _warnings(result.warnings)) + "\n"


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
        f"**Error:** {prose(error or 'unknown error')}",
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
    items = [f"- warning: {prose(warning)}" for warning in warnings]
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


def prose(value: str, limit: int = MAX_TEXT) -> str:
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
