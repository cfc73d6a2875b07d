"""Each adapter run by the real gh against the sandbox: values read, bodies written, errors."""

from __future__ import annotations

import pytest

from learnlib.gh.issues import edit_issue_body, read_issue_body, view_issue
from learnlib.gh.prs import merge_pr, view_pr
from learnlib.gh.runner import GhAuthRequired, GhError, GhNotFound, GhUnavailable, GitHubCli
from learnlib.gh.runs import list_runs
from learnlib.gh.workflows import dispatch_workflow
from learnlib.sandbox.server import SandboxGitHub
from tests.gh_capabilities import GhCapabilities


def test_view_issue_reads_every_field(gh: GitHubCli, sandbox: SandboxGitHub) -> None:
    issue = view_issue(gh, 5406)
    expected = sandbox.issue(5406)
    assert (issue.number, issue.title, issue.body) == (5406, expected.title, expected.body)
    assert issue.labels == tuple(label.name for label in expected.labels)
    assert issue.state == "OPEN" and issue.url.endswith("/issues/5406")


def test_missing_issue_is_not_found(gh: GitHubCli) -> None:
    with pytest.raises(GhNotFound):
        view_issue(gh, 999_999)


def test_edit_sends_the_body_byte_for_byte(gh: GitHubCli, sandbox: SandboxGitHub) -> None:
    body = "first\r\nsecond — ünïcödé ✓\r\n\r\n  indented\ttab\r\nno newline at end"
    edit_issue_body(gh, 5406, body)
    assert sandbox.issue(5406).body == body
    assert read_issue_body(gh, 5406) == body


def test_dispatch_then_list_runs_finds_the_run(
    gh: GitHubCli, sandbox: SandboxGitHub, gh_caps: GhCapabilities
) -> None:
    dispatch = dispatch_workflow(gh, "learn-async.yml", {"issue_number": "5406"})
    [record] = sandbox.dispatches
    assert record.inputs == {"issue_number": "5406"}
    runs = list_runs(gh, "learn-async.yml")
    newest = max(runs, key=lambda run: run.created_at)
    assert newest.display_title == "Learn #5406" and newest.event == "workflow_dispatch"
    if gh_caps.prints_dispatched_run:  # the run, as the dispatch reported it
        assert (dispatch.run_id, dispatch.run_url) == (newest.id, newest.url)
    else:  # older gh prints nothing: the run is found by listing
        assert (dispatch.run_id, dispatch.run_url) == (None, None)


def test_dispatch_with_ref(gh: GitHubCli, sandbox: SandboxGitHub) -> None:
    dispatch_workflow(gh, "learn-async.yml", {"issue_number": "1"}, ref="main")
    assert sandbox.dispatches[0].ref == "main"


@pytest.mark.parametrize(
    ("status", "error"), [(502, GhUnavailable), (429, GhUnavailable), (401, GhAuthRequired)]
)
def test_http_failures_are_classified(
    gh: GitHubCli, sandbox: SandboxGitHub, status: int, error: type[Exception]
) -> None:
    sandbox.fail_next("issue_view", status, count=10, retry_after=0 if status == 429 else None)
    with pytest.raises(error):
        read_issue_body(gh, 5406)


def test_view_pr_reads_the_demo_pull_request(gh: GitHubCli) -> None:
    pr = view_pr(gh, 7)
    assert (pr.number, pr.state, pr.is_draft) == (7, "OPEN", False)
    assert pr.head_ref_name.startswith("P5406-") and pr.base_ref_name == "main"
    assert pr.mergeable == "MERGEABLE" and len(pr.head_ref_oid) == 40


def test_missing_pr_is_not_found(gh: GitHubCli) -> None:
    with pytest.raises(GhNotFound):
        view_pr(gh, 99_999)


@pytest.mark.parametrize("method", ["squash", "merge", "rebase"])
def test_merge_pr_merges_once_with_the_method(
    gh: GitHubCli, sandbox: SandboxGitHub, method: str
) -> None:
    pr = view_pr(gh, 7)
    merge_pr(gh, 7, method=method, delete_branch=True, head_oid=pr.head_ref_oid)
    [merge] = sandbox.merges
    assert (merge.number, merge.method.lower()) == (7, method)
    assert view_pr(gh, 7).state == "MERGED"
    assert [deletion.branch for deletion in sandbox.branch_deletions] == [pr.head_ref_name]


def test_merge_pr_refuses_a_conflicting_pr(gh: GitHubCli, sandbox: SandboxGitHub) -> None:
    pr = view_pr(gh, 9)
    with pytest.raises(GhError):
        merge_pr(gh, 9, method="squash", delete_branch=False, head_oid=pr.head_ref_oid)
    assert sandbox.merges == []
