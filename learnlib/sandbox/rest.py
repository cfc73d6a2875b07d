"""REST routes of the GitHub double: Actions workflows, dispatches, runs, and branch deletion."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from learnlib.sandbox.core import API_URL, WEB_URL, ApiError, BranchDeletion, Core, DispatchRecord
from learnlib.sandbox.state import Repo, Run, Workflow, iso_now

__all__ = ["Reply", "Route", "create_run", "handle", "match_route", "run_json"]

_INPUT_EXPR = re.compile(r"\$\{\{\s*(?:github\.event\.)?inputs\.([A-Za-z_][\w-]*)\s*\}\}")


@dataclass(frozen=True)
class Reply:
    status: int
    payload: Any = None  # JSON-serialisable, or None for an empty body
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Call:
    """One REST request, resolved to its repository: what a route handler gets."""

    core: Core
    repo: Repo
    path: str
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


def _parse(wf: Workflow) -> dict[str, Any]:
    try:
        data = YAML(typ="safe", pure=True).load(wf.yaml)
    except YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def dispatch_inputs(wf: Workflow) -> dict[str, Any] | None:
    """The file's ``workflow_dispatch`` inputs by name, or None without that trigger."""
    on = _parse(wf).get("on")
    if on == "workflow_dispatch" or (isinstance(on, list) and "workflow_dispatch" in on):
        return {}
    if not isinstance(on, dict) or "workflow_dispatch" not in on:
        return None
    spec = on["workflow_dispatch"]
    inputs = spec.get("inputs") if isinstance(spec, dict) else None
    if not isinstance(inputs, dict):
        return {}
    return {str(k): v if isinstance(v, dict) else {} for k, v in inputs.items()}


def _run_name(wf: Workflow, inputs: dict[str, Any]) -> str:
    """The run's display title: the file's run-name with input expressions filled in."""
    template = _parse(wf).get("run-name")
    if not isinstance(template, str):
        return wf.name
    return _INPUT_EXPR.sub(lambda m: str(inputs.get(m.group(1), "")), template).strip()


# ---------------------------------------------------------------------------------- helpers


