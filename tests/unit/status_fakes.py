"""Plans and runs as `gh issue list` and `gh run list` print them, for the status/backlog tests."""

from __future__ import annotations

import json
from typing import Any

from learnlib.gh.issues import ISSUE_FIELDS
from learnlib.gh.runs import DECISION_RUN_LIMIT, RUN_FIELDS
from learnlib.rules import plan_header
from tests.gh_outputs import gh_json, issue_view_output, run_list_output, run_output
from tests.unit.conftest import PLAN_BODY

NO_SESSION = PLAN_BODY.replace("last_remote_impl_run_id: '21203500990'", "last_remote_impl_run_id:")


def body(status: str | None = None, run_id: str | None = None, base: str = PLAN_BODY) -> str:
    values = {"learn_status": status} | ({"learn_run_id": run_id} if run_id else {})
    return plan_header.set_values(base, values) if status or run_id else base


def listed_issue(number: int, text: str, *, title: str = "Plan", state: str = "CLOSED") -> Any:
    return json.loads(issue_view_output(number, text, title=title, state=state))


def learn_run(run_id: int, number: int, status: str = "completed", conclusion: str = "") -> Any:
    return run_output(
        run_id,
        "2026-11-20T10:00:00Z",
        display_title=f"Learn #{number}",
        status=status,
        conclusion=conclusion,
    )


def register_listing(
    fp: Any,
    issues: list[Any],
    runs: list[Any],
    *,
    state: str = "closed",
    limit: int = 500,
    occurrences: int = 1,
) -> None:
    fp.register(
        [
            "gh",
            "issue",
            "list",
            "--label",
            "erk-plan",
            "--state",
            state,
            "--limit",
            str(limit),
            "--json",
            ISSUE_FIELDS,
        ],
        stdout=gh_json(issues),
        occurrences=occurrences,
    )
    fp.register(
        [
            "gh",
            "run",
            "list",
            "--workflow",
            "learn-async.yml",
            "--json",
            RUN_FIELDS,
            "--limit",
            str(DECISION_RUN_LIMIT),
        ],
        stdout=run_list_output(runs),
        occurrences=occurrences,
    )


def mixed_plans() -> tuple[list[Any], list[Any]]:
    """One plan for each action: dispatch, redispatch, none (three ways), refuse."""
    issues = [
        listed_issue(1, body()),  # never learned: dispatch
        listed_issue(2, body("pending", "902")),  # its run failed: redispatch
        listed_issue(3, body("completed_no_plan")),  # learned: none
        listed_issue(4, body()),  # a run in progress: none, with a repair
        listed_issue(5, NO_SESSION),  # refuse
        listed_issue(6, body("pending", "906")),  # its run succeeded: none
    ]
    runs = [
        learn_run(906, 6, conclusion="success"),
        learn_run(904, 4, status="in_progress"),
        learn_run(902, 2, conclusion="failure"),
    ]
    return issues, runs
