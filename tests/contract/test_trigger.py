"""trigger_plan through the real gh against the sandbox: the whole promise, end to end."""

from __future__ import annotations

import difflib
from dataclasses import replace
from pathlib import Path

import pytest

from learnlib.gh.runner import GitHubCli
from learnlib.rules import plan_header
from learnlib.sandbox.server import SandboxGitHub
from learnlib.usecases.trigger import LearnOptions, trigger_plan
from tests.gh_capabilities import GhCapabilities

OPTIONS = LearnOptions(run_discovery_timeout=5.0, dispatch_confirm_timeout=0.5)


def changed(before: str, after: str) -> list[str]:
    diff = difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True))
    return [line for line in diff if line[:1] in "+-"]


def api_edits(sandbox: SandboxGitHub) -> list[str]:
    return [edit.body for edit in sandbox.edits if edit.source == "api"]


def test_success_dispatches_once_and_changes_only_the_learn_lines(
    gh: GitHubCli, sandbox: SandboxGitHub, gh_caps: GhCapabilities
) -> None:
    before = sandbox.issue(5406).body

    result = trigger_plan(gh, 5406, OPTIONS)

    assert result.success and result.workflow_triggered
    [dispatch] = sandbox.dispatches
    assert dispatch.inputs["issue_number"] == "5406"
    assert len(dispatch.inputs.get("distinct_id", "")) == 16  # the demo workflow declares it
    after = sandbox.issue(5406).body
    assert api_edits(sandbox)[-1] == after
    assert len(api_edits(sandbox)) in (1, 2)  # gh < 2.87: learn_run_id in a second write
    assert result.run_id is not None and result.workflow_run_url is not None
    assert result.workflow_run_url.endswith(f"/actions/runs/{result.run_id}")
    assert changed(before, after) == [
        "- learn_status: null\n",
        "+ learn_status: pending\n",
        f"+ learn_run_id: '{result.run_id}'\n",
    ]


def test_crlf_hand_edited_header_keeps_every_other_byte(
    gh: GitHubCli, sandbox: SandboxGitHub, gh_caps: GhCapabilities
) -> None:
    before = sandbox.issue(5411).body
    assert "\r\n" in before

    result = trigger_plan(gh, 5411, OPTIONS)

    after = sandbox.issue(5411).body
    assert result.success
    lines = changed(before, after)
    assert len(lines) == 3 and all(line.endswith("\r\n") for line in lines)
    assert plan_header.read_header(after)["learn_status"] == "pending"


@pytest.mark.parametrize(
    ("number", "error_type"),
    [
        (5407, "not_a_plan"),
        (5408, "no_session_data"),
        (5409, "invalid_plan_header"),
        (999_999, "issue_not_found"),
    ],
)
def test_refusals_dispatch_nothing_and_edit_nothing(
    gh: GitHubCli, sandbox: SandboxGitHub, number: int, error_type: str
) -> None:
    result = trigger_plan(gh, number, OPTIONS)
    assert (result.success, result.error_type) == (False, error_type)
    assert sandbox.dispatches == [] and sandbox.edits == []


def test_unknown_workflow_is_a_dispatch_failure_with_gh_words(
    gh: GitHubCli, sandbox: SandboxGitHub
) -> None:
    result = trigger_plan(gh, 5406, replace(OPTIONS, workflow="missing.yml"))
    assert (result.success, result.error_type) == (False, "dispatch_failed")
    assert "404" in (result.detail or "") or "not found" in (result.detail or "").lower()
    assert sandbox.edits == []


def test_second_invocation_dispatches_nothing(gh: GitHubCli, sandbox: SandboxGitHub) -> None:
    first = trigger_plan(gh, 5406, OPTIONS)
    second = trigger_plan(gh, 5406, OPTIONS)
    assert first.workflow_triggered and not second.workflow_triggered and second.success
    assert first.workflow_run_url and first.workflow_run_url in (second.reason or "")
    assert second.run_id == first.run_id
    assert len(sandbox.dispatches) == 1
    assert plan_header.read_header(sandbox.issue(5406).body)["learn_run_id"] == str(first.run_id)


