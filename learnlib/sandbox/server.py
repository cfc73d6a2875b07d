"""The HTTP side of the GitHub double: a loopback server that the real gh reaches through a proxy.

gh, with ``GH_HOST=github.localhost``, talks plain HTTP to ``http://api.github.localhost/``; with
``HTTP_PROXY`` pointing here, requests arrive as absolute URIs (``POST http://api.github.localhost/
graphql``). Direct requests (``POST /graphql`` with ``Host: api.github.localhost``) work too.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, Self, TypeVar
from urllib.parse import parse_qs, urlsplit

from learnlib.sandbox import rest
from learnlib.sandbox.core import (
    ApiError,
    BranchDeletion,
    Core,
    DispatchEdit,
    DispatchRecord,
    EditRecord,
    Fault,
    MergeRecord,
    RateLimit,
    RequestRecord,
    check_run,
)
from learnlib.sandbox.rest import Reply
from learnlib.sandbox.schema import answer, operation_info
from learnlib.sandbox.seed import DEMO_REPO, demo_state
from learnlib.sandbox.state import Issue, LearnRuns, Repo, Run, SandboxState, Workflow

_DOCS = "https://docs.github.com/rest"
_R = TypeVar("_R")


class _Records(Generic[_R]):
    """A read-only attribute: a copy of the core's list of the same name, under its lock."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, sandbox: SandboxGitHub, owner: type | None = None) -> list[_R]:
        with sandbox.core.lock:
            return list(getattr(sandbox.core, self.name))


_GRAPHQL_OPERATIONS = {
    "IssueByNumber": "issue_view",
    "RepositoryInfo": "repo_info",
    "PullRequestByNumber": "pr_view",
    "PullRequestForBranch": "pr_view",
}
_GRAPHQL_ROOT_FIELDS = {
    "updateIssue": "issue_edit",
    "mergePullRequest": "pr_merge",
    "__type": "introspection",
}
_DEFAULT_MESSAGES = {
    401: "Bad credentials",
    403: "API rate limit exceeded for user ID 1.",
    404: "Not Found",
    422: "Validation Failed",
    429: "You have exceeded a secondary rate limit. Please wait a few minutes and try again.",
}


def _error(status: int, message: str | None = None, headers: dict[str, str] | None = None) -> Reply:
    text = message or _DEFAULT_MESSAGES.get(status) or HTTPStatus(status).phrase
    return Reply(status, {"message": text, "documentation_url": _DOCS}, headers or {})


