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
from learnlib.sandbox.shapes import (
    artifact_json,
    issue_json,
    job_json,
    repo_url,
    run_json,
    workflow_json,
)
from learnlib.sandbox.state import Issue, PullRequest, Repo, Run, Workflow, iso_now

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


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str
    endpoint: str
    handler: Callable[[Call], Reply]


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


def _paged(call: Call, items: list[Any], render: Callable[[Any], Any], key: str = "") -> Reply:
    """One page of ``items`` as GitHub lists them (``{"total_count", key: [...]}``, or the bare
    list without ``key``), with its ``Link`` header: gh api --paginate follows rel="next"."""
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
    payload = {"total_count": len(items), key: shown} if key else shown
    return Reply(200, payload, {"Link": ", ".join(links)} if links else {})


def _workflow(repo: Repo, key: str) -> Workflow:
    wf = repo.workflow(unquote(key))
    if wf is None:
        raise ApiError(404, "Not Found")
    return wf


def _branch(repo: Repo, ref: str) -> str | None:
    branch = ref.removeprefix("refs/heads/")
    return branch if branch in repo.branches else None


def _workflow_runs(call: Call) -> Reply:
    wf = _workflow(call.repo, call.params["workflow"])
    return _runs(call, lambda run: run.workflow_id == wf.id)


def _repo_runs(call: Call) -> Reply:
    return _runs(call, lambda _run: True)


def _runs(call: Call, wanted: Callable[[Run], bool]) -> Reply:
    """The visible runs ``wanted`` picks, filtered by the query, newest first, one page."""
    repo, now = call.repo, time.time()
    query = {key: values[0] for key, values in call.query.items()}
    runs = [
        r
        for r in repo.runs
        if r.visible_at <= now
        and wanted(r)
        and all(
            query.get(key) in (None, getattr(r, attr))
            for key, attr in (("event", "event"), ("branch", "head_branch"), ("actor", "actor"))
        )
        and query.get("status") in (None, r.status, r.conclusion)
    ]
    runs.sort(key=lambda r: (r.created_at, r.id), reverse=True)  # newest first
    return _paged(call, runs, lambda run: run_json(repo, run), "workflow_runs")


# ---------------------------------------------------------------------------------- handlers


def _list_workflows(call: Call) -> Reply:
    return _paged(call, call.repo.workflows, lambda wf: workflow_json(call.repo, wf), "workflows")


def _get_workflow(call: Call) -> Reply:
    return Reply(200, workflow_json(call.repo, _workflow(call.repo, call.params["workflow"])))


def _run_of(call: Call) -> Run:
    """The run the path names; 404 when it does not exist (deleted) or is not visible yet."""
    run = call.repo.run(int(call.params["run_id"]))
    if run is None or run.visible_at > time.time():
        raise ApiError(404, "Not Found")
    return run


def _get_run(call: Call) -> Reply:
    return Reply(200, run_json(call.repo, _run_of(call)))


def _delete_run(call: Call) -> Reply:
    call.repo.runs.remove(_run_of(call))
    call.core.dirty = True
    return Reply(204)


def _artifacts(call: Call) -> Reply:
    """A run's artifacts (``?name=`` picks by exact name); expired ones stay listed."""
    run, now = _run_of(call), time.time()
    name = call.query.get("name", [None])[0]
    found = [a for a in run.artifacts if name in (None, a.name)]
    found.sort(key=lambda a: a.id, reverse=True)
    return _paged(call, found, lambda a: artifact_json(call.repo, run, a, now), "artifacts")


def _jobs(call: Call) -> Reply:
    run = _run_of(call)
    return _paged(call, [run], lambda r: job_json(call.repo, r), "jobs")


def _annotations(_call: Call) -> Reply:
    return Reply(200, [])  # the sandbox's jobs leave no annotations


