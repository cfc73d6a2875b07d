"""What the GraphQL and REST halves share: the state, its single lock, the records and the knobs.

Every request is handled while holding ``Core.lock`` (an RLock), so handlers never see a
half-applied change and the records are consistent with the state.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from learnlib.rules.plan_header import PlanHeaderError, is_empty, read_header, set_values
from learnlib.sandbox.state import Issue, Repo, Run, SandboxState, iso_now

#: What a finished learn run records (the skeleton's placeholder step learns nothing to plan).
LEARNED = "completed_no_plan"

#: Where gh sends API calls for GH_HOST=github.localhost, and the matching web address.
API_URL = "http://api.github.localhost"
WEB_URL = "http://github.localhost"

#: Symbolic endpoint names, for ``fail_next``/``fail_after`` and ``request_count``.
ENDPOINTS = frozenset(
    {
        "issue_view",  # GraphQL IssueByNumber
        "issue_edit",  # GraphQL mutation updateIssue
        "repo_info",  # GraphQL RepositoryInfo (gh repo view, gh workflow run without --ref)
        "pr_view",  # GraphQL PullRequestByNumber / PullRequestForBranch
        "pr_merge",  # GraphQL mutation mergePullRequest
        "introspection",  # GraphQL __type(...) feature detection
        "graphql",  # any other GraphQL request
        "workflow_list",  # REST GET /repos/O/R/actions/workflows
        "workflow_get",  # REST GET /repos/O/R/actions/workflows/W
        "workflow_dispatch",  # REST POST /repos/O/R/actions/workflows/W/dispatches
        "run_list",  # REST GET /repos/O/R/actions/workflows/W/runs
        "repo_run_list",  # REST GET /repos/O/R/actions/runs (gh run list without --workflow)
        "run_view",  # REST GET /repos/O/R/actions/runs/ID
        "run_delete",  # REST DELETE /repos/O/R/actions/runs/ID
        "run_jobs",  # REST GET /repos/O/R/actions/runs/ID/jobs
        "artifact_list",  # REST GET /repos/O/R/actions/runs/ID/artifacts
        "issue_list",  # REST GET /repos/O/R/issues (pull requests included)
        "branch_delete",  # REST DELETE /repos/O/R/git/refs/heads/B (or heads%2FB)
        "contents_get",  # REST GET /repos/O/R/contents/PATH?ref=REF (workflow files)
        "unknown",  # anything else (answered 404)
    }
)


#: GitHub's values for a run's ``status``, and for a completed run's ``conclusion``.
RUN_STATUSES = frozenset({"queued", "in_progress", "completed", "waiting", "requested", "pending"})
CONCLUSIONS = frozenset({"success", "failure", "cancelled", "timed_out", "startup_failure"})
CONCLUSIONS |= {"neutral", "skipped", "action_required", "stale"}
_SECONDARY = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID {}."
)


def check_run(status: str = "queued", conclusion: str | None = None, after: float = 0.0) -> None:
    """Refuse a run status, conclusion or delay that GitHub would never show."""
    for what, value, allowed in (
        ("status", status, RUN_STATUSES),
        ("conclusion", conclusion, CONCLUSIONS),
    ):
        if value is not None and value not in allowed:
            raise ValueError(f"{what} must be one of {sorted(allowed)}, not {value!r}")
    if after < 0:
        raise ValueError("after must be zero or more seconds")


class ApiError(Exception):
    """A REST error answer: HTTP status, GitHub-style message, extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str  # path and query string, e.g. "/repos/o/r/actions/workflows/x.yml"
    operation: str | None  # GraphQL operation name, if any
    endpoint: str  # symbolic endpoint name (see ENDPOINTS)
    body: str
    time: float  # time.time() at arrival
    status: int  # HTTP status answered


@dataclass(frozen=True)
class DispatchRecord:
    repo: str
    workflow: str  # file name, e.g. "learn-async.yml"
    workflow_id: int
    ref: str
    inputs: dict[str, Any]
    time: float
    run_id: int


