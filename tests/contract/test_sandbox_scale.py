"""The sandbox behaves like GitHub at scale, as the real gh sees it (run on gh 2.23 and 2.102).

Search caps at 1,000 results (``issueCount`` still the total); REST lists page by ``Link``
headers, so ``gh api --paginate`` reads them all; runs are asked for by id (404 once deleted);
an implementation run's ``session-<id>`` artifact expires after 30 days and stays listed. The
hostile knobs: a listing whose seventh page fails, artifacts answering 403, a run that answers
404 once and then appears.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from learnlib.rules.plan_header import read_header
from learnlib.sandbox.seed import DEMO_REPO, LEARN_WORKFLOW, demo_state, many_plans
from learnlib.sandbox.server import SandboxGitHub
from learnlib.sandbox.state import SandboxState, iso_now

ISSUES = f"repos/{DEMO_REPO}/issues"
LEARN_RUNS = f"repos/{DEMO_REPO}/actions/workflows/{LEARN_WORKFLOW}/runs"
RUNS = f"repos/{DEMO_REPO}/actions/runs"


def gh(sandbox: SandboxGitHub, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["gh", *args],
        env=sandbox.gh_env(tmp_path, DEMO_REPO),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def pages(text: str) -> list[Any]:
    """The JSON documents ``gh api --paginate`` printed one after another: objects ``{...}{...}``;
    arrays ``[...][...]`` on gh 2.23, merged into one on newer gh (see :func:`items`)."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while at < len(text.rstrip()):
        while text[at].isspace():
            at += 1
        value, at = decoder.raw_decode(text, at)
        found.append(value)
    return found


def items(text: str) -> list[Any]:
    """Every item of the arrays ``gh api --paginate`` printed, whichever gh."""
    return [item for page in pages(text) for item in page]


def paginate(sandbox: SandboxGitHub, tmp_path: Path, path: str) -> list[Any]:
    done = gh(sandbox, tmp_path, "api", "--paginate", path)
    assert done.returncode == 0, done.stderr
    return pages(done.stdout)


def paginate_items(sandbox: SandboxGitHub, tmp_path: Path, path: str) -> list[Any]:
    done = gh(sandbox, tmp_path, "api", "--paginate", path)
    assert done.returncode == 0, done.stderr
    return items(done.stdout)


@pytest.fixture
def state() -> SandboxState:
    return demo_state()


@pytest.fixture
def sandbox(state: SandboxState) -> Iterator[SandboxGitHub]:
    with SandboxGitHub(state) as double:
        yield double


# ---------------------------------------------------------------------------------- search


def test_issue_list_by_label_stops_at_1000_and_issue_count_counts_all(
    state: SandboxState, sandbox: SandboxGitHub, tmp_path: Path
) -> None:
    many_plans(state, 1200)
    args = ("--label", "erk-plan", "--state", "closed", "--limit", "5000", "--json", "number")
    done = gh(sandbox, tmp_path, "issue", "list", *args)
    assert done.returncode == 0, done.stderr
    listed = [i["number"] for i in json.loads(done.stdout)]
    assert len(listed) == 1000 == len(set(listed))
    assert listed == list(range(6612, 5612, -1))  # the newest 1,000
    query = (
        "query($q: String!, $after: String) { search(query: $q, type: ISSUE, first: 100, "
        "after: $after) { issueCount nodes { ... on Issue { number } } pageInfo { hasNextPage } } }"
    )
    q = f"repo:{DEMO_REPO} is:issue label:erk-plan state:closed"
    past = gh(sandbox, tmp_path, "api", "graphql", "-f", f"query={query}", "-f", f"q={q}")
    assert json.loads(past.stdout)["data"]["search"]["issueCount"] == 1204  # and 5401..5404
    after = "Y3Vyc29yOnYyOjk5OQ=="  # the cursor of the 1,000th result
    done = gh(sandbox, tmp_path, "api", "graphql", "-f", f"query={query}", "-f", f"q={q}",
              "-f", f"after={after}")  # fmt: skip
    beyond = json.loads(done.stdout)["data"]["search"]
    assert beyond == {"issueCount": 1204, "nodes": [], "pageInfo": {"hasNextPage": False}}


