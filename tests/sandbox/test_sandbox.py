"""Contract tests: the real gh binary against the sandbox GitHub double.

Each test starts a fresh sandbox (demo state) and runs gh with an environment from ``gh_env``,
from a temporary directory outside any git checkout.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from learnlib.sandbox.seed import DEMO_REPO, LEARN_YAML
from learnlib.sandbox.server import SandboxGitHub

pytestmark = [
    pytest.mark.contract,
    pytest.mark.skipif(
        shutil.which("gh") is None, reason="the GitHub CLI (gh) is not installed on PATH"
    ),
]

LEARN = "learn-async.yml"
RUN_FIELDS = (
    "databaseId,url,createdAt,status,conclusion,event,headBranch,displayTitle,name,workflowName"
)
PR_FIELDS = (
    "number,title,body,state,isDraft,mergeable,mergeStateStatus,"
    "headRefName,baseRefName,url,mergedAt"
)


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@dataclass
class Gh:
    env: dict[str, str]
    cwd: Path

    def __call__(self, *args: str, stdin: bytes | None = None) -> Result:
        proc = subprocess.run(
            ["gh", *args],
            env=self.env,
            cwd=self.cwd,
            input=stdin,
            capture_output=True,
            timeout=30,
            check=False,
        )
        return Result(proc.returncode, proc.stdout.decode(), proc.stderr.decode())


@pytest.fixture
def sandbox() -> Iterator[SandboxGitHub]:
    with SandboxGitHub() as sb:
        yield sb


@pytest.fixture
def gh(sandbox: SandboxGitHub, tmp_path: Path) -> Gh:
    return Gh(sandbox.gh_env(tmp_path, repo=DEMO_REPO), tmp_path)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    data: Any


def _api(sandbox: SandboxGitHub, method: str, path: str, payload: Any = None) -> Answer:
    """One request straight to the sandbox (no gh), as gh would send it through the proxy."""
    request = urllib.request.Request(
        f"http://api.github.localhost{path}",
        data=None if payload is None else json.dumps(payload).encode(),
        method=method,
        headers={"Authorization": "token x", "Content-Type": "application/json"},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": sandbox.proxy_url}))
    try:
        with opener.open(request, timeout=10) as response:
            raw, status, headers = response.read(), response.status, dict(response.headers)
    except urllib.error.HTTPError as err:
        raw, status, headers = err.read(), err.code, dict(err.headers)
        err.close()
    return Answer(status, headers, json.loads(raw) if raw else None)


def _issue_body(gh: Gh, number: int) -> str:
    result = gh("issue", "view", str(number), "--json", "body")
    assert result.code == 0, result.err
    body: str = result.json()["body"]
    return body


# ---------------------------------------------------------------------------------- issues


def test_issue_view_returns_the_requested_fields(gh: Gh, sandbox: SandboxGitHub) -> None:
    result = gh("issue", "view", "5406", "--json", "number,title,body,labels,state,url")
    assert result.code == 0, result.err
    data = result.json()
    assert data["number"] == 5406
    assert data["state"] == "OPEN"
    assert data["url"] == "http://github.localhost/learnlib-demo/plans/issues/5406"
    assert [label["name"] for label in data["labels"]] == ["erk-plan"]
    assert "last_remote_impl_run_id: '21203500990'" in data["body"]
    assert data["body"] == sandbox.issue(5406).body
    assert sandbox.request_count("issue_view") == 1


def test_issue_view_of_a_subset_answers_only_those_fields(gh: Gh) -> None:
    result = gh("issue", "view", "5407", "--json", "labels")
    assert result.code == 0, result.err
    assert result.json() == {
        "labels": [
            {
                "id": result.json()["labels"][0]["id"],
                "name": "bug",
                "description": "Something isn't working",
                "color": "d73a4a",
            }
        ]
    }


def test_issue_view_of_a_missing_issue_fails_like_github(gh: Gh) -> None:
    result = gh("issue", "view", "99999", "--json", "body")
    assert result.code == 1
    assert "Could not resolve to an issue or pull request with the number of 99999." in result.err


def test_issue_edit_stores_a_crlf_unicode_body_byte_for_byte(
    gh: Gh, sandbox: SandboxGitHub
) -> None:
    body = "learn_status: pending\r\n— ünïcödé ✓ 🚀\r\n\r\ntrailing spaces   \r\n\r\n"
    result = gh("issue", "edit", "5411", "--body-file", "-", stdin=body.encode())
    assert result.code == 0, result.err
    assert sandbox.issue(5411).body == body
    assert [(e.number, e.body, e.source) for e in sandbox.edits] == [(5411, body, "api")]
    assert _issue_body(gh, 5411) == body
    assert sandbox.request_count("issue_edit") == 1


# ---------------------------------------------------------------------------------- workflows


def test_workflow_run_with_ref_dispatches_one_run(gh: Gh, sandbox: SandboxGitHub) -> None:
    result = gh("workflow", "run", LEARN, "--ref", "main", "-f", "issue_number=5406")
    assert result.code == 0, result.err
    [dispatch] = sandbox.dispatches
    # gh 2.87 and later print the run they dispatched; older gh print nothing.
    assert result.out in (
        "",
        f"http://github.localhost/{DEMO_REPO}/actions/runs/{dispatch.run_id}\n",
    )
    assert (dispatch.workflow, dispatch.ref, dispatch.inputs) == (
        LEARN,
        "main",
        {"issue_number": "5406"},
    )
    assert sandbox.request_count("repo_info") == 0  # --ref skips the default-branch lookup
    runs = [r for r in sandbox.state.repos[0].runs if r.id == dispatch.run_id]
    assert len(runs) == 1
    run = runs[0]
    assert (run.event, run.status, run.display_title) == (
        "workflow_dispatch",
        "queued",
        "Learn #5406",
    )
    assert run.created_at.endswith("Z")


def test_workflow_run_without_ref_asks_for_the_default_branch(
    gh: Gh, sandbox: SandboxGitHub
) -> None:
    result = gh("workflow", "run", LEARN, "-f", "issue_number=5408")
    assert result.code == 0, result.err
    assert sandbox.request_count("repo_info") == 1
    assert [(d.ref, d.inputs) for d in sandbox.dispatches] == [("main", {"issue_number": "5408"})]


def test_workflow_run_by_name_lists_the_workflows(gh: Gh, sandbox: SandboxGitHub) -> None:
    result = gh("workflow", "run", "Learn async", "--ref", "main", "-f", "issue_number=5406")
    assert result.code == 0, result.err
    assert sandbox.request_count("workflow_list") == 1
    assert len(sandbox.dispatches) == 1


def test_workflow_run_of_an_unknown_workflow_is_a_404(gh: Gh, sandbox: SandboxGitHub) -> None:
    result = gh("workflow", "run", "nope.yml", "--ref", "main", "-f", "issue_number=1")
    assert result.code == 1
    # gh 2.86 and later say which workflow on which branch.
    assert (
        "HTTP 404: Not Found" in result.err or "HTTP 404: workflow nope.yml not found" in result.err
    )
    assert sandbox.dispatches == []


def test_workflow_run_with_an_undeclared_input_is_a_422(gh: Gh, sandbox: SandboxGitHub) -> None:
    result = gh(
        "workflow", "run", LEARN, "--ref", "main", "-f", "issue_number=1", "-f", "correlation_id=x"
    )
    assert result.code == 1
    assert 'HTTP 422: Unexpected inputs provided: ["correlation_id"]' in result.err
    assert sandbox.dispatches == []


def test_workflow_without_workflow_dispatch_is_a_422(gh: Gh, sandbox: SandboxGitHub) -> None:
    result = gh("workflow", "run", "ci.yml", "--ref", "main")
    assert result.code == 1
    assert "Workflow does not have 'workflow_dispatch' trigger" in result.err
    assert sandbox.dispatches == []


def test_dispatch_with_return_run_details_answers_200_with_the_run(
    sandbox: SandboxGitHub,
) -> None:
    payload = {"ref": "main", "inputs": {"issue_number": "5406"}, "return_run_details": True}
    answer = _api(
        sandbox, "POST", f"/repos/{DEMO_REPO}/actions/workflows/{LEARN}/dispatches", payload
    )
    assert answer.status == 200
    details = answer.data
    [dispatch] = sandbox.dispatches
    run_id = dispatch.run_id
    assert details == {
        "workflow_run_id": run_id,
        "run_url": f"http://api.github.localhost/repos/{DEMO_REPO}/actions/runs/{run_id}",
        "html_url": f"http://github.localhost/{DEMO_REPO}/actions/runs/{run_id}",
    }


# ---------------------------------------------------------------------------------- runs


def test_run_list_and_view_return_the_dispatched_run(gh: Gh, sandbox: SandboxGitHub) -> None:
    assert gh("workflow", "run", LEARN, "--ref", "main", "-f", "issue_number=5406").code == 0
    run_id = sandbox.dispatches[0].run_id

    listed = gh("run", "list", "--workflow", LEARN, "--json", RUN_FIELDS, "--limit", "5")
    assert listed.code == 0, listed.err
    runs = listed.json()
    assert [r["databaseId"] for r in runs] == [run_id, 21203400002, 21203400001]
    newest = runs[0]
    assert newest["displayTitle"] == "Learn #5406"
    assert newest["event"] == "workflow_dispatch"
    assert newest["status"] == "queued"
    assert newest["headBranch"] == "main"
    assert newest["name"] == newest["workflowName"] == "Learn async"
    assert newest["url"] == f"http://github.localhost/{DEMO_REPO}/actions/runs/{run_id}"

    sandbox.set_run_status(run_id, "completed", "success")
    viewed = gh("run", "view", str(run_id), "--json", "databaseId,url,status,conclusion,createdAt")
    assert viewed.code == 0, viewed.err
    assert viewed.json()["status"] == "completed"
    assert viewed.json()["conclusion"] == "success"
    assert viewed.json()["createdAt"] == newest["createdAt"]


# ---------------------------------------------------------------------------------- repo, PRs


def test_repo_view_gives_the_default_branch(gh: Gh) -> None:
    # gh 2.23's `repo view` ignores GH_REPO (it reads git remotes): name the repository.
    result = gh("repo", "view", DEMO_REPO, "--json", "defaultBranchRef,nameWithOwner")
    assert result.code == 0, result.err
    assert result.json() == {"defaultBranchRef": {"name": "main"}, "nameWithOwner": DEMO_REPO}


def test_pr_view_by_number_and_by_branch(gh: Gh) -> None:
    by_number = gh("pr", "view", "7", "--json", PR_FIELDS)
    assert by_number.code == 0, by_number.err
    pr = by_number.json()
    assert pr["headRefName"] == "P5406-add-trigger-async-learn"
    assert (pr["state"], pr["isDraft"], pr["mergeable"], pr["mergeStateStatus"]) == (
        "OPEN",
        False,
        "MERGEABLE",
        "CLEAN",
    )
    assert "Closes #5406" in pr["body"]
    assert pr["mergedAt"] is None

    by_branch = gh("pr", "view", "P5406-add-trigger-async-learn", "--json", "number,state")
    assert by_branch.code == 0, by_branch.err
    assert by_branch.json() == {"number": 7, "state": "OPEN"}


def test_pr_merge_squash_merges_and_deletes_the_branch(gh: Gh, sandbox: SandboxGitHub) -> None:
    result = gh("pr", "merge", "7", "--squash", "--delete-branch")
    assert result.code == 0, result.err
    assert [(m.number, m.method) for m in sandbox.merges] == [(7, "SQUASH")]
    assert [d.branch for d in sandbox.branch_deletions] == ["P5406-add-trigger-async-learn"]
    after = gh("pr", "view", "7", "--json", "state,mergedAt").json()
    assert after["state"] == "MERGED"
    assert after["mergedAt"]
    assert gh("issue", "view", "5406", "--json", "state").json() == {"state": "CLOSED"}


@pytest.mark.parametrize(
    ("number", "code", "message"),
    [
        ("8", 1, "Pull Request is still a draft"),
        ("9", 1, "is not mergeable"),
        ("10", 0, "was already merged"),  # gh 2.23 only warns, and exits 0
        ("11", 1, "Pull Request is closed"),
    ],
)
def test_pr_merge_refusals(
    gh: Gh, sandbox: SandboxGitHub, number: str, code: int, message: str
) -> None:
    result = gh("pr", "merge", number, "--merge")
    assert result.code == code
    assert message in result.err
    assert sandbox.merges == []


# ---------------------------------------------------------------------------------- knobs


def test_latency_is_added_to_every_request(gh: Gh, sandbox: SandboxGitHub) -> None:
    sandbox.latency = 0.4
    started = time.monotonic()
    assert gh("issue", "view", "5406", "--json", "title").code == 0
    assert time.monotonic() - started >= 0.4


@pytest.mark.parametrize(
    ("status", "retry_after", "expected"),
    [
        (502, None, "HTTP 502: Bad Gateway"),
        (429, 7, "HTTP 429: You have exceeded a secondary rate limit"),
        (401, None, "HTTP 401: Bad credentials"),
    ],
)
def test_fail_next_makes_gh_fail_with_its_error_text(
    gh: Gh, sandbox: SandboxGitHub, status: int, retry_after: int | None, expected: str
) -> None:
    sandbox.fail_next("issue_view", status, retry_after=retry_after)
    result = gh("issue", "view", "5406", "--json", "body")
    assert result.code == 1
    assert expected in result.err
    assert gh("issue", "view", "5406", "--json", "body").code == 0  # only the next one fails


def test_fail_next_answers_retry_after(sandbox: SandboxGitHub) -> None:
    sandbox.fail_next("run_view", 429, retry_after=3)
    answer = _api(sandbox, "GET", f"/repos/{DEMO_REPO}/actions/runs/21203400001")
    assert (answer.status, answer.headers["Retry-After"]) == (429, "3")


def test_a_failed_dispatch_creates_no_run(gh: Gh, sandbox: SandboxGitHub) -> None:
    runs_before = len(sandbox.state.repos[0].runs)
    sandbox.fail_next("workflow_dispatch", 502)
    result = gh("workflow", "run", LEARN, "--ref", "main", "-f", "issue_number=5406")
    assert result.code == 1
    assert "could not create workflow dispatch event: HTTP 502" in result.err
    assert sandbox.dispatches == []
    assert len(sandbox.state.repos[0].runs) == runs_before


def test_fail_after_creates_the_run_then_fails(gh: Gh, sandbox: SandboxGitHub) -> None:
    sandbox.fail_after("workflow_dispatch", 502)
    result = gh("workflow", "run", LEARN, "--ref", "main", "-f", "issue_number=5406")
    assert result.code == 1
    assert "HTTP 502" in result.err
    assert len(sandbox.dispatches) == 1


def test_run_delay_hides_the_run_until_it_passes(gh: Gh, sandbox: SandboxGitHub) -> None:
    sandbox.run_delay = 1.0
    assert gh("workflow", "run", LEARN, "--ref", "main", "-f", "issue_number=5406").code == 0
    run_id = sandbox.dispatches[0].run_id

    listed = gh("run", "list", "--workflow", LEARN, "--json", "databaseId", "--limit", "5")
    assert run_id not in [r["databaseId"] for r in listed.json()]
    hidden = gh("run", "view", str(run_id), "--json", "status")
    assert hidden.code == 1
    assert "HTTP 404" in hidden.err

    time.sleep(1.05)
    listed = gh("run", "list", "--workflow", LEARN, "--json", "databaseId", "--limit", "5")
    assert listed.json()[0]["databaseId"] == run_id
    assert gh("run", "view", str(run_id), "--json", "status").json() == {"status": "queued"}


def test_edit_during_dispatch_changes_the_body(gh: Gh, sandbox: SandboxGitHub) -> None:
    before = sandbox.issue(5406).body
    sandbox.edit_during_dispatch(5406, lambda body: body + "\nA human was here.\n")
    assert gh("workflow", "run", LEARN, "--ref", "main", "-f", "issue_number=5406").code == 0
    assert _issue_body(gh, 5406) == before + "\nA human was here.\n"
    assert [e.source for e in sandbox.edits] == ["edit_during_dispatch"]
    # Only the next dispatch: a second one leaves the body alone.
    assert gh("workflow", "run", LEARN, "--ref", "main", "-f", "issue_number=5406").code == 0
    assert len(sandbox.edits) == 1


# ---------------------------------------------------------------------------------- workflow files

NO_DISPATCH = "name: Learn async\non:\n  push:\n    branches: [main]\n"


def test_workflow_view_yaml_reads_the_file_through_contents(gh: Gh, sandbox: SandboxGitHub) -> None:
    result = gh("workflow", "view", LEARN, "--yaml", "--ref", "main")
    assert result.code == 0, result.err
    assert result.out.strip() == LEARN_YAML.strip()
    assert sandbox.request_count("contents_get", status=200) == 1


@pytest.mark.parametrize("slash", ["/", "%2F"])  # gh 2.102 encodes the path's slashes
def test_contents_answers_like_github(sandbox: SandboxGitHub, slash: str) -> None:
    path = slash.join([".github", "workflows", LEARN])
    answer = _api(sandbox, "GET", f"/repos/{DEMO_REPO}/contents/{path}?ref=main")
    assert answer.status == 200
    data = answer.data
    assert (data["type"], data["encoding"], data["name"], data["path"]) == (
        "file",
        "base64",
        LEARN,
        ".github/workflows/learn-async.yml",
    )
    assert base64.b64decode(data["content"]).decode() == LEARN_YAML
    raw = LEARN_YAML.encode()
    assert data["sha"] == hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()
    assert data["size"] == len(raw)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (".github/workflows/nope.yml?ref=main", "Not Found"),
        (".github/workflows/learn-async.yml?ref=no-such-branch", "No commit found for the ref"),
    ],
)
def test_contents_of_a_missing_file_or_ref_is_a_404(
    sandbox: SandboxGitHub, path: str, message: str
) -> None:
    answer = _api(sandbox, "GET", f"/repos/{DEMO_REPO}/contents/{path}")
    assert answer.status == 404
    assert message in answer.data["message"]


def test_set_workflow_yaml_changes_what_is_served(gh: Gh, sandbox: SandboxGitHub) -> None:
    sandbox.set_workflow_yaml(LEARN, NO_DISPATCH)
    assert (
        gh("workflow", "view", LEARN, "--yaml", "--ref", "main").out.strip() == NO_DISPATCH.strip()
    )
    result = gh("workflow", "run", LEARN, "--ref", "main", "-f", "issue_number=5406")
    assert result.code == 1
    assert "HTTP 422: Workflow does not have 'workflow_dispatch' trigger" in result.err
    assert sandbox.dispatches == []
    with pytest.raises(KeyError):
        sandbox.set_workflow_yaml("nope.yml", NO_DISPATCH)


def test_dispatch_without_a_required_input_is_a_422(gh: Gh, sandbox: SandboxGitHub) -> None:
    result = gh("workflow", "run", LEARN, "--ref", "main", "-f", "distinct_id=abc")
    assert result.code == 1
    assert "HTTP 422: Required input 'issue_number' not provided" in result.err
    assert sandbox.dispatches == []


@pytest.mark.parametrize(
    ("on", "accepted"),
    [
        ("workflow_dispatch", True),
        ("[push, workflow_dispatch]", True),
        ("\n  workflow_dispatch:", True),
        ("\n  workflow_dispatch:\n    inputs:\n      x: {required: true, default: a}", True),
        ("\n  workflow_dispatch:\n    inputs:\n      x: {required: true}", False),
        ("[push]", False),
        ("\n  workflow_dispatch:\n    inputs: [x]", True),  # odd YAML, still no 500
        ("{{", False),  # a file that does not parse has no trigger
    ],
)
def test_dispatch_reads_the_trigger_and_inputs_from_the_yaml(
    sandbox: SandboxGitHub, on: str, accepted: bool
) -> None:
    sandbox.set_workflow_yaml(LEARN, f"name: Learn async\non: {on}\n")
    answer = _api(
        sandbox, "POST", f"/repos/{DEMO_REPO}/actions/workflows/{LEARN}/dispatches", {"ref": "main"}
    )
    assert answer.status == (204 if accepted else 422)
    assert len(sandbox.dispatches) == int(accepted)


def test_run_title_comes_from_the_run_name_trimmed(gh: Gh, sandbox: SandboxGitHub) -> None:
    for extra in (["-f", "distinct_id=d-1"], []):
        args = ["workflow", "run", LEARN, "--ref", "main", "-f", "issue_number=5406", *extra]
        assert gh(*args).code == 0
    listed = gh("run", "list", "--workflow", LEARN, "--json", "displayTitle", "--limit", "2")
    assert [r["displayTitle"] for r in listed.json()] == ["Learn #5406", "Learn #5406 d-1"]


def test_delete_branch_accepts_an_encoded_slash(sandbox: SandboxGitHub) -> None:
    branch = "P5408-rename-plans"
    answer = _api(sandbox, "DELETE", f"/repos/{DEMO_REPO}/git/refs/heads%2F{branch}")
    assert answer.status == 204
    assert [d.branch for d in sandbox.branch_deletions] == [branch]
    assert branch not in sandbox.state.repos[0].branches
    again = _api(sandbox, "DELETE", f"/repos/{DEMO_REPO}/git/refs/heads/{branch}")
    assert (again.status, again.data["message"]) == (422, "Reference does not exist")


# ---------------------------------------------------------------------------------- run states


def _view(gh: Gh, run_id: int) -> dict[str, Any]:
    result = gh("run", "view", str(run_id), "--json", "status,conclusion,url,workflowName")
    assert result.code == 0, result.err
    data: dict[str, Any] = result.json()
    return data


def test_add_run_shows_in_run_view_and_run_list(gh: Gh, sandbox: SandboxGitHub) -> None:
    running = sandbox.add_run(title="Learn #5410", status="in_progress")
    failed = sandbox.add_run(title="Learn #5406", conclusion="failure")
    assert running < failed
    assert _view(gh, running) == {
        "status": "in_progress",
        "conclusion": "",
        "url": f"http://github.localhost/{DEMO_REPO}/actions/runs/{running}",
        "workflowName": "Learn async",
    }
    assert _view(gh, failed)["conclusion"] == "failure"
    fields = "databaseId,status,conclusion,displayTitle,event"
    listed = gh("run", "list", "--workflow", LEARN, "--json", fields, "--limit", "2").json()
    assert listed == [
        {
            "databaseId": failed,
            "status": "completed",
            "conclusion": "failure",
            "displayTitle": "Learn #5406",
            "event": "workflow_dispatch",
        },
        {
            "databaseId": running,
            "status": "in_progress",
            "conclusion": "",
            "displayTitle": "Learn #5410",
            "event": "workflow_dispatch",
        },
    ]


def test_add_run_with_an_old_creation_time_lists_in_time_order(
    gh: Gh, sandbox: SandboxGitHub
) -> None:
    old = sandbox.add_run(title="Learn #1", created_at="2026-01-13T00:00:00Z")
    listed = gh("run", "list", "--workflow", LEARN, "--json", "databaseId").json()
    assert [r["databaseId"] for r in listed] == [21203400002, old, 21203400001]


@pytest.mark.parametrize(
    "kwargs",
    [{"status": "done"}, {"conclusion": "succeeded"}, {"workflow": "nope.yml"}],
)
def test_add_run_refuses_what_github_would_not_have(
    sandbox: SandboxGitHub, kwargs: dict[str, str]
) -> None:
    with pytest.raises((ValueError, KeyError)):
        sandbox.add_run(title="x", **kwargs)


def test_finish_runs_moves_dispatched_runs_on_after_a_delay(gh: Gh, sandbox: SandboxGitHub) -> None:
    sandbox.finish_runs(3.0, "failure")  # queued, in_progress from 1.5 s, completed at 3 s
    assert gh("workflow", "run", LEARN, "--ref", "main", "-f", "issue_number=5406").code == 0
    dispatched = time.time()
    run_id = sandbox.dispatches[0].run_id
    assert _view(gh, run_id)["status"] == "queued"
    time.sleep(max(0.0, dispatched + 1.6 - time.time()))
    assert (_view(gh, run_id)["status"], _view(gh, run_id)["conclusion"]) == ("in_progress", "")
    time.sleep(max(0.0, dispatched + 3.1 - time.time()))
    assert {k: v for k, v in _view(gh, run_id).items() if k in ("status", "conclusion")} == {
        "status": "completed",
        "conclusion": "failure",
    }
    runs = (
        f"/repos/{DEMO_REPO}/actions/workflows/{LEARN}/runs?status=failure"  # gh 2.23: no --status
    )
    listed = _api(sandbox, "GET", runs).data["workflow_runs"]
    assert [r["id"] for r in listed] == [run_id, 21203400002]


def test_finish_run_after_and_set_run_status(gh: Gh, sandbox: SandboxGitHub) -> None:
    first = sandbox.add_run(title="Learn #5406", status="queued")
    second = sandbox.add_run(title="Learn #5408", status="queued")
    sandbox.finish_run_after(first, 0.2, "cancelled")
    sandbox.finish_run_after(second, 0.2)
    sandbox.set_run_status(second, "in_progress")  # a status set by hand cancels the schedule
    time.sleep(0.3)
    assert _view(gh, first)["conclusion"] == "cancelled"
    assert _view(gh, second)["status"] == "in_progress"
    with pytest.raises(ValueError, match="conclusion must be one of"):
        sandbox.finish_runs(1.0, "ok")
    with pytest.raises(KeyError):
        sandbox.finish_run_after(1, 1.0)


def test_run_list_pages_like_github(gh: Gh, sandbox: SandboxGitHub) -> None:
    ids = [sandbox.add_run(title=f"Learn #{n}") for n in range(150)]
    listed = gh("run", "list", "--workflow", LEARN, "--json", "databaseId", "--limit", "120")
    assert listed.code == 0, listed.err
    assert [r["databaseId"] for r in listed.json()] == ids[::-1][:120]
    assert sandbox.request_count("run_list") == 2
    runs = f"/repos/{DEMO_REPO}/actions/workflows/{LEARN}/runs"
    last = _api(sandbox, "GET", f"{runs}?per_page=100&page=2").data
    assert (last["total_count"], len(last["workflow_runs"])) == (152, 52)
    assert len(_api(sandbox, "GET", f"{runs}?per_page=500").data["workflow_runs"]) == 100


def test_concurrent_dispatches_get_unique_increasing_runs(
    sandbox: SandboxGitHub, tmp_path: Path
) -> None:
    sandbox.latency = 0.05
    env = sandbox.gh_env(tmp_path, repo=DEMO_REPO)
    procs = [
        subprocess.Popen(
            ["gh", "workflow", "run", LEARN, "--ref", "main", "-f", f"issue_number={n}"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(6)
    ]
    assert [p.wait(timeout=30) for p in procs] == [0] * 6
    ids = [d.run_id for d in sandbox.dispatches]
    assert len(set(ids)) == 6
    assert ids == sorted(ids)
    runs = [r for r in sandbox.state.repos[0].runs if r.id in ids]
    assert len({r.run_number for r in runs}) == 6


# ---------------------------------------------------------------------------------- rate limits


def test_secondary_rate_limit_refuses_content_creating_requests(
    gh: Gh, sandbox: SandboxGitHub
) -> None:
    sandbox.secondary_rate_limit(2, 60, retry_after=30)
    for _ in range(2):
        assert gh("workflow", "run", LEARN, "--ref", "main", "-f", "issue_number=5406").code == 0
    refused = gh("workflow", "run", LEARN, "--ref", "main", "-f", "issue_number=5406")
    assert refused.code == 1
    assert "HTTP 403: You have exceeded a secondary rate limit" in refused.err
    edit = gh("issue", "edit", "5406", "--body-file", "-", stdin=b"x")  # a GraphQL mutation
    assert edit.code == 1
    assert "exceeded a secondary rate limit" in edit.err
    assert gh("issue", "view", "5406", "--json", "title").code == 0  # reads are not limited
    assert (len(sandbox.dispatches), sandbox.edits) == (2, [])
    answer = _api(sandbox, "DELETE", f"/repos/{DEMO_REPO}/git/refs/heads/P5408-rename-plans")
    assert (answer.status, answer.headers["Retry-After"]) == (403, "30")
    assert (
        "please include the request ID " + answer.headers["X-GitHub-Request-Id"]
        in (answer.data["message"])
    )
    assert sandbox.branch_deletions == []


def test_secondary_rate_limit_lets_requests_through_once_the_window_passes(
    sandbox: SandboxGitHub,
) -> None:
    sandbox.secondary_rate_limit(1, 0.3)
    path = f"/repos/{DEMO_REPO}/actions/workflows/{LEARN}/dispatches"
    payload = {"ref": "main", "inputs": {"issue_number": "1"}}
    assert [_api(sandbox, "POST", path, payload).status for _ in range(2)] == [204, 403]
    time.sleep(0.35)
    assert _api(sandbox, "POST", path, payload).status == 204


def test_secondary_rate_limit_lets_a_retry_through_after_retry_after(
    sandbox: SandboxGitHub,
) -> None:
    sandbox.secondary_rate_limit(1, 3600, retry_after=0)
    path = f"/repos/{DEMO_REPO}/actions/workflows/{LEARN}/dispatches"
    payload = {"ref": "main", "inputs": {"issue_number": "1"}}
    # the window is an hour, but Retry-After (0 s) has passed at each retry: as GitHub promises
    statuses = [_api(sandbox, "POST", path, payload).status for _ in range(5)]
    assert statuses == [204, 403, 204, 403, 204]


def test_gh_env_isolates_gh_caches(sandbox: SandboxGitHub, tmp_path: Path) -> None:
    env = sandbox.gh_env(tmp_path)
    for name in ("GH_CONFIG_DIR", "TMPDIR", "XDG_CACHE_HOME"):
        assert Path(env[name]).is_dir()
        assert tmp_path in Path(env[name]).parents


# ---------------------------------------------------------------------------------- lifecycle


def test_state_file_is_saved_and_loaded(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    with SandboxGitHub(state_file=state_file) as first:
        gh = Gh(first.gh_env(tmp_path / "a", repo=DEMO_REPO), tmp_path)
        assert gh("issue", "edit", "5406", "--body-file", "-", stdin=b"saved\r\n").code == 0
    with SandboxGitHub(state_file=state_file) as second:
        gh = Gh(second.gh_env(tmp_path / "b", repo=DEMO_REPO), tmp_path)
        assert _issue_body(gh, 5406) == "saved\r\n"


def test_serve_prints_a_scoped_command_line_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GH_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "learnlib.sandbox", "--state-file", str(tmp_path / "s.json")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert proc.stdout is not None
    printed = []
    try:
        for line in proc.stdout:
            printed.append(line)
            if line.startswith("env "):
                break
        command = shlex.split(printed[-1])
        viewed = subprocess.run(
            command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=30, check=False
        )
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    assert not any(line.startswith("export ") for line in printed)  # nothing for the shell
    assert command[:2] == ["env", "-u"] and command[-6:-2] == ["gh", "issue", "view", "5406"]
    assert f"GH_REPO={DEMO_REPO}" in command
    assert viewed.returncode == 0, viewed.stderr
    assert json.loads(viewed.stdout)["number"] == 5406
    assert proc.returncode == 0
    assert "Traceback" not in err
    assert "sandbox stopped" in out
    assert (tmp_path / "s.json").exists()
