"""record-learn: erk's learn fields written byte-exact, refusals that write nothing, the task."""

from __future__ import annotations

import difflib
from typing import Any

import pytest

from learnlib.gh.runner import GitHubCli
from learnlib.rules import plan_header
from learnlib.usecases.record import RecordRequest, record_plan
from tests.unit.conftest import PLAN_BODY, FakeGh, run_task, tripwires

ISSUE = 5406


def changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True))
    return [line for line in diff if line[:1] in "+-"]


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_a_status_is_a_one_line_diff(gh: GitHubCli, gh_fake: FakeGh) -> None:
    gh_fake.issue_view(ISSUE)
    gh_fake.issue_edit(ISSUE)

    result = record_plan(gh, RecordRequest(ISSUE, "completed_no_plan"))

    assert result.success and result.written and result.changed == ("learn_status",)
    assert changed_lines(PLAN_BODY, gh_fake.edited[0]) == [
        "- learn_status: null\n",
        "+ learn_status: completed_no_plan\n",
    ]


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_run_id_is_a_quoted_string_and_plan_numbers_are_ints(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(ISSUE)
    gh_fake.issue_edit(ISSUE)

    request = RecordRequest(
        ISSUE, "completed_with_plan", run_id=77, learn_plan_issue=12, learn_plan_pr=13
    )
    result = record_plan(gh, request)

    assert result.success and result.written
    header = plan_header.read_header(gh_fake.edited[0])
    assert header["learn_run_id"] == "77"
    assert (header["learn_plan_issue"], header["learn_plan_pr"]) == (12, 13)
    assert "+ learn_run_id: '77'\n" in changed_lines(PLAN_BODY, gh_fake.edited[0])


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_a_status_outside_erks_six_is_refused_before_any_read(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    with tripwires(gh_fake.fp):
        gh_fake.issue_view(ISSUE)
        gh_fake.issue_edit(ISSUE)

    result = record_plan(gh, RecordRequest(ISSUE, "completed"))

    assert (result.success, result.error_type) == (False, "invalid_learn_status")
    assert "plan_completed" in (result.error or "")
    assert gh_fake.edited == [] and gh_fake.count("issue", "view", gh_fake.fp.any()) == 0


@pytest.mark.gh_optional("repo_view", "side_reads")
@pytest.mark.parametrize(
    ("labels", "body", "error_type"),
    [(("bug",), PLAN_BODY, "not_a_plan"), (("erk-plan",), "no header\n", "invalid_plan_header")],
)
def test_an_unusable_issue_is_refused_and_left_alone(
    gh: GitHubCli, gh_fake: FakeGh, labels: tuple[str, ...], body: str, error_type: str
) -> None:
    gh_fake.issue_view(ISSUE, body=body, labels=labels)
    with tripwires(gh_fake.fp):
        gh_fake.issue_edit(ISSUE)

    result = record_plan(gh, RecordRequest(ISSUE, "pending"))

    assert (result.success, result.error_type) == (False, error_type)
    assert gh_fake.edited == []


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_the_outcome_of_a_replaced_run_is_not_recorded(gh: GitHubCli, gh_fake: FakeGh) -> None:
    body = plan_header.set_values(PLAN_BODY, {"learn_status": "pending", "learn_run_id": "90"})
    gh_fake.issue_view(ISSUE, body=body)
    with tripwires(gh_fake.fp):
        gh_fake.issue_edit(ISSUE)

    result = record_plan(gh, RecordRequest(ISSUE, "completed_no_plan", run_id=80))

    assert result.success and not result.written and gh_fake.edited == []
    assert "run 90" in result.warnings[0]


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_a_failed_write_is_header_update_failed(gh: GitHubCli, gh_fake: FakeGh) -> None:
    gh_fake.issue_view(ISSUE)
    gh_fake.issue_edit(ISSUE, returncode=1, stderr="GraphQL: Resource not accessible\n")

    result = record_plan(gh, RecordRequest(ISSUE, "pending", run_id=5))

    assert (result.success, result.error_type) == (False, "header_update_failed")


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_the_task_prints_one_json_object(
    capsys: pytest.CaptureFixture[str], gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(ISSUE)
    gh_fake.issue_edit(ISSUE)

    code, payload, err = run_task(
        capsys, "record-learn", "--issue", str(ISSUE), "--status", "pending", "--run-id", "42"
    )

    assert code == 0
    assert payload == {
        "success": True,
        "issue_number": ISSUE,
        "learn_status": "pending",
        "written": True,
        "changed": ["learn_status", "learn_run_id"],
    }
    assert "Header written" in err


@pytest.mark.gh_optional("repo_view", "side_reads")
@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["--issue", str(ISSUE)], 2),
        (["--issue", str(ISSUE), "--status", "pending", "--run-id", "x"], 2),
        (["--status", "pending"], 2),
    ],
)
def test_task_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], gh_fake: FakeGh, argv: list[str], code: int
) -> None:
    got, payload, _ = run_task(capsys, "record-learn", *argv)
    assert (got, payload["error_type"]) == (code, "invalid_option")


@pytest.mark.parametrize("status", ["done", "null", "None"])
def test_a_status_outside_erks_six_is_a_bad_choice_of_option(
    capsys: pytest.CaptureFixture[str], fp: Any, status: str
) -> None:
    """Like every other bad choice: exit 2, invalid_option, the six listed (null is not one)."""
    code, payload, _ = run_task(capsys, "record-learn", "--issue", "1", "--status", status)
    assert (code, payload["error_type"]) == (2, "invalid_option")
    assert payload["error"] == (
        "--status must be one of not_started, pending, completed_no_plan, completed_with_plan, "
        f"pending_review, plan_completed, got {status!r}"
    )
    assert not fp.calls  # refused before gh is asked anything


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_a_real_run_id_past_2_31_is_accepted_by_the_task(
    capsys: pytest.CaptureFixture[str], gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(ISSUE)
    gh_fake.issue_edit(ISSUE)

    code, payload, _ = run_task(
        capsys,
        "record-learn",
        "--issue",
        str(ISSUE),
        "--status",
        "pending",
        "--run-id",
        "21300000001",
    )

    assert (code, payload["success"]) == (0, True)
    assert "learn_run_id: '21300000001'" in gh_fake.edited[-1]


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_a_superseded_run_is_said_once(capsys: pytest.CaptureFixture[str], gh_fake: FakeGh) -> None:
    """The outcome of a run the header no longer waits for: one warning line, not that and a
    progress line with the same words."""
    waiting = PLAN_BODY.replace("learn_status: null", "learn_status: pending\nlearn_run_id: '99'")
    gh_fake.issue_view(ISSUE, body=waiting)
    code, payload, err = run_task(
        capsys, "record-learn", "--issue", str(ISSUE), "--status", "completed_no_plan",
        "--run-id", "100",
    )  # fmt: skip
    assert code == 0 and payload["written"] is False and len(payload["warnings"]) == 1
    assert err.count("the header waits for run 99, not run 100") == 1, err
