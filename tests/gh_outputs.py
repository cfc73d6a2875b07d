"""Canned gh outputs for unit tests, shaped exactly as the real gh prints them.

tests/contract/test_canned_outputs.py runs the real gh against the sandbox and checks that these
functions produce, byte for byte, what gh printed: the fakes are proven against the real client.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from learnlib.gh.issues import ISSUE_FIELDS
from learnlib.gh.runs import RUN_FIELDS


def gh_json(value: Any) -> str:
    """gh's --json output when stdout is not a terminal: compact JSON and a newline."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False) + "\n"


def label(
    name: str, *, id_: str = "", description: str = "", color: str = "ededed"
) -> dict[str, str]:
    return {"color": color, "description": description, "id": id_ or f"LA_{name}", "name": name}


def issue_view_output(
    number: int,
    body: str,
    *,
    labels: Iterable[str | dict[str, str]] = ("erk-plan",),
    title: str = "Plan",
    state: str = "OPEN",
    url: str | None = None,
    fields: str = ISSUE_FIELDS,
) -> str:
    values: Mapping[str, Any] = {
        "number": number,
        "title": title,
        "body": body,
        "labels": [item if isinstance(item, dict) else label(item) for item in labels],
        "state": state,
        "url": url or f"https://github.com/o/r/issues/{number}",
    }
    return gh_json({name: values[name] for name in sorted(fields.split(","))})


def run_output(
    run_id: int,
    created_at: str,
    *,
    display_title: str = "Learn",
    event: str = "workflow_dispatch",
    status: str = "queued",
    conclusion: str = "",
    url: str | None = None,
) -> dict[str, Any]:
    values = {
        "databaseId": run_id,
        "url": url or f"https://github.com/o/r/actions/runs/{run_id}",
        "createdAt": created_at,
        "status": status,
        "conclusion": conclusion,
        "event": event,
        "displayTitle": display_title,
    }
    return {name: values[name] for name in sorted(RUN_FIELDS.split(","))}


def workflow_run_output(run_url: str | None) -> str:
    """What `gh workflow run` prints when stdout is not a terminal: nothing before gh 2.87, the
    new run's html_url alone on a line from 2.87 on (``run_url`` None: the older gh)."""
    return "" if run_url is None else run_url + "\n"


def run_list_output(runs: Iterable[dict[str, Any]]) -> str:
    return gh_json(list(runs))


NOT_FOUND_STDERR = (
    "GraphQL: Could not resolve to an issue or pull request with the number of {number}. "
    "(repository.issue)\n"
)


def rest_run_output(
    run_id: int,
    *,
    title: str = "Learn #5406",
    status: str = "completed",
    conclusion: str | None = "success",
    created_at: str = "2026-11-20T10:00:00Z",
    event: str = "workflow_dispatch",
) -> dict[str, Any]:
    """A run as `gh api repos/O/R/actions/runs/ID` prints it (the fields learnlib reads)."""
    return {
        "id": run_id,
        "html_url": f"https://github.com/o/r/actions/runs/{run_id}",
        "created_at": created_at,
        "status": status,
        "conclusion": conclusion,
        "event": event,
        "display_title": title,
    }
