"""GitHub Actions runs through gh: list a workflow's recent runs, view one run."""

from __future__ import annotations

from datetime import datetime

from learnlib.gh.runner import GhBadOutput, GitHubCli, field_of
from learnlib.rules.records import WorkflowRun

# gh 2.23 has no `run list --event`: ask for the event and filter here.
RUN_FIELDS = "databaseId,url,createdAt,status,conclusion,event,displayTitle"
# One page (gh asks per_page=min(limit, 100)): the listing every decision reads, so the trigger and
# learn-status see the same history. Polling for a just-dispatched run asks for fewer.
DECISION_RUN_LIMIT = 100
POLL_RUN_LIMIT = 20


def list_runs(gh: GitHubCli, workflow: str, *, limit: int = POLL_RUN_LIMIT) -> list[WorkflowRun]:
    """`gh run list --workflow W --json ... --limit N`, newest first as gh returns them."""
    action = f"listing runs of workflow {workflow}"
    data = gh.run_json(
        ["run", "list", "--workflow", workflow, "--json", RUN_FIELDS, "--limit", str(limit)],
        action=action,
    )
    if not isinstance(data, list):
        raise GhBadOutput(action, "gh's JSON is not a list of runs")
    return [_run(item, action) for item in data]


def view_run(gh: GitHubCli, run_id: int) -> WorkflowRun:
    """`gh run view ID --json ...`: one run as it is now (raises GhNotFound when it is gone)."""
    action = f"reading run {run_id}"
    data = gh.run_json(["run", "view", str(run_id), "--json", RUN_FIELDS], action=action)
    run = _run(data, action)
    if run.id != run_id:
        raise GhBadOutput(action, f"gh answered with run {run.id}, not {run_id}")
    return run


def _run(item: object, action: str) -> WorkflowRun:
    created = field_of(item, "createdAt", str, action=action)
    try:
        created_at = datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        raise GhBadOutput(action, f"run has an unreadable createdAt: {created!r}") from None
    return WorkflowRun(
        id=field_of(item, "databaseId", int, action=action),
        url=field_of(item, "url", str, action=action),
        created_at=created_at,
        status=field_of(item, "status", str, action=action),
        conclusion=field_of(item, "conclusion", str, action=action),
        event=field_of(item, "event", str, action=action),
        display_title=field_of(item, "displayTitle", str, action=action),
    )
