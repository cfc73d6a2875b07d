"""The REST answers' JSON, in the shapes GitHub's OpenAPI description declares (held to it by
tests/contract/test_github_schema.py): workflows, runs, artifacts, issues, users."""

from __future__ import annotations

import zlib
from typing import Any

from learnlib.sandbox.core import API_URL, WEB_URL
from learnlib.sandbox.state import Artifact, Issue, Label, PullRequest, Repo, Run, Workflow, node_id


def repo_url(repo: Repo) -> str:
    return f"{API_URL}/repos/{repo.full_name}"


def repository_id(repo: Repo) -> int:
    return zlib.crc32(repo.full_name.encode()) % 10**9


def user_json(login: str, kind: str = "User") -> dict[str, Any]:
    """A ``simple-user``: every key GitHub requires."""
    api = f"{API_URL}/users/{login}"
    return {
        "login": login,
        "id": zlib.crc32(login.encode()) % 10**8,
        "node_id": node_id("User", login, 0),
        "avatar_url": f"{WEB_URL}/avatars/{login}",
        "gravatar_id": "",
        "url": api,
        "html_url": f"{WEB_URL}/{login}",
        "type": kind,
        "site_admin": False,
        **{
            f"{name}_url": f"{api}/{name}{suffix}"
            for name, suffix in (
                ("followers", ""),
                ("following", "{/other_user}"),
                ("gists", "{/gist_id}"),
                ("starred", "{/owner}{/repo}"),
                ("subscriptions", ""),
                ("organizations", ""),
                ("repos", ""),
                ("events", "{/privacy}"),
                ("received_events", ""),
            )
        },
    }


def workflow_json(repo: Repo, wf: Workflow) -> dict[str, Any]:
    return {
        "id": wf.id,
        "node_id": f"W_{wf.id}",
        "name": wf.name,
        "path": wf.path,
        "state": wf.state,
        "created_at": wf.created_at,
        "updated_at": wf.updated_at,
        "url": f"{repo_url(repo)}/actions/workflows/{wf.id}",
        "html_url": f"{WEB_URL}/{repo.full_name}/blob/{repo.default_branch}/{wf.path}",
        "badge_url": f"{WEB_URL}/{repo.full_name}/workflows/{wf.name}/badge.svg",
    }


def _run_links(repo: Repo, run: Run) -> dict[str, str]:
    api = f"{repo_url(repo)}/actions/runs/{run.id}"
    links = {name: f"{api}/{name}" for name in ("jobs", "logs", "artifacts", "cancel", "rerun")}
    return {
        "url": api,
        "html_url": f"{WEB_URL}/{repo.full_name}/actions/runs/{run.id}",
        **{f"{name}_url": link for name, link in links.items()},
        "check_suite_url": f"{repo_url(repo)}/check-suites/{run.id}",
        "workflow_url": f"{repo_url(repo)}/actions/workflows/{run.workflow_id}",
    }


def run_json(repo: Repo, run: Run) -> dict[str, Any]:
    wf = repo.workflow(run.workflow_id)
    actor = {"login": run.actor, "id": 1, "type": "User"}
    repo_obj = {"id": 1, "name": repo.name, "full_name": repo.full_name}
    repo_obj["owner"] = {"login": repo.owner}
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
        **_run_links(repo, run),
        "pull_requests": [],
        "created_at": run.created_at,
        "updated_at": run.updated_at,
        "run_started_at": run.created_at,
        "actor": actor,
        "triggering_actor": actor,
        "head_commit": {
            "id": run.head_sha,
            "message": run.display_title,
            "timestamp": run.created_at,
            "author": {"name": run.actor, "email": f"{run.actor}@users.noreply.github.localhost"},
        },
        "repository": repo_obj,
        "head_repository": repo_obj,
    }