def _issues(call: Call) -> Reply:
    """``GET /repos/O/R/issues``: issues and pull requests, bodies included, newest first."""
    query = {k: v[0] for k, v in call.query.items()}
    state = query.get("state", "open")
    if state not in {"open", "closed", "all"}:
        raise ApiError(422, "Validation Failed")
    labels = {name.strip() for name in query.get("labels", "").split(",") if name.strip()}
    items: list[Issue | PullRequest] = [*call.repo.issues, *call.repo.pull_requests]
    found = [
        item
        for item in items
        if state in ("all", "open" if item.state == "OPEN" else "closed")
        and labels <= {label.name for label in item.labels}
        and query.get("creator") in (None, item.author)
    ]
    field = "updated_at" if query.get("sort") == "updated" else "created_at"
    found.sort(key=lambda i: (getattr(i, field), i.number), reverse=query.get("direction") != "asc")
    return _paged(call, found, lambda item: issue_json(call.repo, item))


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
        "self": f"{repo_url(repo)}/contents/{path}?ref={ref}",
        "git": f"{repo_url(repo)}/git/blobs/{sha}",
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


def _dispatch_request(call: Call) -> dict[str, Any]:
    """The dispatch's JSON body: an object with a ``ref`` and an ``inputs`` object."""
    try:
        data = json.loads(call.body or b"{}")
    except ValueError as err:
        raise ApiError(400, "Problems parsing JSON") from err
    if not isinstance(data, dict):
        raise ApiError(400, "Problems parsing JSON")
    if not isinstance(data.get("ref"), str) or not data["ref"]:
        raise ApiError(422, 'Invalid request.\n\n"ref" wasn\'t supplied.')
    inputs = data.get("inputs") or {}
    if not isinstance(inputs, dict):
        raise ApiError(422, "Invalid request.\n\nFor 'properties/inputs', it is not an object.")
    return {**data, "inputs": inputs}


def _check_dispatch(wf: Workflow, inputs: dict[str, Any]) -> None:
    """Refuse, as GitHub does, a dispatch the workflow file cannot take."""
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


def _dispatch(call: Call) -> Reply:
    repo = call.repo
    wf = _workflow(repo, call.params["workflow"])
    data = _dispatch_request(call)
    ref, inputs = data["ref"], data["inputs"]
    branch = _branch(repo, ref)
    if branch is None:
        raise ApiError(422, f"No ref found for: {ref}")
    _check_dispatch(wf, inputs)

    core = call.core
    core.run_dispatch_edits(repo)
    run = create_run(core, repo, wf, _run_name(wf, inputs), branch=branch, inputs=inputs)
    run.visible_at = time.time() + core.run_delay
    if core.state.runs.after is not None:
        core.schedule(run, time.time(), core.state.runs.after, core.state.runs.conclusion)
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
_WORKFLOW = r"/actions/workflows/(?P<workflow>[^/]+)"
ROUTES = [  # method, path after /repos/OWNER/NAME, endpoint, handler
    Route("GET", r"/actions/workflows", "workflow_list", _list_workflows),
    Route("GET", _WORKFLOW, "workflow_get", _get_workflow),
    Route("POST", _WORKFLOW + "/dispatches", "workflow_dispatch", _dispatch),
    Route("GET", _WORKFLOW + "/runs", "run_list", _workflow_runs),
    Route("GET", r"/actions/runs", "repo_run_list", _repo_runs),
    Route("GET", r"/actions/runs/(?P<run_id>\d+)", "run_view", _get_run),
    Route("DELETE", r"/actions/runs/(?P<run_id>\d+)", "run_delete", _delete_run),
    Route("GET", r"/actions/runs/(?P<run_id>\d+)/artifacts", "artifact_list", _artifacts),
    Route("GET", r"/actions/runs/(?P<run_id>\d+)/jobs", "run_jobs", _jobs),
    Route("GET", r"/check-runs/(?P<job_id>\d+)/annotations", "run_jobs", _annotations),
    Route("GET", r"/issues", "issue_list", _issues),
    Route("DELETE", r"/git/refs/(?P<ref>.+)", "branch_delete", _delete_branch),
    Route("GET", r"/contents/(?P<path>.+)", "contents_get", _contents),
]


def match_route(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route in ROUTES:
        m = re.fullmatch(_REPO + route.pattern, path)
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
    return route.handler(Call(core, repo, path, params, parse_qs(query), body))
