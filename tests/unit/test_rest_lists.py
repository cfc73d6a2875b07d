"""REST lists through `gh api`, a page a request: labelled issues without search's cap, a
workflow's dispatch runs back as far as needed, one run by id, a run's artifacts."""

from __future__ import annotations

from typing import Any

import pytest

from learnlib.gh.artifacts import run_artifacts
from learnlib.gh.issues import list_labelled_issues
from learnlib.gh.runner import GhNotFound, GhRejected, GitHubCli
from learnlib.gh.runs import RunHistory, run_by_id
from learnlib.rules.records import Artifact
from tests.gh_outputs import gh_json

ISSUES = "repos/{owner}/{repo}/issues?labels=erk-plan&state=closed&per_page=100&page={page}"
RUNS = (
    "repos/{owner}/{repo}/actions/workflows/learn-async.yml/runs"
    "?event=workflow_dispatch&per_page=100&page={page}"
)
NOT_FOUND = "gh: Not Found (HTTP 404)\n"


def rest_issue(number: int, *, pull: bool = False, body: str | None = "b") -> dict[str, Any]:
    item: dict[str, Any] = {
        "number": number,
        "title": f"Plan {number}",
        "body": body,
        "labels": [{"name": "erk-plan", "id": 1}],
        "state": "closed",
        "html_url": f"https://github.com/o/r/issues/{number}",
    }
    if pull:
        item["pull_request"] = {"url": "x"}
    return item


def rest_run(run_id: int, number: int = 1, conclusion: str | None = "success") -> dict[str, Any]:
    return {
        "id": run_id,
        "html_url": f"https://github.com/o/r/actions/runs/{run_id}",
        "created_at": "2026-11-20T10:00:00Z",
        "status": "completed",
        "conclusion": conclusion,
        "event": "workflow_dispatch",
        "display_title": f"Learn #{number}",
    }


def issue_pages(fp: Any, total: int, *, fail_page: int | None = None) -> int:
    """Register ``total`` issues, newest first, 100 a page; returns the pages registered."""
    numbers = list(range(total, 0, -1))
    page = 0
    while True:
        page += 1
        chunk = numbers[(page - 1) * 100 : page * 100]
        argv = ["gh", "api", ISSUES.format(page=page, owner="{owner}", repo="{repo}")]
        if page == fail_page:
            fp.register(
                argv,
                stderr="HTTP 502: Bad Gateway (https://api.github.com/)\n",
                returncode=1,
                occurrences=3,
            )
            return page
        fp.register(argv, stdout=gh_json([rest_issue(n) for n in chunk]))
        if len(chunk) < 100:
            return page


def test_every_labelled_issue_is_listed_past_searchs_thousand(fp: Any, gh: GitHubCli) -> None:
    registered = issue_pages(fp, 1200)

    listing = list_labelled_issues(gh, label="erk-plan", state="closed", limit=5000)

    assert [issue.number for issue in listing.issues] == list(range(1200, 0, -1))
    assert listing.complete and listing.why is None
    assert listing.requests == registered == 13  # 12 full pages, then an empty one


def test_pull_requests_are_dropped_and_rest_fields_read_as_gh_prints_them(
    fp: Any, gh: GitHubCli
) -> None:
    items = [rest_issue(3, body=None), rest_issue(2, pull=True), rest_issue(1)]
    fp.register(
        ["gh", "api", ISSUES.format(page=1, owner="{owner}", repo="{repo}")], stdout=gh_json(items)
    )

    listing = list_labelled_issues(gh, label="erk-plan", state="closed", limit=10)

    assert [issue.number for issue in listing.issues] == [3, 1]
    first = listing.issues[0]
    assert (first.body, first.state, first.labels) == ("", "CLOSED", ("erk-plan",))
    assert first.url == "https://github.com/o/r/issues/3"


def test_the_repository_goes_into_the_path(fp: Any, gh: GitHubCli) -> None:
    gh.repo = "ghe.example.com/o/r"
    endpoint = "repos/o/r/issues?labels=erk-plan&state=closed&per_page=100&page=1"
    fp.register(["gh", "api", "--hostname", "ghe.example.com", endpoint], stdout="[]\n")
    assert list_labelled_issues(gh, label="erk-plan", state="closed").issues == ()


def test_the_limit_stops_the_paging_and_says_so(fp: Any, gh: GitHubCli) -> None:
    for page in (1, 2):
        chunk = range(1000 - (page - 1) * 100, 1000 - page * 100, -1)
        fp.register(
            ["gh", "api", ISSUES.format(page=page, owner="{owner}", repo="{repo}")],
            stdout=gh_json([rest_issue(n) for n in chunk]),
        )

    listing = list_labelled_issues(gh, label="erk-plan", state="closed", limit=150)

    assert len(listing.issues) == 150 and listing.requests == 2
    assert not listing.complete and listing.why is not None and "limit of 150" in listing.why