@dataclass(frozen=True)
class EditRecord:
    repo: str
    number: int
    body: str
    time: float
    source: str = "api"  # "api" (updateIssue), "edit_during_dispatch" or "learn_run" (its end)


@dataclass(frozen=True)
class MergeRecord:
    repo: str
    number: int
    method: str  # MERGE | SQUASH | REBASE
    time: float


@dataclass(frozen=True)
class BranchDeletion:
    repo: str
    branch: str
    time: float


@dataclass
class Fault:
    status: int
    count: int
    retry_after: float | None = None
    message: str | None = None
    after: bool = False  # True: handle the request normally, then answer the error
    when: dict[str, str] = field(default_factory=dict)  # only requests with these parameters

    def matches(self, params: dict[str, str]) -> bool:
        return all(params.get(key) == value for key, value in self.when.items())


@dataclass
class RateLimit:
    limit: int
    window: float
    retry_after: int
    hits: list[float] = field(default_factory=list)  # times of the requests let through
    fresh_at: float | None = None  # Retry-After seconds after the last refusal: a fresh window


@dataclass
class DispatchEdit:
    number: int
    transform: Callable[[str], str]
    repo: str | None


@dataclass
class Core:
    state: SandboxState
    state_file: Path | None = None
    run_delay: float = 0.0
    lock: threading.RLock = field(default_factory=threading.RLock)
    requests: list[RequestRecord] = field(default_factory=list)
    dispatches: list[DispatchRecord] = field(default_factory=list)
    edits: list[EditRecord] = field(default_factory=list)
    merges: list[MergeRecord] = field(default_factory=list)
    branch_deletions: list[BranchDeletion] = field(default_factory=list)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    dispatch_edits: list[DispatchEdit] = field(default_factory=list)
    rate_limit: RateLimit | None = None
    dirty: bool = False
    seen: int | None = None  # the state file's mtime (ns) when last read or written
    params: dict[str, str] = field(default_factory=dict)  # the request being answered

    # ---------------------------------------------------------------- knobs
    def add_fault(self, endpoint: str, fault: Fault) -> None:
        if endpoint not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {endpoint!r}; expected one of {sorted(ENDPOINTS)}")
        if fault.count < 1:
            raise ValueError("count must be at least 1")
        if not 400 <= fault.status <= 599:
            raise ValueError(
                f"status must be an HTTP error status (4xx or 5xx), not {fault.status}"
            )
        with self.lock:
            self.faults.setdefault(endpoint, []).append(fault)

    def take_fault(self, endpoint: str) -> Fault | None:
        """The first fault queued for ``endpoint`` whose ``when`` the current request's
        ``params`` (route parameters and query) match, one use of it taken."""
        with self.lock:
            queue = self.faults.get(endpoint, [])
            fault = next((f for f in queue if f.matches(self.params)), None)
            if fault is None:
                return None
            fault.count -= 1
            if fault.count == 0:
                queue.remove(fault)
            return fault

    def secondary_limit(self, creating: bool) -> ApiError | None:
        """GitHub's 403 when a content-creating request is one too many for the window."""
        with self.lock:
            limit = self.rate_limit
            if limit is None or not creating:
                return None
            now = time.time()
            if limit.fresh_at is not None and now >= limit.fresh_at:
                # GitHub's word: retry once Retry-After has passed, and the retry goes through
                limit.hits, limit.fresh_at = [], None
            limit.hits = [t for t in limit.hits if t > now - limit.window]
            if len(limit.hits) < limit.limit:
                limit.hits.append(now)
                return None
            limit.fresh_at = now + limit.retry_after
            u = uuid.uuid4().hex.upper()
            request_id = f"{u[:4]}:{u[4:8]}:{u[8:15]}:{u[15:22]}:{u[22:30]}"
            headers = {"Retry-After": str(limit.retry_after), "X-GitHub-Request-Id": request_id}
            return ApiError(403, _SECONDARY.format(request_id), headers)

    def schedule(self, run: Run, start: float, after: float, conclusion: str) -> None:
        """``run`` goes in_progress at ``start + after/2`` (if queued), completed at ``+ after``."""
        check_run(conclusion=conclusion, after=after)
        self.dirty = True
        run.start_at, run.finish_at = start + after / 2, start + after
        run.finish_conclusion = conclusion

    def settle(self) -> None:
        """Bring the scheduled runs to where they are now (lazily, on every request); a learn
        run that ends in success records its outcome as the learn workflow's last step does."""
        now = time.time()
        for repo in self.state.repos:
            for run in repo.runs:
                if run.finish_at is not None and run.settle(now):
                    self.dirty = True
                    if run.status == "completed" and run.conclusion == "success":
                        self.record_learned(repo, run)

    def record_learned(self, repo: Repo, run: Run) -> None:
        """``learnlib record-learn --status completed_no_plan --run-id ID`` for the plan the run
        learned from: left alone when the header waits for another run (a newer dispatch)."""
        issue = repo.issue(int(run.inputs.get("issue_number") or 0))
        if issue is None:
            return
        try:
            waits = read_header(issue.body).get("learn_run_id")
            if not is_empty(waits) and str(waits) != str(run.id):
                return
            body = set_values(issue.body, {"learn_status": LEARNED, "learn_run_id": str(run.id)})
        except PlanHeaderError:
            return
        self.edit_issue(repo, issue, body, "learn_run")

    def run_dispatch_edits(self, repo: Repo) -> None:
        """Apply the pending ``edit_during_dispatch`` transforms meant for ``repo``."""
        with self.lock:
            pending = [e for e in self.dispatch_edits if e.repo in (None, repo.full_name)]
            for edit in pending:
                self.dispatch_edits.remove(edit)
                issue = repo.issue(edit.number)
                if issue is not None:
                    self.edit_issue(repo, issue, edit.transform(issue.body), "edit_during_dispatch")

    # ---------------------------------------------------------------- shared operations
    def repo(self, full_name: str) -> Repo | None:
        return self.state.repo(full_name)

    def edit_issue(self, repo: Repo, issue: Issue, body: str, source: str = "api") -> None:
        with self.lock:
            issue.body = body
            issue.updated_at = iso_now()
            self.edits.append(EditRecord(repo.full_name, issue.number, body, time.time(), source))
            self.dirty = True

    @contextmanager
    def synced(self) -> Iterator[None]:
        """Hold the lock (and, with a state file, the file's lock) for one request: the state is
        read again first if another process changed the file, and saved after if it changed."""
        with self.lock:
            if self.state_file is None:
                yield
                return
            with _locked(self.state_file):
                self.reload()
                try:
                    yield
                finally:
                    self.save()

    def reload(self) -> None:
        """Read the state file again when another process wrote it since we last did."""
        path = self.state_file
        if path is None or not path.exists() or path.stat().st_mtime_ns == self.seen:
            return
        self.state = SandboxState.from_json(path.read_text(encoding="utf-8"))
        self.seen = path.stat().st_mtime_ns

    def save(self) -> None:
        """Write the state file (atomically) if one is configured and something changed."""
        with self.lock:
            if self.state_file is None or not self.dirty:
                return
            text = self.state.to_json()
            self.state_file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".sandbox-", dir=self.state_file.parent)
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
            Path(tmp).replace(self.state_file)
            self.seen = self.state_file.stat().st_mtime_ns
            self.dirty = False


@contextmanager
def _locked(state_file: Path) -> Iterator[None]:
    """An exclusive lock beside the state file, across processes (where fcntl exists)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: one process at a time is the rule there
        yield
        return
    state_file.parent.mkdir(parents=True, exist_ok=True)
    with open(state_file.with_name(state_file.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
