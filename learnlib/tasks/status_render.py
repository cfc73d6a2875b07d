"""learn-status and learn-backlog as people and scripts see them: JSON, a table, Markdown.

The JSON shapes of these tasks live here (results.py keeps the trigger's and the landing's).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from learnlib.usecases.status import PlanStatus, StatusReport

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


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
            run = f"[{markdown(row[3])}]({plan.run.url.replace(')', '%29')})"
        else:
            run = markdown(run)
        cells = [row[0], markdown(row[1]), markdown(row[2]), run, row[4], markdown(row[6])]
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
    return "".join(
        "?" if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text
    )


def markdown(text: str) -> str:
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