# ---------------------------------------------------------------------------------- REST lists


def test_rest_issues_page_by_link_headers_with_bodies_newest_first(
    state: SandboxState, sandbox: SandboxGitHub, tmp_path: Path
) -> None:
    added = many_plans(state, 1200)
    listed = paginate_items(
        sandbox, tmp_path, f"{ISSUES}?labels=erk-plan&state=closed&per_page=100"
    )
    assert [i["number"] for i in listed] == [i.number for i in reversed(added)] + [
        5404,
        5403,
        5402,
        5401,
    ]
    assert all(i["body"] == plan.body for i, plan in zip(listed, reversed(added), strict=False))
    assert all("pull_request" not in i and i["state"] == "closed" for i in listed)
    assert sandbox.request_count("issue_list") == 13


def test_rest_issues_hold_pull_requests_marked_and_stop_at_the_last_page(
    sandbox: SandboxGitHub, tmp_path: Path
) -> None:
    listed = paginate_items(sandbox, tmp_path, f"{ISSUES}?state=all&per_page=5")
    pulls = sorted(i["number"] for i in listed if "pull_request" in i)
    assert pulls == [7, 8, 9, 10, 11]
    merged = next(i for i in listed if i["number"] == 10)
    assert merged["pull_request"]["merged_at"] == "2026-01-12T09:55:00Z"
    assert len(listed) == 16 and sandbox.request_count("issue_list") == 4
    opened = paginate_items(sandbox, tmp_path, f"{ISSUES}?labels=erk-plan&per_page=100")
    assert [i["number"] for i in opened] == [5412, 5411, 5410, 5409, 5408, 5406]


def test_learn_runs_page_by_100_with_the_file_name_as_workflow_id(
    state: SandboxState, sandbox: SandboxGitHub, tmp_path: Path
) -> None:
    many_plans(state, 150, learn_runs=("failure",))
    newest = many_plans(state, 150, learn_runs=("success",))
    found = paginate(sandbox, tmp_path, f"{LEARN_RUNS}?event=workflow_dispatch&per_page=100")
    assert [page["total_count"] for page in found] == [302, 302, 302, 302]
    assert [len(page["workflow_runs"]) for page in found] == [100, 100, 100, 2]
    runs = [run for page in found for run in page["workflow_runs"]]
    assert len(runs) == 302 and all(r["event"] == "workflow_dispatch" for r in runs)
    assert [r["display_title"] for r in runs[:150]] == [f"Learn #{i.number}" for i in newest[::-1]]
    assert {r["conclusion"] for r in runs[:100]} == {"success"}
    assert {r["conclusion"] for r in runs[150:300]} == {"failure"}
    assert runs == sorted(runs, key=lambda r: (r["created_at"], r["id"]), reverse=True)


# ---------------------------------------------------------------------------------- runs by id


def test_a_run_by_id_and_a_deleted_one(
    state: SandboxState, sandbox: SandboxGitHub, tmp_path: Path
) -> None:
    [kept] = many_plans(state, 1, learn_runs=("failure",))
    [gone] = many_plans(state, 1, learn_runs=("deleted",))
    kept_id, gone_id = (int(str(read_header(i.body)["learn_run_id"])) for i in (kept, gone))
    done = gh(sandbox, tmp_path, "api", f"{RUNS}/{kept_id}")
    assert done.returncode == 0, done.stderr
    run = json.loads(done.stdout)
    assert (run["id"], run["conclusion"], run["display_title"]) == (
        kept_id,
        "failure",
        f"Learn #{kept.number}",
    )
    missing = gh(sandbox, tmp_path, "api", f"{RUNS}/{gone_id}")
    assert missing.returncode != 0 and "HTTP 404" in missing.stderr
    viewed = gh(sandbox, tmp_path, "run", "view", str(kept_id), "--json", "databaseId,conclusion")
    assert json.loads(viewed.stdout) == {"databaseId": kept_id, "conclusion": "failure"}