class SandboxGitHub:
    """An in-memory GitHub API double on 127.0.0.1, for running the real gh against.

    Knobs: ``latency`` (seconds added to every request), ``run_delay`` (a dispatched run shows in
    run list/view only after this many seconds) and the methods below; records are snapshots.
    """

    def __init__(
        self,
        state: SandboxState | None = None,
        *,
        latency: float = 0.0,
        state_file: Path | str | None = None,
    ) -> None:
        path = Path(state_file) if state_file is not None else None
        if state is None and path is not None and path.exists():
            state = SandboxState.from_json(path.read_text(encoding="utf-8"))
        self.core = Core(state if state is not None else demo_state(), path)
        self.core.dirty = path is not None  # write the file as soon as the sandbox starts
        self.latency = latency
        self._httpd: _QuietServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self, port: int = 0) -> Self:
        """Bind 127.0.0.1 (``port`` 0: any free port) and serve in a daemon thread."""
        if self._httpd is not None:
            return self
        httpd = _QuietServer(("127.0.0.1", port), _Handler)
        httpd.sandbox = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name="sandbox-github",
        )
        self._thread.start()
        self.core.save()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.core.save()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the sandbox is not started")
        return int(self._httpd.server_address[1])

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def gh_env(self, tmpdir: Path, repo: str | None = None) -> dict[str, str]:
        """A complete environment for running the real gh against this sandbox.

        Based on ``os.environ`` (PATH, HOME survive) minus any GitHub settings of the caller; gh
        gets its own config dir, TMPDIR and XDG_CACHE_HOME under ``tmpdir`` (gh caches answers
        for 24 hours under ``$TMPDIR/gh-cli-cache``, 2.86 and later under ``$XDG_CACHE_HOME/gh``).
        Run gh outside any git checkout, or pass ``--repo``/``repo``.
        """
        config, tmp, cache = (Path(tmpdir) / name for name in ("gh-config", "gh-tmp", "gh-cache"))
        for directory in (config, tmp, cache):
            directory.mkdir(parents=True, exist_ok=True)
        dropped = {"GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN", "GH_DEBUG"}
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("GH_")
            and k not in dropped
            and k.lower() not in {"no_proxy", "http_proxy", "https_proxy", "all_proxy"}
        }
        env.update(
            GH_HOST="github.localhost",
            GH_TOKEN="sandbox-token",  # noqa: S106 - any token will do for the double
            HTTP_PROXY=self.proxy_url,
            http_proxy=self.proxy_url,
            GH_CONFIG_DIR=str(config),
            TMPDIR=str(tmp),
            XDG_CACHE_HOME=str(cache),
            GH_NO_UPDATE_NOTIFIER="1",
            GH_PROMPT_DISABLED="1",
            GH_PAGER="cat",
            NO_COLOR="1",
        )
        if repo:
            env["GH_REPO"] = repo
        return env

    # ------------------------------------------------------------------ knobs
    @property
    def run_delay(self) -> float:
        return self.core.run_delay

    @run_delay.setter
    def run_delay(self, seconds: float) -> None:
        with self.core.lock:
            self.core.run_delay = seconds

    def fail_next(
        self,
        endpoint: str,
        status: int,
        count: int = 1,
        *,
        retry_after: float | None = None,
        message: str | None = None,
        page: int | None = None,
        run_id: int | None = None,
    ) -> None:
        """The next ``count`` requests to ``endpoint`` get HTTP ``status`` and change nothing.

        ``page``: only requests for that page of a listing (``page=N``; a listing whose seventh
        page fails). ``run_id``: only requests about that run (``fail_next("run_view", 404,
        run_id=ID)``: a run that answers 404 once, then appears). A large ``count`` makes an
        endpoint fail for good (``fail_next("artifact_list", 403, 10**6)``).
        """
        when = {k: str(v) for k, v in (("page", page), ("run_id", run_id)) if v is not None}
        self.core.add_fault(endpoint, Fault(status, count, retry_after, message, when=when))

    def fail_after(
        self, endpoint: str, status: int, count: int = 1, *, message: str | None = None
    ) -> None:
        """The next ``count`` requests to ``endpoint`` take effect, then answer ``status``."""
        self.core.add_fault(endpoint, Fault(status, count, None, message, after=True))

    def edit_during_dispatch(
        self, number: int, transform: Callable[[str], str], *, repo: str | None = None
    ) -> None:
        """When the next dispatch arrives, first replace issue ``number``'s body with
        ``transform(body)``: a human editing the issue while the dispatch is in flight."""
        with self.core.lock:
            self.core.dispatch_edits.append(DispatchEdit(number, transform, repo))

    def set_workflow_yaml(self, file: str, text: str, repo: str = DEMO_REPO) -> None:
        """Replace the text of workflow ``file`` (e.g. ``learn-async.yml``): what ``contents/``
        serves and what a dispatch is checked against (trigger, declared and required inputs,
        run-name)."""
        with self.core.lock:
            self._workflow(repo, file)[1].yaml = text
            self.core.dirty = True

    def add_run(
        self,
        workflow: str = "learn-async.yml",
        *,
        title: str,
        status: str = "completed",
        conclusion: str | None = "success",
        event: str = "workflow_dispatch",
        created_at: str | None = None,
        repo: str = DEMO_REPO,
    ) -> int:
        """Add a run of ``workflow`` (visible at once, next id) and return its id. A run whose
        status is not ``completed`` has no conclusion; ``created_at`` defaults to now."""
        check_run(status, conclusion)
        with self.core.lock:
            target, wf = self._workflow(repo, workflow)
            run = rest.create_run(self.core, target, wf, title, event=event, created_at=created_at)
            run.status = status
            run.conclusion = conclusion if status == "completed" else None
            return run.id

    def set_run_status(
        self, run_id: int, status: str, conclusion: str | None = None, *, repo: str = ""
    ) -> None:
        """Move a run on (e.g. to ``completed``/``success``); it cancels a scheduled finish."""
        check_run(status, conclusion)
        with self.core.lock:
            run = self._run(run_id, repo)
            run.status, run.conclusion = status, conclusion
            run.start_at = run.finish_at = None
            self.core.dirty = True

    def finish_runs(self, after: float | None, conclusion: str = "success") -> None:
        """Every run dispatched from now on is queued, in_progress from ``after/2`` seconds after
        its creation, and completed with ``conclusion`` at ``after`` seconds (``None``: runs stay
        queued). Evaluated lazily on every request; kept in the state (and its file). A learn
        run that succeeds records ``completed_no_plan`` and its id in the plan header, as the
        learn workflow's last step (``record-learn``) does."""
        check_run(conclusion=conclusion, after=after or 0.0)
        with self.core.lock:
            self.core.state.runs = LearnRuns(after, conclusion)
            self.core.dirty = True

    def finish_run_after(
        self, run_id: int, after: float, conclusion: str = "success", *, repo: str = ""
    ) -> None:
        """Run ``run_id`` goes in_progress in ``after/2`` seconds (if queued) and completes with
        ``conclusion`` in ``after`` seconds from now."""
        with self.core.lock:
            self.core.schedule(self._run(run_id, repo), time.time(), after, conclusion)

    def secondary_rate_limit(self, limit: int, window: float, retry_after: int = 60) -> None:
        """Past ``limit`` content-creating requests (POST/PATCH/PUT/DELETE, GraphQL mutations)
        in any ``window`` seconds, answer GitHub's 403 "You have exceeded a secondary rate
        limit..." with ``Retry-After: retry_after`` and change nothing. Refused requests do not
        count towards the window; once ``retry_after`` seconds have passed since a refusal, the
        window starts afresh, so a retry made when GitHub said goes through (a long window
        makes the limit met by the count of writes, however fast they come)."""
        if limit < 0 or window <= 0:
            raise ValueError("limit must be zero or more and window more than zero seconds")
        with self.core.lock:
            self.core.rate_limit = RateLimit(limit, window, retry_after)

    def _workflow(self, repo: str, file: str) -> tuple[Repo, Workflow]:
        target = self._repo(repo)
        wf = target.workflow(file)
        if wf is None:
            raise KeyError(f"no workflow {file} in {repo}")
        return target, wf

    def _run(self, run_id: int, repo: str) -> Run:
        for candidate in self.core.state.repos:
            run = candidate.run(run_id)
            if run is not None and repo in ("", candidate.full_name):
                return run
        raise KeyError(f"no run {run_id}")

    # ------------------------------------------------------------------ state and records
    @property
    def state(self) -> SandboxState:
        """The live state; change it only while holding :attr:`lock`."""
        return self.core.state

    @property
    def lock(self) -> threading.RLock:
        return self.core.lock

    def issue(self, number: int, repo: str = DEMO_REPO) -> Issue:
        """The live issue (read it under :attr:`lock` if requests may be in flight)."""
        found = self._repo(repo).issue(number)
        if found is None:
            raise KeyError(f"no issue #{number} in {repo}")
        return found

    def _repo(self, full_name: str) -> Repo:
        found = self.core.repo(full_name)
        if found is None:
            raise KeyError(f"no repository {full_name}")
        return found

    #: Snapshots of what the sandbox saw, taken under the lock.
    requests: _Records[RequestRecord] = _Records()
    dispatches: _Records[DispatchRecord] = _Records()
    edits: _Records[EditRecord] = _Records()
    merges: _Records[MergeRecord] = _Records()
    branch_deletions: _Records[BranchDeletion] = _Records()

    def request_count(
        self, endpoint: str | None = None, *, method: str | None = None, status: int | None = None
    ) -> int:
        """How many requests matched (every filter given must match)."""
        return sum(
            1
            for r in self.requests
            if (endpoint is None or r.endpoint == endpoint)
            and (method is None or r.method == method)
            and (status is None or r.status == status)
        )

    def clear_records(self) -> None:
        with self.core.lock:
            for records in (
                self.core.requests,
                self.core.dispatches,
                self.core.edits,
                self.core.merges,
                self.core.branch_deletions,
            ):
                records.clear()

    # ------------------------------------------------------------------ request handling
    def handle(self, method: str, target: str, body: bytes, headers: dict[str, str]) -> Reply:
        """Answer one request (called by the HTTP handler thread, after the latency)."""
        arrived = time.time()
        incoming = _Incoming.parse(method, target, body, headers)
        with self.core.synced():
            self.core.settle()
            response = self._answer(incoming)
            self.core.requests.append(
                RequestRecord(
                    method,
                    incoming.path + (f"?{incoming.query}" if incoming.query else ""),
                    incoming.operation,
                    incoming.endpoint,
                    body.decode("utf-8", errors="replace"),
                    arrived,
                    response.status,
                )
            )
        return response

    def _answer(self, incoming: _Incoming) -> Reply:
        if not incoming.headers.get("authorization"):
            return _error(401, "Requires authentication")
        limited = self.core.secondary_limit(incoming.creating)
        if limited is not None:
            return _error(limited.status, limited.message, limited.headers)
        self.core.params = incoming.params
        fault = self.core.take_fault(incoming.endpoint)
        if fault is not None and not fault.after:
            retry = fault.retry_after
            return _error(
                fault.status, fault.message, {} if retry is None else {"Retry-After": f"{retry:g}"}
            )
        if incoming.graphql is not None:
            response = self._graphql(incoming.graphql, incoming.headers.get("user-agent", ""))
        elif incoming.route is None:
            response = _error(404)
        else:
            route, params = incoming.route
            try:
                response = rest.handle(
                    self.core,
                    route,
                    params,
                    path=incoming.path,
                    query=incoming.query,
                    body=incoming.body,
                )
            except ApiError as err:
                response = _error(err.status, err.message, err.headers)
        if fault is not None:  # fail_after: the change is made, the answer is an error
            return _error(fault.status, fault.message)
        return response

    def _graphql(self, request: dict[str, Any], agent: str) -> Reply:
        query = request.get("query")
        if not isinstance(query, str):
            return _error(400, "Problems parsing JSON")
        log = os.environ.get("LEARNLIB_SANDBOX_QUERY_LOG")
        if log and agent.startswith("GitHub CLI"):  # for tests/contract: what each gh asks
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"gh": agent, "query": query}) + "\n")
        name = request.get("operationName")
        name = name if isinstance(name, str) else None
        return Reply(200, answer(self.core, query, request.get("variables"), name))