def test_a_limit_met_by_the_last_page_is_complete(fp: Any, gh: GitHubCli) -> None:
    issue_pages(fp, 150)
    listing = list_labelled_issues(gh, label="erk-plan", state="closed", limit=150)
    assert len(listing.issues) == 150 and listing.complete


def test_a_later_page_that_fails_keeps_the_pages_before_and_says_why(
    fp: Any, gh: GitHubCli
) -> None:
    issue_pages(fp, 1200, fail_page=7)

    listing = list_labelled_issues(gh, label="erk-plan", state="closed", limit=5000)

    assert len(listing.issues) == 600
    assert not listing.complete
    assert listing.why is not None and "page 7" in listing.why and "502" in listing.why


def test_a_first_page_that_fails_raises(fp: Any, gh: GitHubCli) -> None:
    fp.register(
        ["gh", "api", ISSUES.format(page=1, owner="{owner}", repo="{repo}")],
        stderr="HTTP 403: Resource not accessible (https://x)\n",
        returncode=1,
    )
    with pytest.raises(GhRejected):
        list_labelled_issues(gh, label="erk-plan", state="closed")


def run_pages(
    fp: Any, ids: list[int], *, fail_page: int | None = None, total: int | None = None
) -> None:
    for page in range(1, len(ids) // 100 + 2):
        argv = ["gh", "api", RUNS.format(page=page, owner="{owner}", repo="{repo}")]
        if page == fail_page:
            fp.register(argv, stderr="HTTP 500: oops (https://x)\n", returncode=1, occurrences=3)
            return
        chunk = ids[(page - 1) * 100 : page * 100]
        answer = {"total_count": total or len(ids), "workflow_runs": [rest_run(i) for i in chunk]}
        fp.register(argv, stdout=gh_json(answer))
        if page * 100 >= len(ids):
            return


def test_run_history_reads_back_only_as_far_as_the_oldest_run_it_needs(
    fp: Any, gh: GitHubCli
) -> None:
    ids = list(range(3000, 0, -1))  # newest first
    run_pages(fp, ids[:300], total=3000)  # pages 1-3 only: a fourth would be an unregistered call
    history = RunHistory(gh, "learn-async.yml").first()
    assert history.first_page == 100 and history.requests == 1

    history.back_to(2750)

    assert history.requests == 3 and [r.id for r in history.runs] == ids[:300]
    assert not history.complete and history.why is None


def test_run_history_ends_at_total_count_and_reads_null_conclusions(fp: Any, gh: GitHubCli) -> None:
    answer = {"total_count": 2, "workflow_runs": [rest_run(9, conclusion=None), rest_run(8)]}
    fp.register(
        ["gh", "api", RUNS.format(page=1, owner="{owner}", repo="{repo}")], stdout=gh_json(answer)
    )

    history = RunHistory(gh, "learn-async.yml").back_to(1)

    assert history.complete and history.requests == 1
    assert history.runs[0].conclusion == "" and history.runs[0].url.endswith("/runs/9")


def test_run_history_stops_at_a_failed_page_and_says_why(fp: Any, gh: GitHubCli) -> None:
    run_pages(fp, list(range(1000, 0, -1)), fail_page=3)

    history = RunHistory(gh, "learn-async.yml").back_to(1)

    assert len(history.runs) == 200 and not history.complete
    assert history.why is not None and "page 3" in history.why


def test_run_by_id_answers_the_run_or_none_when_github_says_404(fp: Any, gh: GitHubCli) -> None:
    fp.register(
        ["gh", "api", "repos/{owner}/{repo}/actions/runs/77"],
        stdout=gh_json(rest_run(77, conclusion="failure")),
    )
    fp.register(
        ["gh", "api", "repos/{owner}/{repo}/actions/runs/78"], stderr=NOT_FOUND, returncode=1
    )

    found = run_by_id(gh, 77)
    assert found is not None and (found.id, found.conclusion) == (77, "failure")
    assert run_by_id(gh, 78) is None


def test_run_artifacts_reads_expired_ones_too(fp: Any, gh: GitHubCli) -> None:
    answer = {
        "total_count": 2,
        "artifacts": [
            {
                "id": 1,
                "name": "session-abc",
                "expired": True,
                "expires_at": "2026-10-01T00:00:00Z",
                "size_in_bytes": 5,
            },
            {"id": 2, "name": "logs", "expired": False, "expires_at": None},
        ],
    }
    fp.register(
        ["gh", "api", "repos/{owner}/{repo}/actions/runs/5/artifacts?per_page=100"],
        stdout=gh_json(answer),
    )

    assert run_artifacts(gh, 5) == (
        Artifact(1, "session-abc", True, "2026-10-01T00:00:00Z"),
        Artifact(2, "logs", False, None),
    )


def test_run_artifacts_of_a_missing_run_raise_not_found(fp: Any, gh: GitHubCli) -> None:
    fp.register(
        ["gh", "api", "repos/{owner}/{repo}/actions/runs/5/artifacts?per_page=100"],
        stderr=NOT_FOUND,
        returncode=1,
    )
    with pytest.raises(GhNotFound):
        run_artifacts(gh, 5)