def test_a_run_that_answers_404_once_then_appears(
    state: SandboxState, sandbox: SandboxGitHub, tmp_path: Path
) -> None:
    [plan] = many_plans(state, 1, learn_runs=("queued",))
    run_id = int(str(read_header(plan.body)["learn_run_id"]))
    sandbox.fail_next("run_view", 404, run_id=run_id)
    other = gh(sandbox, tmp_path, "api", f"{RUNS}/21203400001")
    assert other.returncode == 0, other.stderr  # another run is not touched
    first = gh(sandbox, tmp_path, "api", f"{RUNS}/{run_id}")
    assert first.returncode != 0 and "HTTP 404" in first.stderr
    again = gh(sandbox, tmp_path, "api", f"{RUNS}/{run_id}")
    assert again.returncode == 0 and json.loads(again.stdout)["status"] == "queued"


# ---------------------------------------------------------------------------------- artifacts


def _artifacts(sandbox: SandboxGitHub, tmp_path: Path, body: str, query: str = "") -> Any:
    run_id = read_header(body)["last_remote_impl_run_id"]
    done = gh(sandbox, tmp_path, "api", f"{RUNS}/{run_id}/artifacts{query}")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_session_artifacts_live_and_expired(
    state: SandboxState, sandbox: SandboxGitHub, tmp_path: Path
) -> None:
    [live] = many_plans(state, 1)
    [old] = many_plans(state, 1, session="expired")
    for plan, expired in ((live, False), (old, True)):
        session = read_header(plan.body)["last_remote_impl_session_id"]
        named = _artifacts(sandbox, tmp_path, plan.body, f"?name=session-{session}")
        assert named["total_count"] == 1
        [artifact] = named["artifacts"]
        assert artifact["name"] == f"session-{session}" and artifact["expired"] is expired
        assert (artifact["expires_at"] < iso_now()) is expired
        run_id = int(str(read_header(plan.body)["last_remote_impl_run_id"]))
        assert artifact["workflow_run"]["id"] == run_id
        none = _artifacts(sandbox, tmp_path, plan.body, "?name=session-other")
        assert none == {"total_count": 0, "artifacts": []}


def test_a_run_without_a_session_artifact_and_a_deleted_implementation_run(
    state: SandboxState, sandbox: SandboxGitHub, tmp_path: Path
) -> None:
    [missing] = many_plans(state, 1, session="missing")
    assert _artifacts(sandbox, tmp_path, missing.body) == {"total_count": 0, "artifacts": []}
    [deleted] = many_plans(state, 1, session="deleted")
    run_id = read_header(deleted.body)["last_remote_impl_run_id"]
    done = gh(sandbox, tmp_path, "api", f"{RUNS}/{run_id}/artifacts")
    assert done.returncode != 0 and "HTTP 404" in done.stderr


def test_artifacts_that_cannot_be_read(
    state: SandboxState, sandbox: SandboxGitHub, tmp_path: Path
) -> None:
    [plan] = many_plans(state, 1)
    run_id = read_header(plan.body)["last_remote_impl_run_id"]
    sandbox.fail_next("artifact_list", 403, 10**6, message="Resource not accessible by integration")
    for _ in range(2):
        done = gh(sandbox, tmp_path, "api", f"{RUNS}/{run_id}/artifacts")
        assert done.returncode != 0
        assert "Resource not accessible by integration (HTTP 403)" in done.stderr


# ---------------------------------------------------------------------------------- hostile


def test_a_listing_whose_seventh_page_fails(
    state: SandboxState, sandbox: SandboxGitHub, tmp_path: Path
) -> None:
    many_plans(state, 1200)
    sandbox.fail_next("issue_list", 502, page=7)
    done = gh(
        sandbox,
        tmp_path,
        "api",
        "--paginate",
        f"{ISSUES}?labels=erk-plan&state=closed&per_page=100",
    )
    assert done.returncode != 0 and "HTTP 502" in done.stderr
    assert [r.status for r in sandbox.requests if r.endpoint == "issue_list"] == [200] * 6 + [502]
    again = paginate_items(sandbox, tmp_path, f"{ISSUES}?labels=erk-plan&state=closed&per_page=100")
    assert len(again) == 1204