def test_concurrent_edit_during_dispatch_is_kept(gh: GitHubCli, sandbox: SandboxGitHub) -> None:
    sandbox.edit_during_dispatch(5406, lambda body: body + "\nA note typed during the dispatch.\n")

    result = trigger_plan(gh, 5406, OPTIONS)

    body = sandbox.issue(5406).body
    assert result.success
    assert body.endswith("A note typed during the dispatch.\n")
    assert plan_header.read_header(body)["learn_status"] == "pending"


def test_502_on_dispatch_gives_exactly_one_run(gh: GitHubCli, sandbox: SandboxGitHub) -> None:
    sandbox.fail_next("workflow_dispatch", 502)

    result = trigger_plan(gh, 5406, OPTIONS)

    assert result.success and result.workflow_triggered
    assert len(sandbox.dispatches) == 1  # the failed request started nothing; the retry did


def test_502_after_the_dispatch_happened_is_not_retried(
    gh: GitHubCli, sandbox: SandboxGitHub
) -> None:
    sandbox.fail_after("workflow_dispatch", 502)

    result = trigger_plan(gh, 5406, OPTIONS)

    assert result.success and result.run_id is not None
    assert len(sandbox.dispatches) == 1


def test_late_run_is_found_within_one_poll_interval(
    gh: GitHubCli, sandbox: SandboxGitHub, gh_caps: GhCapabilities
) -> None:
    # Counted in the sandbox's request log, not timed: a loaded machine slows every gh call.
    sandbox.run_delay = 1.5
    found: list[str] = []

    def progress(line: str) -> None:
        if line.startswith("Run found"):
            found.append(line)

    result = trigger_plan(gh, 5406, OPTIONS, progress=progress)

    assert result.success and result.run_id is not None and found
    listings = [r.time for r in sandbox.requests if r.endpoint == "run_list"]
    if gh_caps.prints_dispatched_run:  # the dispatch names the run: nothing is polled
        assert len(listings) <= 1  # the decision's listing, before
    else:
        with sandbox.lock:
            visible = sandbox.state.repos[0].run(result.run_id)
            assert visible is not None
            visible_at = visible.visible_at
        # the run is found by the first listing after it became visible: one look, no more
        assert [when for when in listings if when >= visible_at] == [listings[-1]]


def test_header_write_refused_after_dispatch_is_reported(
    gh: GitHubCli, sandbox: SandboxGitHub
) -> None:
    sandbox.fail_next("issue_edit", 403, message="Resource not accessible by integration")

    result = trigger_plan(gh, 5406, OPTIONS)

    assert (result.success, result.workflow_triggered, result.error_type) == (
        False,
        True,
        "header_update_failed",
    )
    assert result.run_id is not None and len(sandbox.dispatches) == 1


def test_transient_read_failures_are_retried(gh: GitHubCli, sandbox: SandboxGitHub) -> None:
    sandbox.fail_next("issue_view", 502, count=1)
    result = trigger_plan(gh, 5406, OPTIONS)
    assert result.success and len(sandbox.dispatches) == 1


def test_connection_refused_fails_cleanly(tmp_path: Path, sandbox: SandboxGitHub) -> None:
    env = sandbox.gh_env(tmp_path) | {"HTTP_PROXY": "http://127.0.0.1:9", "http_proxy": ""}
    env["http_proxy"] = "http://127.0.0.1:9"
    dead = GitHubCli(repo="learnlib-demo/plans", env=env, sleep=lambda _: None)

    result = trigger_plan(dead, 5406, OPTIONS)

    assert (result.success, result.error_type) == (False, "gh_unavailable")
    assert sandbox.dispatches == [] and sandbox.edits == []
