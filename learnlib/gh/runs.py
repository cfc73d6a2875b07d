"""GitHub Actions runs through gh: list a workflow's recent runs, view one run."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

from learnlib.gh.rest import Page, get_json, pages
from learnlib.gh.runner import GhBadOutput, GhError, GhNotFound, GitHubCli, field_of
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
    return WorkflowRun(
        id=field_of(item, "databaseId", int, action=action),
        url=field_of(item, "url", str, action=action),
        created_at=_created(field_of(item, "createdAt", str, action=action), action),
        status=field_of(item, "status", str, action=action),
        conclusion=field_of(item, "conclusion", str, action=action),
        event=field_of(item, "event", str, action=action),
        display_title=field_of(item, "displayTitle", str, action=action),
    )


def _created(created: str, action: str) -> datetime:
    try:
        return datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        raise GhBadOutput(action, f"run has an unreadable createdAt: {created!r}") from None


def rest_run(item: object, action: str) -> WorkflowRun:
    """A run as the REST API gives it (`id`, `html_url`, `created_at`, ...); a null conclusion
    reads as "", as gh's --json prints it."""
    conclusion = item.get("conclusion") if isinstance(item, dict) else None
    return WorkflowRun(
        id=field_of(item, "id", int, action=action),
        url=field_of(item, "html_url", str, action=action),
        created_at=_created(field_of(item, "created_at", str, action=action), action),
        status=field_of(item, "status", str, action=action),
        conclusion=conclusion if isinstance(conclusion, str) else "",
        event=field_of(item, "event", str, action=action),
        display_title=field_of(item, "display_title", str, action=action),
    )


def run_by_id(gh: GitHubCli, run_id: int) -> WorkflowRun | None:
    """`gh api repos/O/R/actions/runs/ID`: one request; None when GitHub answers 404 (the run
    no longer exists, or not yet: a run just dispatched can take seconds to be known)."""
    action = f"looking up run {run_id}"
    try:
        data = get_json(gh, f"actions/runs/{run_id}", action=action)
    except GhNotFound:
        return None
    run = rest_run(data, action)
    if run.id != run_id:
        raise GhBadOutput(action, f"the API answered with run {run.id}, not {run_id}")
    return run


@dataclass
class RunHistory:
    """A workflow's `workflow_dispatch` runs, newest first, read a page of 100 at a time.

    ``first_page`` is the window the trigger decides from (its own listing is the newest 100);
    :meth:`back_to` reads further only as far as a run id it needs. ``complete``: the whole
    history was read. ``why``: a page that failed, ending the history there.
    """

    gh: GitHubCli
    workflow: str
    runs: list[WorkflowRun] = field(default_factory=list)
    first_page: int = 0
    complete: bool = False
    why: str | None = None
    requests: int = 0
    _pages: Iterator[Page] | None = None

    def first(self) -> RunHistory:
        """Read the newest page (raises when it cannot be read)."""
        if self.requests == 0:
            self._next()
            self.first_page = len(self.runs)
        return self

    def back_to(self, oldest: int | None) -> RunHistory:
        """Read on until the history holds run ``oldest`` or passes it (smaller ids), or ends.

        A page that fails here stops the reading with ``why``; what was read stands.
        """
        self.first()
        while self.needs(oldest) and self.step():
            pass
        return self

    def needs(self, oldest: int | None) -> bool:
        """Whether run ``oldest`` lies further back than what was read (and can be read)."""
        if oldest is None or self.complete or self.why is not None:
            return False
        return not self.runs or min(run.id for run in self.runs) > oldest

    def step(self) -> bool:
        """Read one more page; False when it failed (``why`` says so) or the history ended."""
        try:
            self._next()
        except GhError as error:
            self.why = f"page {self.requests} of the run history could not be read: " + (
                error.detail
            )
        return not self.complete and self.why is None

    def _next(self) -> None:
        if self._pages is None:
            path = f"actions/workflows/{quote(self.workflow)}/runs"
            action = f"listing runs of workflow {self.workflow}"
            query: dict[str, str | int] = {"event": DISPATCH_EVENT}
            self._pages = pages(self.gh, path, query, action=action, key="workflow_runs")
        self.requests += 1
        try:
            page = next(self._pages)
        except StopIteration:  # pragma: no cover - pages() returns after its last page
            self.complete = True
            return
        action = f"listing runs of workflow {self.workflow}"
        self.runs += [rest_run(item, action) for item in page.items]
        self.complete = page.last


DISPATCH_EVENT = "workflow_dispatch"