@dataclass
class _Incoming:
    """A request, classified: which symbolic endpoint it hits and how to answer it."""

    method: str
    path: str
    query: str
    body: bytes
    headers: dict[str, str]
    endpoint: str = "unknown"
    operation: str | None = None
    creating: bool = False  # content-creating: counts towards the secondary rate limit
    graphql: dict[str, Any] | None = None  # the decoded GraphQL request, for POST /graphql
    route: tuple[rest.Route, dict[str, str]] | None = None

    @property
    def params(self) -> dict[str, str]:
        """The route's parameters and the query's (first values), for faults that match them."""
        query = {key: values[0] for key, values in parse_qs(self.query).items()}
        return {**query, **(self.route[1] if self.route else {})}

    @classmethod
    def parse(cls, method: str, target: str, body: bytes, headers: dict[str, str]) -> _Incoming:
        url = urlsplit(target)
        path = url.path.removeprefix("/api/v3") or "/"
        incoming = cls(method, path, url.query, body, headers)
        if method == "POST" and path in {"/graphql", "/api/graphql"}:
            try:
                request = json.loads(body)
            except ValueError:
                request = None
            incoming.graphql = request if isinstance(request, dict) else {}
            kind, incoming.operation, incoming.endpoint = _classify_graphql(incoming.graphql)
            incoming.creating = kind == "mutation"
        else:
            incoming.creating = method in {"POST", "PATCH", "PUT", "DELETE"}
            incoming.route = rest.match_route(method, path)
            if incoming.route is not None:
                incoming.endpoint = incoming.route[0].endpoint
        return incoming


