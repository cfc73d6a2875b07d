"""REST routes of the GitHub double: Actions workflows, dispatches, runs, and branch deletion."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

from learnlib.sandbox.core import API_URL, WEB_URL, ApiError, BranchDeletion, Core, DispatchRecord
from learnlib.sandbox.state import Repo, Run, Workflow, iso_now

__all__ = ["Call", "Reply", "Route", "handle", "match_route", "render_run_name", "run_json"]

_INPUT_EXPR = re.compile(r"\$\{\{\s*(?:github\.event\.)?inputs\.([A-Za-z_][\w-]*)\s*\}\}")


@dataclass(frozen=True)
class Reply:
    status: int
    payload: Any = None  # JSON-serialisable, or None for an empty body


@dataclass(frozen=True)
class Call:
    """One REST request, resolved to its repository: what a route handler gets."""

    core: Core
    repo: Repo
    params: dict[str, str]  # named groups of the route pattern, still URL-encoded
    query: dict[str, list[str]]
    body: bytes


Handler = Callable[[Call], Reply]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    endpoint: str
    handler: Handler


# ---------------------------------------------------------------------------------- JSON shapes


def _repo_url(repo: Repo) -> str:
    return f"{API_URL}/repos/{repo.full_name}"


def workflow_json(repo: Repo, wf: Workflow) -> dict[str, Any]:
    return {
        "id": wf.id,
        "node_id": f"W_{wf.id}",
        "name": wf.name,
        "path": wf.path,
        "state": wf.state,
        "created_at": wf.created_at,
        "updated_at": wf.updated_at,
        "url": f"{_repo_url(repo)}/actions/workflows/{wf.id}",
        "html_url": f"{WEB_URL}/{repo.full_name}/blob/{repo.default_branch}/{wf.path}",
        "badge_url": f"{WEB_URL}/{repo.full_name}/workflows/{wf.name}/badge.svg",
    }


def run_json(repo: Repo, run: Run) -> dict[str, Any]:
    wf = repo.workflow(run.workflow_id)
    api = f"{_repo_url(repo)}/actions/runs/{run.id}"
    actor = {"login": run.actor, "id": 1, "type": "User"}
    repo_obj = {
        "id": 1,
        "name": repo.name,
        "full_name": repo.full_name,
        "owner": {"login": repo.owner},
    }
    return {
        "id": run.id,
        "name": wf.name if wf else "",
        "node_id": f"WFR_{run.id}",
        "head_branch": run.head_branch,
        "head_sha": run.head_sha,
        "path": wf.path if wf else "",
        "display_title": run.display_title,
        "run_number": run.run_number,
        "run_attempt": 1,
        "event": run.event,
        "status": run.status,
        "conclusion": run.conclusion,
        "workflow_id": run.workflow_id,
        "url": api,
        "html_url": f"{WEB_URL}/{repo.full_name}/actions/runs/{run.id}",
        "pull_requests": [],
        "created_at": run.created_at,
        "updated_at": run.updated_at,
        "run_started_at": run.created_at,
        "actor": actor,
        "triggering_actor": actor,
        "jobs_url": f"{api}/jobs",
        "logs_url": f"{api}/logs",
        "artifacts_url": f"{api}/artifacts",
        "cancel_url": f"{api}/cancel",
        "rerun_url": f"{api}/rerun",
        "workflow_url": f"{_repo_url(repo)}/actions/workflows/{run.workflow_id}",
        "head_commit": {
            "id": run.head_sha,
            "message": run.display_title,
            "timestamp": run.created_at,
            "author": {"name": run.actor, "email": f"{run.actor}@users.noreply.github.localhost"},
        },
        "repository": repo_obj,
        "head_repository": repo_obj,
    }


def render_run_name(wf: Workflow, inputs: dict[str, Any]) -> str:
    """The run's display title: the workflow's run-name with input expressions filled in."""
    if not wf.run_name:
        return wf.name
    return _INPUT_EXPR.sub(lambda m: str(inputs.get(m.group(1), "")), wf.run_name)


# ---------------------------------------------------------------------------------- helpers


def _paged(items: list[Any], query: dict[str, list[str]]) -> list[Any]:
    try:
        per_page = min(max(int(query.get("per_page", ["30"])[0]), 1), 100)
        page = max(int(query.get("page", ["1"])[0]), 1)
    except ValueError as err:
        raise ApiError(422, "Invalid request: per_page and page must be integers.") from err
    return items[(page - 1) * per_page : page * per_page]


def _workflow(repo: Repo, key: str) -> Workflow:
    wf = repo.workflow(unquote(key))
    if wf is None:
        raise ApiError(404, "Not Found")
    return wf


def _visible_runs(repo: Repo, query: dict[str, list[str]], workflow_id: int | None) -> Reply:
    now = time.time()
    runs = [r for r in repo.runs if r.visible_at <= now]
    if workflow_id is not None:
        runs = [r for r in runs if r.workflow_id == workflow_id]
    for key, attr in (("event", "event"), ("branch", "head_branch"), ("actor", "actor")):
        if query.get(key):
            runs = [r for r in runs if getattr(r, attr) == query[key][0]]
    if query.get("status"):
        wanted = query["status"][0]
        runs = [r for r in runs if wanted in (r.status, r.conclusion)]
    runs.sort(key=lambda r: r.id, reverse=True)  # newest first (ids grow over time)
    page = [run_json(repo, r) for r in _paged(runs, query)]
    return Reply(200, {"total_count": len(runs), "workflow_runs": page})


# ---------------------------------------------------------------------------------- handlers


def _get_repo(call: Call) -> Reply:
    repo = call.repo
    return Reply(
        200,
        {
            "id": 1,
            "name": repo.name,
            "full_name": repo.full_name,
            "owner": {"login": repo.owner, "type": repo.owner_type},
            "private": False,
            "html_url": f"{WEB_URL}/{repo.full_name}",
            "url": _repo_url(repo),
            "default_branch": repo.default_branch,
        },
    )


def _list_workflows(call: Call) -> Reply:
    items = [workflow_json(call.repo, wf) for wf in call.repo.workflows]
    return Reply(200, {"total_count": len(items), "workflows": _paged(items, call.query)})


def _get_workflow(call: Call) -> Reply:
    return Reply(200, workflow_json(call.repo, _workflow(call.repo, call.params["workflow"])))


def _workflow_runs(call: Call) -> Reply:
    workflow = _workflow(call.repo, call.params["workflow"])
    return _visible_runs(call.repo, call.query, workflow.id)


def _repo_runs(call: Call) -> Reply:
    return _visible_runs(call.repo, call.query, None)


def _get_run(call: Call) -> Reply:
    run = call.repo.run(int(call.params["run_id"]))
    if run is None or run.visible_at > time.time():
        raise ApiError(404, "Not Found")
    return Reply(200, run_json(call.repo, run))


def _run_jobs(call: Call) -> Reply:
    _get_run(call)
    return Reply(200, {"total_count": 0, "jobs": []})


def _run_artifacts(call: Call) -> Reply:
    _get_run(call)
    return Reply(200, {"total_count": 0, "artifacts": []})


def _delete_branch(call: Call) -> Reply:
    repo, branch = call.repo, unquote(call.params["branch"])
    if branch not in repo.branches:
        raise ApiError(422, "Reference does not exist")
    if branch == repo.default_branch:
        raise ApiError(422, "Cannot delete the default branch")
    repo.branches.remove(branch)
    call.core.branch_deletions.append(BranchDeletion(repo.full_name, branch, time.time()))
    call.core.dirty = True
    return Reply(204)


def _dispatch(call: Call) -> Reply:
    repo = call.repo
    wf = _workflow(repo, call.params["workflow"])
    try:
        data = json.loads(call.body or b"{}")
    except ValueError as err:
        raise ApiError(400, "Problems parsing JSON") from err
    if not isinstance(data, dict):
        raise ApiError(400, "Problems parsing JSON")
    ref = data.get("ref")
    inputs = data.get("inputs") or {}
    if not isinstance(ref, str) or not ref:
        raise ApiError(422, 'Invalid request.\n\n"ref" wasn\'t supplied.')
    if not isinstance(inputs, dict):
        raise ApiError(422, "Invalid request.\n\nFor 'properties/inputs', it is not an object.")
    if not wf.has_dispatch:
        raise ApiError(422, "Workflow does not have 'workflow_dispatch' trigger")
    if wf.state != "active":
        raise ApiError(422, "Cannot trigger a 'workflow_dispatch' on a disabled workflow")
    branch = ref.removeprefix("refs/heads/")
    if branch not in repo.branches:
        raise ApiError(422, f"No ref found for: {ref}")
    unexpected = sorted(k for k in inputs if k not in wf.inputs)
    if unexpected:
        raise ApiError(422, f"Unexpected inputs provided: {json.dumps(unexpected)}")
    for name in wf.required_inputs:
        if name not in inputs:
            raise ApiError(422, f"Required input '{name}' not provided")

    call.core.run_dispatch_edits(repo)
    run = _create_run(call.core, repo, wf, branch, inputs)
    call.core.dispatches.append(
        DispatchRecord(repo.full_name, wf.file_name, wf.id, ref, dict(inputs), time.time(), run.id)
    )
    if data.get("return_run_details") is True:
        details = run_json(repo, run)
        return Reply(
            200,
            {
                "workflow_run_id": run.id,
                "run_url": details["url"],
                "html_url": details["html_url"],
            },
        )
    return Reply(204)


def _create_run(core: Core, repo: Repo, wf: Workflow, branch: str, inputs: dict[str, Any]) -> Run:
    run_id = repo.next_run_id
    repo.next_run_id += 1
    number = 1 + max((r.run_number for r in repo.runs if r.workflow_id == wf.id), default=0)
    now = iso_now()
    run = Run(
        id=run_id,
        workflow_id=wf.id,
        display_title=render_run_name(wf, inputs),
        run_number=number,
        head_branch=branch,
        head_sha=hashlib.sha1(f"{repo.full_name}@{branch}".encode()).hexdigest(),  # noqa: S324
        created_at=now,
        updated_at=now,
        actor="sandbox-user",
        inputs=dict(inputs),
        visible_at=time.time() + core.run_delay,
    )
    repo.runs.append(run)
    core.dirty = True
    return run


# ---------------------------------------------------------------------------------- routing

_REPO = r"/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)"
ROUTES = [
    Route("GET", re.compile(_REPO), "repo_get", _get_repo),
    Route("GET", re.compile(_REPO + r"/actions/workflows"), "workflow_list", _list_workflows),
    Route(
        "GET",
        re.compile(_REPO + r"/actions/workflows/(?P<workflow>[^/]+)"),
        "workflow_get",
        _get_workflow,
    ),
    Route(
        "POST",
        re.compile(_REPO + r"/actions/workflows/(?P<workflow>[^/]+)/dispatches"),
        "workflow_dispatch",
        _dispatch,
    ),
    Route(
        "GET",
        re.compile(_REPO + r"/actions/workflows/(?P<workflow>[^/]+)/runs"),
        "run_list",
        _workflow_runs,
    ),
    Route("GET", re.compile(_REPO + r"/actions/runs"), "run_list", _repo_runs),
    Route("GET", re.compile(_REPO + r"/actions/runs/(?P<run_id>\d+)"), "run_view", _get_run),
    Route("GET", re.compile(_REPO + r"/actions/runs/(?P<run_id>\d+)/jobs"), "run_jobs", _run_jobs),
    Route(
        "GET",
        re.compile(_REPO + r"/actions/runs/(?P<run_id>\d+)/artifacts"),
        "run_artifacts",
        _run_artifacts,
    ),
    Route(
        "DELETE",
        re.compile(_REPO + r"/git/refs/heads/(?P<branch>.+)"),
        "branch_delete",
        _delete_branch,
    ),
]


def match_route(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route in ROUTES:
        m = route.pattern.fullmatch(path)
        if m and route.method == method:
            return route, m.groupdict()
    return None


def handle(core: Core, route: Route, params: dict[str, str], query: str, body: bytes) -> Reply:
    """Run a matched route against the state (the caller holds ``core.lock``)."""
    repo = core.repo(f"{unquote(params['owner'])}/{unquote(params['name'])}")
    if repo is None:
        raise ApiError(404, "Not Found")
    return route.handler(Call(core, repo, params, parse_qs(query), body))