def artifact_json(repo: Repo, run: Run, artifact: Artifact, now: float) -> dict[str, Any]:
    api = f"{repo_url(repo)}/actions/artifacts/{artifact.id}"
    return {
        "id": artifact.id,
        "node_id": f"MDg6QXJ0aWZhY3Q{artifact.id}",
        "name": artifact.name,
        "size_in_bytes": artifact.size_in_bytes,
        "url": api,
        "archive_download_url": f"{api}/zip",
        "expired": artifact.expired(now),
        "created_at": artifact.created_at,
        "updated_at": artifact.created_at,
        "expires_at": artifact.expires_at,
        "digest": None,
        "workflow_run": {
            "id": run.id,
            "repository_id": repository_id(repo),
            "head_repository_id": repository_id(repo),
            "head_branch": run.head_branch,
            "head_sha": run.head_sha,
        },
    }


def issue_json(repo: Repo, item: Issue | PullRequest) -> dict[str, Any]:
    """An issue as ``GET /repos/O/R/issues`` lists it; a pull request carries ``pull_request``."""
    is_issue = isinstance(item, Issue)
    api = f"{repo_url(repo)}/issues/{item.number}"
    kind = "Issue" if is_issue else "PullRequest"
    reason = item.state_reason.lower() if isinstance(item, Issue) and item.state_reason else None
    found: dict[str, Any] = {
        "id": zlib.crc32(f"{repo.full_name}#{item.number}".encode()) % 10**9,
        "node_id": node_id(kind, repo.full_name, item.number),
        "url": api,
        "repository_url": repo_url(repo),
        "labels_url": f"{api}/labels{{/name}}",
        "comments_url": f"{api}/comments",
        "events_url": f"{api}/events",
        "html_url": f"{WEB_URL}/{repo.full_name}/{'issues' if is_issue else 'pull'}/{item.number}",
        "number": item.number,
        "state": "open" if item.state == "OPEN" else "closed",
        "state_reason": reason,
        "title": item.title,
        "body": item.body,
        "user": user_json(item.author),
        "labels": [label_json(repo, label) for label in item.labels],
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "locked": False,
        "comments": 0,
        "closed_at": item.closed_at,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "author_association": "MEMBER",
    }
    if isinstance(item, PullRequest):
        pull = f"{WEB_URL}/{repo.full_name}/pull/{item.number}"
        found["draft"] = item.is_draft
        found["pull_request"] = {
            "url": f"{repo_url(repo)}/pulls/{item.number}",
            "html_url": pull,
            "diff_url": f"{pull}.diff",
            "patch_url": f"{pull}.patch",
            "merged_at": item.merged_at,
        }
    return found


def label_json(repo: Repo, label: Label) -> dict[str, Any]:
    number = zlib.crc32(label.name.encode())
    return {
        "id": number,
        "node_id": node_id("Label", repo.full_name, number),
        "url": f"{repo_url(repo)}/labels/{label.name}",
        "name": label.name,
        "description": label.description,
        "color": label.color,
        "default": False,
    }


def job_json(repo: Repo, run: Run) -> dict[str, Any]:
    """The run's one job (its workflow's only job in the sandbox), as ``.../runs/ID/jobs``
    lists it; its status and times follow the run's."""
    wf = repo.workflow(run.workflow_id)
    job_id = run.id * 10 + 1
    done = run.status == "completed"
    return {
        "id": job_id,
        "run_id": run.id,
        "run_url": f"{repo_url(repo)}/actions/runs/{run.id}",
        "run_attempt": 1,
        "node_id": f"CR_{job_id}",
        "head_sha": run.head_sha,
        "url": f"{repo_url(repo)}/actions/jobs/{job_id}",
        "html_url": f"{WEB_URL}/{repo.full_name}/actions/runs/{run.id}/job/{job_id}",
        "status": run.status,
        "conclusion": run.conclusion,
        "created_at": run.created_at,
        "started_at": run.created_at,
        "completed_at": run.updated_at if done else None,
        "name": "learn" if wf is None else wf.name,
        "steps": [],
        "check_run_url": f"{repo_url(repo)}/check-runs/{job_id}",
        "labels": ["ubuntu-latest"],
        "runner_id": 1 if run.status != "queued" else None,
        "runner_name": "sandbox" if run.status != "queued" else None,
        "runner_group_id": 1 if run.status != "queued" else None,
        "runner_group_name": "sandbox" if run.status != "queued" else None,
        "workflow_name": "" if wf is None else wf.name,
        "head_branch": run.head_branch,
    }
