"""Plans and runs as `gh issue list` and `gh run list` print them, for the status/backlog tests."""

from __future__ import annotations

import json
from typing import Any

from learnlib.rules import plan_header
from tests.gh_outputs import gh_json, issue_view_output, run_output
from tests.unit.conftest import PLAN_BODY, FakeGh, register_first

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


def rest_issue(listed: Any) -> dict[str, Any]:
    """An issue as REST's issue list gives it, from its `gh issue view --json` form."""
    return {
        "number": listed["number"],
        "title": listed["title"],
        "body": listed["body"],
        "labels": [{"name": label["name"], "id": 1} for label in listed["labels"]],
        "state": listed["state"].lower(),
        "html_url": listed["url"],
    }


def rest_run(run: Any) -> dict[str, Any]:
    """A run as REST's run list gives it, from its `gh run list --json` form."""
    return {
        "id": run["databaseId"],
        "html_url": run["url"],
        "created_at": run["createdAt"],
        "status": run["status"],
        "conclusion": run["conclusion"] or None,
        "event": run["event"],
        "display_title": run["displayTitle"],
    }


ISSUES = "repos/{{owner}}/{{repo}}/issues?labels=erk-plan&state={state}&per_page=100&page={page}"
RUNS = (
    "repos/{owner}/{repo}/actions/workflows/learn-async.yml/runs"
    "?event=workflow_dispatch&per_page=100&page=1"
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
    """The plans (fewer than 100: one page) and the learn workflow's dispatch runs (one page),
    as learn-status and learn-backlog read them; the plans' live session artifacts."""
    assert len(issues) < 100 and len(runs) < 100 and limit > 0
    register_first(
        fp,
        ["gh", "api", ISSUES.format(state=state, page=1)],
        stdout=gh_json([rest_issue(issue) for issue in issues]),
        occurrences=occurrences,
    )
    answer = {"total_count": len(runs), "workflow_runs": [rest_run(run) for run in runs]}
    register_first(fp, ["gh", "api", RUNS], stdout=gh_json(answer), occurrences=occurrences)
    FakeGh(fp).session_artifacts(optional=True, occurrences=50)


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
