"""The trigger flow over a faked gh: every success and refusal path, and what reaches GitHub."""

from __future__ import annotations

import difflib
from datetime import UTC, datetime, timedelta

import pytest

from learnlib import plan_header
from learnlib.gh.runner import GitHubCli
from learnlib.learn import LearnOptions, TriggerResult, trigger_async_learn
from learnlib.run_discovery import match_run
from tests.gh_outputs import NOT_FOUND_STDERR, run_output
from tests.unit.conftest import PLAN_BODY, FakeGh

ISSUE = 5406
OPTIONS = LearnOptions(run_discovery_timeout=0.6, dispatch_confirm_timeout=0.3)


def now_iso(delta: float = 0.0) -> str:
    moment = datetime.now(UTC) + timedelta(seconds=delta)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True))
    return [line for line in diff if line[:1] in "+-"]


def run(gh: GitHubCli, options: LearnOptions = OPTIONS) -> TriggerResult:
    return trigger_async_learn(gh, ISSUE, options)


def test_success_on_old_gh_writes_pending_at_once_and_reports_the_run(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(ISSUE)
    gh_fake.workflow_run(ISSUE)
    gh_fake.run_list([run_output(901, now_iso(), display_title=f"Learn #{ISSUE}")])
    gh_fake.issue_body(ISSUE, PLAN_BODY)
    gh_fake.issue_edit(ISSUE)

    result = run(gh)

    assert result.success and result.workflow_triggered
    assert (result.run_id, result.workflow_run_url) == (
        901,
        "https://github.com/o/r/actions/runs/901",
    )
    assert len(gh_fake.edited) == 1  # written beside the run lookup, without waiting for it
    assert changed_lines(PLAN_BODY, gh_fake.edited[0]) == [
        "- learn_status: null\n",
        "+ learn_status: pending\n",
    ]


def test_success_on_new_gh_uses_the_printed_url_without_listing_runs(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(ISSUE)
    gh_fake.workflow_run(ISSUE, stdout="https://github.com/o/r/actions/runs/4242\n")
    gh_fake.issue_body(ISSUE, PLAN_BODY)
    gh_fake.issue_edit(ISSUE)

    result = run(gh)

    assert (result.success, result.run_id) == (True, 4242)
    assert result.workflow_run_url == "https://github.com/o/r/actions/runs/4242"
    assert gh_fake.count("run", "list", "--workflow", "learn-async.yml") == 0
    assert plan_header.read_header(gh_fake.edited[0])["learn_run_id"] == "4242"


def test_workflow_and_ref_are_passed_to_gh(gh: GitHubCli, gh_fake: FakeGh) -> None:
    gh_fake.issue_view(ISSUE)
    gh_fake.workflow_run(ISSUE, workflow="learn.yml", ref="main", stdout="")
    gh_fake.run_list([run_output(7, now_iso())], workflow="learn.yml")
    gh_fake.issue_body(ISSUE, PLAN_BODY)
    gh_fake.issue_edit(ISSUE)

    result = run(gh, LearnOptions(workflow="learn.yml", ref="main"))

    assert result.success and result.workflow == "learn.yml" and result.run_id == 7


@pytest.mark.parametrize(
    ("setup", "error", "error_type"),
    [
        (
            lambda f: f.issue_view_fails(ISSUE, NOT_FOUND_STDERR.format(number=ISSUE)),
            "Issue not found",
            "issue_not_found",
        ),
        (
            lambda f: f.issue_view(ISSUE, labels=("bug",)),
            "Issue is not an erk-plan",
            "not_a_plan",
        ),
        (
            lambda f: f.issue_view(ISSUE, body="# No header here\n"),
            None,
            "invalid_plan_header",
        ),
        (
            lambda f: f.issue_view(ISSUE, body=PLAN_BODY.replace("'21203500990'", "null")),
            "No session data available for learning",
            "no_session_data",
        ),
        (
            lambda f: f.issue_view_fails(ISSUE, "To get started with GitHub CLI...", 4),
            f"Failed to read issue #{ISSUE}",
            "gh_auth_required",
        ),
    ],
    ids=["missing", "not-plan", "no-header", "no-session", "no-auth"],
)
def test_refusals_dispatch_nothing_and_edit_nothing(
    gh: GitHubCli, gh_fake: FakeGh, setup: object, error: str | None, error_type: str
) -> None:
    setup(gh_fake)  # type: ignore[operator]
    # No workflow run or edit is registered: calling either would fail the test.

    result = run(gh)

    assert not result.success and not result.workflow_triggered
    assert result.error_type == error_type
    if error is not None:
        assert result.error == error
    assert result.error and result.detail is not None
    assert gh_fake.edited == []


def test_invalid_header_error_names_the_problem(gh: GitHubCli, gh_fake: FakeGh) -> None:
    gh_fake.issue_view(ISSUE, body=PLAN_BODY + "\n" + PLAN_BODY)

    result = run(gh)

    assert result.error_type == "invalid_plan_header"
    assert "more than one" in (result.error or "").lower()


def test_dispatch_rejected_reports_gh_message_and_leaves_body(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(ISSUE)
    message = (
        "could not create workflow dispatch event: HTTP 422: Unexpected inputs provided: "
        '["issue_number"] (https://api.github.com/repos/o/r/actions/workflows/1/dispatches)\n'
    )
    gh_fake.workflow_run(ISSUE, stderr=message, returncode=1)

    result = run(gh)

    assert (result.success, result.error, result.error_type) == (
        False,
        "Failed to dispatch workflow",
        "dispatch_failed",
    )
    assert "Unexpected inputs provided" in (result.detail or "")
    assert gh_fake.edited == []


def test_dispatch_502_without_a_new_run_is_retried_once(gh: GitHubCli, gh_fake: FakeGh) -> None:
    gh_fake.issue_view(ISSUE)
    gh_fake.workflow_run(ISSUE, stderr="HTTP 502: Bad Gateway (https://x)\n", returncode=1)
    gh_fake.run_list([run_output(1, now_iso(-3600))], occurrences=10)  # an old run only
    gh_fake.workflow_run(ISSUE, stdout="https://github.com/o/r/actions/runs/77\n")
    gh_fake.issue_body(ISSUE, PLAN_BODY)
    gh_fake.issue_edit(ISSUE)

    result = run(gh)

    assert result.success and result.run_id == 77
    assert (
        gh_fake.count(
            "workflow", "run", "learn-async.yml", "-f", f"issue_number={ISSUE}", "--ref", "main"
        )
        == 2
    )


def test_dispatch_502_with_a_new_run_is_not_retried(gh: GitHubCli, gh_fake: FakeGh) -> None:
    gh_fake.issue_view(ISSUE)
    gh_fake.workflow_run(ISSUE, stderr="HTTP 502: Bad Gateway (https://x)\n", returncode=1)
    gh_fake.run_list([run_output(55, now_iso(), display_title=f"Learn #{ISSUE}")])
    gh_fake.issue_body(ISSUE, PLAN_BODY)
    gh_fake.issue_edit(ISSUE)

    result = run(gh)

    assert result.success and result.run_id == 55
    assert (
        gh_fake.count(
            "workflow", "run", "learn-async.yml", "-f", f"issue_number={ISSUE}", "--ref", "main"
        )
        == 1
    )


def test_dispatch_502_whose_run_cannot_be_checked_is_not_retried(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(ISSUE)
    gh_fake.workflow_run(ISSUE, stderr="HTTP 502: Bad Gateway (https://x)\n", returncode=1)
    gh_fake.run_list([], stderr="HTTP 403: Resource not accessible (https://x)\n", returncode=1)

    result = run(gh)

    assert (result.success, result.error_type) == (False, "dispatch_failed")
    assert "not retried" in (result.detail or "")
    assert gh_fake.edited == []


@pytest.mark.parametrize("status", ["pending", "completed_no_plan", "completed_with_plan"])
def test_already_learned_is_not_dispatched_again(
    gh: GitHubCli, gh_fake: FakeGh, status: str
) -> None:
    gh_fake.issue_view(
        ISSUE, body=PLAN_BODY.replace("learn_status: null", f"learn_status: {status}")
    )

    result = run(gh)

    assert result.success and not result.workflow_triggered
    assert status in (result.reason or "") and "--force" in (result.reason or "")
    assert gh_fake.edited == []


def test_pending_plan_reports_its_recorded_run(gh: GitHubCli, gh_fake: FakeGh) -> None:
    body = PLAN_BODY.replace("learn_status: null", "learn_status: pending\nlearn_run_id: '31'")
    gh_fake.issue_view(ISSUE, body=body, url="https://github.com/o/r/issues/5406")

    result = run(gh)

    assert (result.workflow_triggered, result.run_id) == (False, 31)
    assert result.workflow_run_url == "https://github.com/o/r/actions/runs/31"


def test_force_dispatches_a_pending_plan_again(gh: GitHubCli, gh_fake: FakeGh) -> None:
    body = PLAN_BODY.replace("learn_status: null", "learn_status: pending\nlearn_run_id: '1'")
    gh_fake.issue_view(ISSUE, body=body)
    gh_fake.workflow_run(ISSUE, stdout="https://github.com/o/r/actions/runs/2\n")
    gh_fake.issue_body(ISSUE, body)
    gh_fake.issue_edit(ISSUE)

    result = run(gh, LearnOptions(force=True))

    assert result.success and result.workflow_triggered and result.run_id == 2
    assert changed_lines(body, gh_fake.edited[0]) == [
        "- learn_run_id: '1'\n",
        "+ learn_run_id: '2'\n",
    ]


def test_dry_run_reads_and_checks_but_dispatches_and_edits_nothing(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(ISSUE)

    result = run(gh, LearnOptions(dry_run=True))

    assert result.success and result.dry_run and not result.workflow_triggered
    assert result.diff is not None
    assert "-learn_status: null\n" in result.diff and "+learn_status: pending\n" in result.diff


def test_header_write_failure_after_dispatch_is_reported(gh: GitHubCli, gh_fake: FakeGh) -> None:
    gh_fake.issue_view(ISSUE)
    gh_fake.workflow_run(ISSUE, stdout="https://github.com/o/r/actions/runs/31\n")
    gh_fake.issue_body(ISSUE, PLAN_BODY)
    gh_fake.issue_edit(
        ISSUE, returncode=1, stderr="GraphQL: Resource not accessible (updateIssue)\n"
    )

    result = run(gh)

    assert (result.success, result.workflow_triggered, result.error_type) == (
        False,
        True,
        "header_update_failed",
    )
    assert result.run_id == 31 and "Resource not accessible" in (result.detail or "")


def test_concurrent_prose_edit_survives_the_header_write(gh: GitHubCli, gh_fake: FakeGh) -> None:
    edited_meanwhile = PLAN_BODY + "A comment a person added while we dispatched.\n"
    gh_fake.issue_view(ISSUE)
    gh_fake.workflow_run(ISSUE, stdout="https://github.com/o/r/actions/runs/8\n")
    gh_fake.issue_body(ISSUE, edited_meanwhile)
    gh_fake.issue_edit(ISSUE)

    result = run(gh)

    assert result.success
    assert gh_fake.edited[0].endswith("A comment a person added while we dispatched.\n")
    assert plan_header.read_header(gh_fake.edited[0])["learn_status"] == "pending"


def test_a_later_learn_state_written_meanwhile_is_not_overwritten(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(ISSUE)
    gh_fake.workflow_run(ISSUE, stdout="https://github.com/o/r/actions/runs/8\n")
    gh_fake.issue_body(
        ISSUE, PLAN_BODY.replace("learn_status: null", "learn_status: completed_no_plan")
    )

    result = run(gh)

    assert result.success and result.workflow_triggered
    assert gh_fake.edited == []
    assert any("completed_no_plan" in warning for warning in result.warnings)


def test_run_not_found_in_time_is_success_with_a_warning(gh: GitHubCli, gh_fake: FakeGh) -> None:
    gh_fake.issue_view(ISSUE)
    gh_fake.workflow_run(ISSUE)
    gh_fake.run_list([], occurrences=20)
    gh_fake.issue_body(ISSUE, PLAN_BODY)
    gh_fake.issue_edit(ISSUE)

    result = run(gh)

    assert result.success and result.workflow_triggered
    assert (result.run_id, result.workflow_run_url) == (None, None)
    assert any("did not show up" in warning for warning in result.warnings)
    assert changed_lines(PLAN_BODY, gh_fake.edited[0]) == [
        "- learn_status: null\n",
        "+ learn_status: pending\n",
    ]


def test_transient_read_failure_is_retried(gh: GitHubCli, gh_fake: FakeGh) -> None:
    gh_fake.issue_view_fails(ISSUE, "HTTP 502: Bad Gateway (https://x)\n")
    gh_fake.issue_view(ISSUE, labels=("bug",))

    result = run(gh)

    assert result.error_type == "not_a_plan"


def test_match_run_prefers_the_run_naming_the_issue() -> None:
    since = datetime.now(UTC)
    from tests.unit.test_runs_parsing import make_run

    mine = make_run(10, since, "Learn #5406")
    other = make_run(11, since + timedelta(seconds=1), "Learn #54060")
    older = make_run(9, since - timedelta(hours=1), "Learn #5406")
    assert match_run([other, mine, older], since, 5406, clock_skew=10) == mine
    assert match_run([older], since, 5406, clock_skew=10) is None
    assert match_run([other], since, 5406, clock_skew=10) == other


def test_a_stale_run_id_is_cleared_when_the_new_run_is_unknown(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    body = PLAN_BODY.replace("learn_status: null", "learn_status: null\nlearn_run_id: '123'")
    gh_fake.issue_view(ISSUE, body=body)
    gh_fake.workflow_run(ISSUE)
    gh_fake.run_list([run_output(5, now_iso())])
    gh_fake.issue_body(ISSUE, body)
    gh_fake.issue_edit(ISSUE)

    result = run(gh)

    assert result.success and result.run_id == 5
    assert plan_header.read_header(gh_fake.edited[0])["learn_run_id"] is None


def test_run_id_that_cannot_be_inserted_falls_back_to_the_status(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    body = PLAN_BODY.replace("learn_status: null\n", "learn_status: null\nlast: &a x\nother: *a\n")
    gh_fake.issue_view(ISSUE, body=body)
    gh_fake.workflow_run(ISSUE, stdout="https://github.com/o/r/actions/runs/6\n")
    gh_fake.issue_body(ISSUE, body)
    gh_fake.issue_edit(ISSUE)

    result = run(gh)

    assert result.success and result.run_id == 6
    assert changed_lines(body, gh_fake.edited[0]) == [
        "- learn_status: null\n",
        "+ learn_status: pending\n",
    ]
    assert any("learn_run_id was not written" in warning for warning in result.warnings)


def test_a_body_that_would_pass_githubs_limit_is_refused_before_dispatch(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    body = PLAN_BODY + "x" * (65_536 - len(PLAN_BODY))
    gh_fake.issue_view(ISSUE, body=body)

    result = run(gh)

    assert (result.success, result.error_type) == (False, "body_too_long")
    assert "65,536" in (result.detail or "")


def test_an_answer_for_another_issue_is_refused(gh: GitHubCli, gh_fake: FakeGh) -> None:
    from tests.gh_outputs import issue_view_output

    gh_fake.fp.register(
        ["gh", "issue", "view", str(ISSUE), "--json", "number,title,body,labels,state,url"],
        stdout=issue_view_output(1, PLAN_BODY),
    )
    result = run(gh)
    assert result.error_type == "gh_bad_output"


def test_a_workflow_name_that_looks_like_a_flag_is_never_passed_to_gh(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(ISSUE)
    result = run(gh, LearnOptions(workflow="--help", ref="main"))
    assert (result.error_type, result.workflow_triggered) == ("dispatch_failed", False)