def _paged(call: Call, key: str, items: list[Any], render: Callable[[Any], Any]) -> Reply:
    """One page of ``items`` as GitHub lists them, with its ``Link`` header (gh follows it)."""
    try:
        per_page = min(max(int(call.query.get("per_page", ["30"])[0]), 1), 100)
        page = max(int(call.query.get("page", ["1"])[0]), 1)
    except ValueError as err:
        raise ApiError(422, "Invalid request: per_page and page must be integers.") from err
    last = max(1, -(-len(items) // per_page))
    query = {k: v[0] for k, v in call.query.items()}
    pages = {"prev": page - 1, "next": page + 1, "last": last, "first": 1}
    links = [
        f'<{API_URL}{call.path}?{urlencode({**query, "page": n})}>; rel="{rel}"'
        for rel, n in pages.items()
        if (rel in ("prev", "first") and page > 1) or (rel in ("next", "last") and page < last)
    ]
    shown = [render(item) for item in items[(page - 1) * per_page : page * per_page]]
    return Reply(
        200, {"total_count": len(items), key: shown}, {"Link": ", ".join(links)} if links else {}
    )


def _workflow(repo: Repo, key: str) -> Workflow:
    wf = repo.workflow(unquote(key))
    if wf is None:
        raise ApiError(404, "Not Found")
    return wf


def _branch(repo: Repo, ref: str) -> str | None:
    branch = ref.removeprefix("refs/heads/")
    return branch if branch in repo.branches else None


def _visible_runs(call: Call, workflow_id: int | None) -> Reply:
    repo, query, now = call.repo, call.query, time.time()
    runs = [r for r in repo.runs if r.visible_at <= now]
    if workflow_id is not None:
        runs = [r for r in runs if r.workflow_id == workflow_id]
    for key, attr in (("event", "event"), ("branch", "head_branch"), ("actor", "actor")):
        if query.get(key):
            runs = [r for r in runs if getattr(r, attr) == query[key][0]]
    if query.get("status"):
        wanted = query["status"][0]
        runs = [r for r in runs if wanted in (r.status, r.conclusion)]
    runs.sort(key=lambda r: (r.created_at, r.id), reverse=True)  # newest first
    return _paged(call, "workflow_runs", runs, lambda run: run_json(repo, run))


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
    return _paged(call, "workflows", call.repo.workflows, lambda wf: workflow_json(call.repo, wf))


def _get_workflow(call: Call) -> Reply:
    return Reply(200, workflow_json(call.repo, _workflow(call.repo, call.params["workflow"])))


def _workflow_runs(call: Call) -> Reply:
    workflow = _workflow(call.repo, call.params["workflow"])
    return _visible_runs(call, workflow.id)


def _repo_runs(call: Call) -> Reply:
    return _visible_runs(call, None)


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


def _contents(call: Call) -> Reply:
    repo, path = call.repo, unquote(call.params["path"])
    ref = call.query.get("ref", [repo.default_branch])[0]
    if _branch(repo, ref) is None:
        raise ApiError(404, f"No commit found for the ref {ref}")
    wf = next((w for w in repo.workflows if w.path == path), None)
    if wf is None:
        raise ApiError(404, "Not Found")
    data = wf.yaml.encode()
    text = base64.b64encode(data).decode()
    sha = hashlib.sha1(b"blob %d\0%b" % (len(data), data)).hexdigest()  # noqa: S324 - git's id
    links = {
        "self": f"{_repo_url(repo)}/contents/{path}?ref={ref}",
        "git": f"{_repo_url(repo)}/git/blobs/{sha}",
        "html": f"{WEB_URL}/{repo.full_name}/blob/{ref}/{path}",
    }
    return Reply(
        200,
        {
            "type": "file",
            "encoding": "base64",
            "size": len(data),
            "name": wf.file_name,
            "path": path,
            "content": "".join(f"{text[i : i + 60]}\n" for i in range(0, len(text), 60)),
            "sha": sha,
            "url": links["self"],
            "git_url": links["git"],
            "html_url": links["html"],
            "download_url": f"{WEB_URL}/{repo.full_name}/raw/{ref}/{path}",
            "_links": links,
        },
    )


def _delete_branch(call: Call) -> Reply:
    repo, ref = call.repo, unquote(call.params["ref"])  # gh 2.98+ sends heads%2F<branch>
    branch = ref.removeprefix("heads/")
    if branch == ref or branch not in repo.branches:
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
    branch = _branch(repo, ref)
    if branch is None:
        raise ApiError(422, f"No ref found for: {ref}")
    declared = dispatch_inputs(wf)
    if declared is None:
        raise ApiError(422, "Workflow does not have 'workflow_dispatch' trigger")
    if wf.state != "active":
        raise ApiError(422, "Cannot trigger a 'workflow_dispatch' on a disabled workflow")
    unexpected = sorted(k for k in inputs if k not in declared)
    if unexpected:
        raise ApiError(422, f"Unexpected inputs provided: {json.dumps(unexpected)}")
    for name, spec in declared.items():
        if spec.get("required") is True and "default" not in spec and name not in inputs:
            raise ApiError(422, f"Required input '{name}' not provided")

    core = call.core
    core.run_dispatch_edits(repo)
    run = create_run(core, repo, wf, _run_name(wf, inputs), branch=branch, inputs=inputs)
    run.visible_at = time.time() + core.run_delay
    if core.finish_after is not None:
        core.schedule(run, time.time(), core.finish_after, core.finish_conclusion)
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


def create_run(
    core: Core,
    repo: Repo,
    wf: Workflow,
    title: str,
    *,
    branch: str | None = None,
    inputs: dict[str, Any] | None = None,
    event: str = "workflow_dispatch",
    created_at: str | None = None,
) -> Run:
    """A new queued run with the next id (ids only grow), visible at once."""
    branch = branch or repo.default_branch
    run_id = repo.next_run_id
    repo.next_run_id += 1
    number = 1 + max((r.run_number for r in repo.runs if r.workflow_id == wf.id), default=0)
    stamp = created_at or iso_now()
    run = Run(
        id=run_id,
        workflow_id=wf.id,
        display_title=title,
        run_number=number,
        event=event,
        head_branch=branch,
        head_sha=hashlib.sha1(f"{repo.full_name}@{branch}".encode()).hexdigest(),  # noqa: S324
        created_at=stamp,
        updated_at=stamp,
        actor="sandbox-user",
        inputs=dict(inputs or {}),
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
    Route("DELETE", re.compile(_REPO + r"/git/refs/(?P<ref>.+)"), "branch_delete", _delete_branch),
    Route("GET", re.compile(_REPO + r"/contents/(?P<path>.+)"), "contents_get", _contents),
]


def match_route(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route in ROUTES:
        m = route.pattern.fullmatch(path)
        if m and route.method == method:
            return route, m.groupdict()
    return None


def handle(
    core: Core, route: Route, params: dict[str, str], *, path: str, query: str, body: bytes
) -> Reply:
    """Run a matched route against the state (the caller holds ``core.lock``)."""
    repo = core.repo(f"{unquote(params['owner'])}/{unquote(params['name'])}")
    if repo is None:
        raise ApiError(404, "Not Found")
    core.settle(repo)
    return route.handler(Call(core, repo, path, params, parse_qs(query), body))