def _classify_graphql(request: dict[str, Any]) -> tuple[str, str | None, str]:
    """(operation kind, operation name, symbolic endpoint) of a GraphQL request."""
    query, name = request.get("query"), request.get("operationName")
    if not isinstance(query, str):
        return "invalid", None, "graphql"
    kind, name, fields = operation_info(query, name if isinstance(name, str) else None)
    for root_field in fields:
        if root_field in _GRAPHQL_ROOT_FIELDS:
            return kind, name, _GRAPHQL_ROOT_FIELDS[root_field]
    if kind == "query" and name in _GRAPHQL_OPERATIONS:
        return kind, name, _GRAPHQL_OPERATIONS[name]
    return kind, name, "graphql"


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    sandbox: SandboxGitHub

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-answer is not worth a traceback."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError | TimeoutError):
            print(f"sandbox-github: error answering {client_address}: {exc!r}", file=sys.stderr)


class _Handler(BaseHTTPRequestHandler):
    server: _QuietServer
    server_version = "SandboxGitHub/1.0"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.server.sandbox.latency > 0:
            time.sleep(self.server.sandbox.latency)
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            response = self.server.sandbox.handle(self.command, self.path, body, headers)
        except Exception as exc:  # answer 500 rather than drop the connection
            response = _error(500, f"sandbox error: {exc!r}")
        data = response.payload
        payload = b"" if data is None else json.dumps(data, ensure_ascii=False).encode()
        self.send_response(response.status)
        if payload:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if payload and self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request log lines; see ``SandboxGitHub.requests`` instead."""
