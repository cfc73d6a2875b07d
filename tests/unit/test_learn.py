"""The trigger flow over a faked gh: every success and refusal path, and what reaches GitHub."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from learnlib.gh.runner import GitHubCli
from learnlib.rules import plan_header
from learnlib.usecases.trigger import LearnOptions, TriggerResult, trigger_plan
from tests.gh_outputs import NOT_FOUND_STDERR, gh_json, rest_run_output, run_output
from tests.unit.conftest import LEARN_WORKFLOW, PLAN_BODY, FakeGh, optional_fakes, tripwires

ISSUE = 5406
OPTIONS = LearnOptions(run_discovery_timeout=0.6, dispatch_confirm_timeout=0.3)
DISPATCH = ("workflow", "run", "learn-async.yml", "-f", f"issue_number={ISSUE}", "--ref", "main")

# A workflow without distinct_id: the dispatch argv is fixed, runs are matched by time and issue.
WORKFLOW = LEARN_WORKFLOW
WORKFLOW_WITH_ID = WORKFLOW.replace(
    "      issue_number:", "      distinct_id: {required: false}\n      issue_number:"
)


@pytest.fixture
def gh_fake(fp: Any, request: pytest.FixtureRequest) -> FakeGh:
    """conftest's fake without its default side reads: each test registers its own."""
    fake = FakeGh(fp)
    fake.repo_view(optional="repo_view" in optional_fakes(request))
    fake.session_artifacts(optional=True)  # PLAN_BODY's session is remote only: a live one
    return fake


def now_iso(delta: float = 0.0) -> str:
    moment = datetime.now(UTC) + timedelta(seconds=delta)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True))
    return [line for line in diff if line[:1] in "+-"]


def run(gh: GitHubCli, options: LearnOptions = OPTIONS) -> TriggerResult:
    return trigger_plan(gh, ISSUE, options)


def sides(
    fake: FakeGh, runs: Iterable[dict[str, Any]] = (), workflow: str | None = WORKFLOW
) -> None:
    """The reads beside the issue read: the decision's run listing and the workflow file."""
    fake.run_list(list(runs), limit=100)
    fake.workflow_file(workflow)


def permissive(fake: FakeGh) -> None:
    """Register a dispatch and a write that would succeed, so a test can assert none happened."""
    with tripwires(fake.fp):
        fake.workflow_run(ISSUE, stdout="https://github.com/o/r/actions/runs/999\n")
        fake.fp.register(["gh", "workflow", "run", fake.fp.any()])
        fake.issue_body(ISSUE, PLAN_BODY, occurrences=5)
        fake.issue_edit(ISSUE)


def dispatches(fake: FakeGh) -> int:
    return sum(1 for call in fake.fp.calls if list(call[1:3]) == ["workflow", "run"])


def test_success_on_old_gh_writes_pending_at_once_then_the_run_id(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(ISSUE)
    old = run_output(800, now_iso(-600), display_title="Learn #1", status="completed")
    sides(gh_fake, [old])
    gh_fake.workflow_run(ISSUE)
    gh_fake.run_list([run_output(901, now_iso(), display_title=f"Learn #{ISSUE}")], occurrences=2)
    gh_fake.issue_body(ISSUE, PLAN_BODY)
    gh_fake.issue_edit(ISSUE)
    pending = plan_header.set_values(PLAN_BODY, {"learn_status": "pending"})
    gh_fake.issue_body(ISSUE, pending)
    gh_fake.issue_edit(ISSUE)

    result = run(gh)

    assert result.success and result.workflow_triggered and result.action == "dispatch"
    assert (result.run_id, result.workflow_run_url) == (
        901,
        "https://github.com/o/r/actions/runs/901",
    )
    assert len(gh_fake.edited) == 2  # pending at once, learn_run_id once the run is found
    assert changed_lines(PLAN_BODY, gh_fake.edited[0]) == [
        "- learn_status: null\n",
        "+ learn_status: pending\n",
    ]
    assert changed_lines(pending, gh_fake.edited[1]) == ["+ learn_run_id: '901'\n"]


def test_success_on_new_gh_uses_the_printed_url_without_polling(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(ISSUE)
    sides(gh_fake)
    gh_fake.workflow_run(ISSUE, stdout="https://github.com/o/r/actions/runs/4242\n")
    gh_fake.issue_body(ISSUE, PLAN_BODY)
    gh_fake.issue_edit(ISSUE)

    result = run(gh)

    assert (result.success, result.run_id) == (True, 4242)
    assert result.workflow_run_url == "https://github.com/o/r/actions/runs/4242"
    polls = ["run", "list", "--workflow", "learn-async.yml", "--json"]
    assert gh_fake.count(*polls, gh_fake.fp.any(), "--limit", "20") == 0
    assert len(gh_fake.edited) == 1
    assert plan_header.read_header(gh_fake.edited[0])["learn_run_id"] == "4242"


def test_a_declared_distinct_id_is_sent_and_picks_our_run_among_others(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(ISSUE)
    sides(gh_fake, workflow=WORKFLOW_WITH_ID)
    sent: list[str] = []

    def keep(process: Any) -> None:
        sent.extend(process.args)

    gh_fake.fp.register(
        ["gh", *DISPATCH[:5], "-f", gh_fake.fp.any(min=1, max=1), "--ref", "main"],
        callback=keep,
    )
    gh_fake.issue_body(ISSUE, PLAN_BODY)
    gh_fake.issue_edit(ISSUE)
    gh_fake.issue_body(ISSUE, plan_header.set_values(PLAN_BODY, {"learn_status": "pending"}))
    gh_fake.issue_edit(ISSUE)

    def listing(process: Any) -> None:
        tag = next(arg for arg in sent if arg.startswith("distinct_id="))[len("distinct_id=") :]
        runs = [
            run_output(70, now_iso(), display_title=f"Learn #{ISSUE} someoneelse"),
            run_output(71, now_iso(), display_title=f"Learn #{ISSUE} {tag}"),
        ]
        process.stdout.write(__import__("json").dumps(runs).encode())

    polls = ["gh", "run", "list", "--workflow", "learn-async.yml"]
    gh_fake.fp.register([*polls, gh_fake.fp.any(min=4, max=4)], callback=listing)

    result = run(gh)

    assert any(arg.startswith("distinct_id=") and len(arg) > 20 for arg in sent)
    assert result.success and result.run_id == 71


def test_more_than_one_candidate_run_without_distinct_id_reports_none(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(ISSUE)
    sides(gh_fake)
    gh_fake.workflow_run(ISSUE)
    title = f"Learn #{ISSUE}"
    gh_fake.run_list(
        [
            run_output(70, now_iso(), display_title=title),
            run_output(71, now_iso(), display_title=title),
        ]
    )
    gh_fake.issue_body(ISSUE, PLAN_BODY)
    gh_fake.issue_edit(ISSUE)

    result = run(gh)

    assert result.success and result.workflow_triggered and result.run_id is None
    assert any("more than one run" in w and "70" in w and "71" in w for w in result.warnings)
    assert len(gh_fake.edited) == 1


def test_runs_listed_before_the_dispatch_are_never_ours(gh: GitHubCli, gh_fake: FakeGh) -> None:
    other = run_output(
        60, now_iso(), display_title=f"Learn #{ISSUE}", status="completed", conclusion="success"
    )
    gh_fake.issue_view(ISSUE)
    sides(gh_fake, [other])
    gh_fake.workflow_run(ISSUE)
    gh_fake.run_list([other], occurrences=30)
    gh_fake.issue_body(ISSUE, PLAN_BODY)
    gh_fake.issue_edit(ISSUE)

    result = run(gh)

    assert result.workflow_triggered and result.run_id is None


@pytest.mark.gh_optional("repo_view")
def test_workflow_and_ref_are_passed_to_gh(gh: GitHubCli, gh_fake: FakeGh) -> None:
    gh_fake.issue_view(ISSUE)
    gh_fake.run_list([], workflow="learn.yml", limit=100)
    gh_fake.workflow_file(WORKFLOW, workflow="learn.yml", ref="rel%2F1")
    gh_fake.fp.register(
        ["gh", "workflow", "run", "learn.yml", "-f", f"issue_number={ISSUE}", "--ref", "rel/1"],
        stdout="https://github.com/o/r/actions/runs/7\n",
    )
    gh_fake.issue_body(ISSUE, PLAN_BODY)
    gh_fake.issue_edit(ISSUE)

    result = run(gh, LearnOptions(workflow="learn.yml", ref="rel/1"))

    assert result.success and result.workflow == "learn.yml" and result.run_id == 7
    assert gh_fake.count("repo", "view", "--json", "defaultBranchRef") == 0


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
        (
            lambda f: f.issue_view(
                ISSUE, body=PLAN_BODY.replace("learn_status: null", "learn_status: done")
            ),
            None,
            "invalid_learn_status",
        ),
    ],
    ids=["missing", "not-plan", "no-header", "no-session", "no-auth", "bad-status"],
)
def test_refusals_dispatch_nothing_and_edit_nothing(
    gh: GitHubCli, gh_fake: FakeGh, setup: object, error: str | None, error_type: str
) -> None:
    setup(gh_fake)  # type: ignore[operator]
    sides(gh_fake)
    permissive(gh_fake)  # a dispatch or a write would succeed: the counts below can fail

    result = run(gh)

    assert not result.success and not result.workflow_triggered
    assert result.error_type == error_type
    if error is not None:
        assert result.error == error
    assert result.error and result.detail is not None
    assert dispatches(gh_fake) == 0
    assert gh_fake.edited == []


def test_an_unknown_status_lists_the_valid_ones(gh: GitHubCli, gh_fake: FakeGh) -> None:
    gh_fake.issue_view(ISSUE, body=PLAN_BODY.replace("learn_status: null", "learn_status: done"))
    sides(gh_fake)

    result = run(gh)

    assert result.error_type == "invalid_learn_status"
    assert "pending_review" in (result.error or "") and "plan_completed" in (result.error or "")


@pytest.mark.parametrize(
    ("workflow", "problem"),
    [
        ("on: push\njobs: {}\n", "no workflow_dispatch"),
        ("on: [push, workflow_dispatch]\njobs: {}\n", "no issue_number"),
        (WORKFLOW.replace("issue_number", "plan"), "no issue_number"),
        (
            WORKFLOW.replace(
                "      issue_number:", "      reviewer: {required: true}\n      issue_number:"
            ),
            "reviewer",
        ),
    ],
    ids=["no-dispatch", "no-inputs", "no-issue-input", "required-input"],
)
def test_a_workflow_that_cannot_take_the_dispatch_is_refused_before_it(
    gh: GitHubCli, gh_fake: FakeGh, workflow: str, problem: str
) -> None:
    gh_fake.issue_view(ISSUE)
    sides(gh_fake, workflow=workflow)
    permissive(gh_fake)

    result = run(gh)

    assert (result.success, result.error_type) == (False, "workflow_not_dispatchable")
    assert problem in (result.error or "")
    assert dispatches(gh_fake) == 0 and gh_fake.edited == []


def test_an_unreadable_workflow_file_dispatches_as_today_with_a_warning(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(ISSUE)
    sides(gh_fake, workflow=None)
    gh_fake.workflow_run(ISSUE, stdout="https://github.com/o/r/actions/runs/5\n")
    gh_fake.issue_body(ISSUE, PLAN_BODY)
    gh_fake.issue_edit(ISSUE)

    result = run(gh)

    assert result.success and result.run_id == 5
    assert any("could not read learn-async.yml" in w for w in result.warnings)


def test_dispatch_rejected_reports_gh_message_and_leaves_body(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(ISSUE)
    sides(gh_fake)
    message = (
        "could not create workflow dispatch event: HTTP 422: Unexpected inputs provided: "
        '["issue_number"] (https://api.github.com/repos/o/r/actions/workflows/1/dispatches)\n'
    )
    gh_fake.workflow_run(ISSUE, stderr=message, returncode=1)
    with tripwires(gh_fake.fp):
        gh_fake.issue_body(ISSUE, PLAN_BODY)
        gh_fake.issue_edit(ISSUE)

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
    sides(gh_fake)
    gh_fake.workflow_run(ISSUE, stderr="HTTP 502: Bad Gateway (https://x)\n", returncode=1)
    gh_fake.run_list([run_output(1, now_iso(-3600))], occurrences=10)  # an old run only
    gh_fake.workflow_run(ISSUE, stdout="https://github.com/o/r/actions/runs/77\n")
    gh_fake.issue_body(ISSUE, PLAN_BODY)
    gh_fake.issue_edit(ISSUE)

    result = run(gh)

    assert result.success and result.run_id == 77
    assert gh_fake.count(*DISPATCH) == 2


def test_dispatch_502_with_a_new_run_is_not_retried(gh: GitHubCli, gh_fake: FakeGh) -> None:
    gh_fake.issue_view(ISSUE)
    sides(gh_fake)
    gh_fake.workflow_run(ISSUE, stderr="HTTP 502: Bad Gateway (https://x)\n", returncode=1)
    gh_fake.workflow_run(ISSUE, stdout="https://github.com/o/r/actions/runs/999\n")
    gh_fake.run_list([run_output(55, now_iso(), display_title=f"Learn #{ISSUE}")], occurrences=2)
    gh_fake.issue_body(ISSUE, PLAN_BODY)
    gh_fake.issue_edit(ISSUE)

    result = run(gh)

    assert result.success and result.run_id == 55
    assert gh_fake.count(*DISPATCH) == 1


def test_dispatch_502_whose_run_cannot_be_checked_is_not_retried(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(ISSUE)
    sides(gh_fake)
    gh_fake.workflow_run(ISSUE, stderr="HTTP 502: Bad Gateway (https://x)\n", returncode=1)
    gh_fake.run_list([], stderr="HTTP 403: Resource not accessible (https://x)\n", returncode=1)
    permissive(gh_fake)

    result = run(gh)

    assert (result.success, result.error_type) == (False, "dispatch_failed")
    assert "not retried" in (result.detail or "")
    assert gh_fake.count(*DISPATCH) == 1
    assert gh_fake.edited == []


@pytest.mark.parametrize(
    "status", ["completed_no_plan", "completed_with_plan", "pending_review", "plan_completed"]
)
def test_learned_plans_are_not_dispatched_again(
    gh: GitHubCli, gh_fake: FakeGh, status: str
) -> None:
    gh_fake.issue_view(
        ISSUE, body=PLAN_BODY.replace("learn_status: null", f"learn_status: {status}")
    )
    sides(gh_fake)
    permissive(gh_fake)

    result = run(gh)

    assert result.success and not result.workflow_triggered and result.action == "none"
    assert status in (result.reason or "") and "--force" in (result.reason or "")
    assert dispatches(gh_fake) == 0 and gh_fake.edited == []


def test_not_started_is_dispatched(gh: GitHubCli, gh_fake: FakeGh) -> None:
    body = PLAN_BODY.replace("learn_status: null", "learn_status: not_started")
    gh_fake.issue_view(ISSUE, body=body)
    sides(gh_fake)
    gh_fake.workflow_run(ISSUE, stdout="https://github.com/o/r/actions/runs/3\n")
    gh_fake.issue_body(ISSUE, body)
    gh_fake.issue_edit(ISSUE)

    result = run(gh)

    assert result.workflow_triggered and result.run_id == 3
    assert changed_lines(body, gh_fake.edited[0])[:2] == [
        "- learn_status: not_started\n",
        "+ learn_status: pending\n",
    ]


def test_pending_plan_whose_run_cannot_be_looked_up_reports_its_recorded_run(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    body = PLAN_BODY.replace("learn_status: null", "learn_status: pending\nlearn_run_id: '31'")
    gh_fake.issue_view(ISSUE, body=body, url="https://github.com/o/r/issues/5406")
    sides(gh_fake, [run_output(40, now_iso(), display_title="Learn #1")] * 100)
    gh_fake.fp.register(
        ["gh", "api", "repos/{owner}/{repo}/actions/runs/31"],
        stderr="HTTP 403: Resource not accessible by integration (https://x)\n",
        returncode=1,
    )
    permissive(gh_fake)

    result = run(gh)

    assert (result.workflow_triggered, result.run_id) == (False, 31)
    assert result.workflow_run_url == "https://github.com/o/r/actions/runs/31"
    assert "--force" in (result.reason or "") and dispatches(gh_fake) == 0
    assert any("could not look up run 31" in warning for warning in result.warnings)


def test_pending_plan_whose_run_failed_is_dispatched_again_without_force(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    body = PLAN_BODY.replace("learn_status: null", "learn_status: pending\nlearn_run_id: '31'")
    gh_fake.issue_view(ISSUE, body=body)
    failed = run_output(
        31, now_iso(-60), display_title=f"Learn #{ISSUE}", status="completed", conclusion="failure"
    )
    sides(gh_fake, [failed])
    gh_fake.workflow_run(ISSUE, stdout="https://github.com/o/r/actions/runs/32\n")
    gh_fake.issue_body(ISSUE, body)
    gh_fake.issue_edit(ISSUE)

    result = run(gh)

    assert result.success and result.workflow_triggered and result.action == "redispatch"
    assert "31" in (result.reason or "") and "failure" in (result.reason or "")
    assert changed_lines(body, gh_fake.edited[0]) == [
        "- learn_run_id: '31'\n",
        "+ learn_run_id: '32'\n",
    ]


def test_a_run_in_progress_is_not_dispatched_and_is_recorded(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(ISSUE)  # header_update_failed left learn_status null
    active = run_output(44, now_iso(), display_title=f"Learn #{ISSUE}", status="in_progress")
    sides(gh_fake, [active])
    permissive(gh_fake)

    result = run(gh)

    assert result.success and not result.workflow_triggered and result.run_id == 44
    assert "https://github.com/o/r/actions/runs/44" in (result.reason or "")
    assert dispatches(gh_fake) == 0
    assert changed_lines(PLAN_BODY, gh_fake.edited[0]) == [
        "- learn_status: null\n",
        "+ learn_status: pending\n",
        "+ learn_run_id: '44'\n",
    ]


def test_force_dispatches_a_pending_plan_again(gh: GitHubCli, gh_fake: FakeGh) -> None:
    body = PLAN_BODY.replace("learn_status: null", "learn_status: pending\nlearn_run_id: '1'")
    gh_fake.issue_view(ISSUE, body=body)
    sides(gh_fake)
    # its run is not listed: asked for by id (a run still in progress would stop even --force)
    gh_fake.fp.register(
        ["gh", "api", "repos/{owner}/{repo}/actions/runs/1"],
        stdout=gh_json(rest_run_output(1, conclusion="success")),
    )
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
    sides(gh_fake)
    permissive(gh_fake)

    result = run(gh, LearnOptions(dry_run=True))

    assert result.success and result.dry_run and not result.workflow_triggered
    assert result.action == "dispatch"
    assert result.diff is not None
    assert "-learn_status: null\n" in result.diff and "+learn_status: pending\n" in result.diff
    assert dispatches(gh_fake) == 0 and gh_fake.edited == []


def test_header_write_failure_after_dispatch_names_record_learn(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(ISSUE)
    sides(gh_fake)
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
    assert "record-learn" in (result.detail or "")


def test_concurrent_prose_edit_survives_the_header_write(gh: GitHubCli, gh_fake: FakeGh) -> None:
    edited_meanwhile = PLAN_BODY + "A comment a person added while we dispatched.\n"
    gh_fake.issue_view(ISSUE)
    sides(gh_fake)
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
    sides(gh_fake)
    gh_fake.workflow_run(ISSUE, stdout="https://github.com/o/r/actions/runs/8\n")
    gh_fake.issue_body(
        ISSUE, PLAN_BODY.replace("learn_status: null", "learn_status: completed_no_plan")
    )
    with tripwires(gh_fake.fp):
        gh_fake.issue_edit(ISSUE)

    result = run(gh)

    assert result.success and result.workflow_triggered
    assert gh_fake.edited == []
    assert any("completed_no_plan" in warning for warning in result.warnings)


def test_the_second_write_leaves_a_header_someone_else_changed(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(ISSUE)
    sides(gh_fake)
    gh_fake.workflow_run(ISSUE)
    gh_fake.run_list([run_output(901, now_iso(), display_title=f"Learn #{ISSUE}")], occurrences=2)
    gh_fake.issue_body(ISSUE, PLAN_BODY)
    gh_fake.issue_edit(ISSUE)
    other = plan_header.set_values(PLAN_BODY, {"learn_status": "pending", "learn_run_id": "950"})
    gh_fake.issue_body(ISSUE, other)
    gh_fake.issue_edit(ISSUE)

    result = run(gh)

    assert result.success and result.run_id == 901
    assert len(gh_fake.edited) == 1
    assert any("learn_run_id was not recorded" in w for w in result.warnings)


def test_run_not_found_in_time_is_success_with_a_warning(gh: GitHubCli, gh_fake: FakeGh) -> None:
    gh_fake.issue_view(ISSUE)
    sides(gh_fake)
    gh_fake.workflow_run(ISSUE)
    gh_fake.run_list([], occurrences=25)
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


def test_an_unreadable_run_listing_decides_from_the_header(gh: GitHubCli, gh_fake: FakeGh) -> None:
    gh_fake.issue_view(ISSUE)
    gh_fake.run_list([], limit=100, stderr="HTTP 403: Forbidden (https://x)\n", returncode=1)
    gh_fake.workflow_file(WORKFLOW)
    gh_fake.workflow_run(ISSUE, stdout="https://github.com/o/r/actions/runs/9\n")
    gh_fake.issue_body(ISSUE, PLAN_BODY)
    gh_fake.issue_edit(ISSUE)

    result = run(gh)

    assert result.success and result.run_id == 9
    assert any("could not list" in w for w in result.warnings)


def test_transient_read_failure_is_retried(gh: GitHubCli, gh_fake: FakeGh) -> None:
    gh_fake.issue_view_fails(ISSUE, "HTTP 502: Bad Gateway (https://x)\n")
    gh_fake.issue_view(ISSUE, labels=("bug",))
    sides(gh_fake)

    result = run(gh)

    assert result.error_type == "not_a_plan"


def test_a_stale_run_id_is_cleared_then_the_new_one_written(gh: GitHubCli, gh_fake: FakeGh) -> None:
    body = PLAN_BODY.replace("learn_status: null", "learn_status: null\nlearn_run_id: '123'")
    gh_fake.issue_view(ISSUE, body=body)
    sides(gh_fake)
    gh_fake.workflow_run(ISSUE)
    gh_fake.run_list([run_output(5, now_iso())], occurrences=2)
    gh_fake.issue_body(ISSUE, body)
    gh_fake.issue_edit(ISSUE)
    cleared = plan_header.set_values(body, {"learn_status": "pending", "learn_run_id": None})
    gh_fake.issue_body(ISSUE, cleared)
    gh_fake.issue_edit(ISSUE)

    result = run(gh)

    assert result.success and result.run_id == 5
    assert plan_header.read_header(gh_fake.edited[0])["learn_run_id"] is None
    assert plan_header.read_header(gh_fake.edited[1])["learn_run_id"] == "5"


def test_run_id_that_cannot_be_inserted_falls_back_to_the_status(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    body = PLAN_BODY.replace("learn_status: null\n", "learn_status: null\nlast: &a x\nother: *a\n")
    gh_fake.issue_view(ISSUE, body=body)
    sides(gh_fake)
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
    sides(gh_fake)
    permissive(gh_fake)

    result = run(gh)

    assert (result.success, result.error_type) == (False, "body_too_long")
    assert "65,536" in (result.detail or "")
    assert dispatches(gh_fake) == 0


def test_an_answer_for_another_issue_is_refused(gh: GitHubCli, gh_fake: FakeGh) -> None:
    from tests.gh_outputs import issue_view_output

    gh_fake.fp.register(
        ["gh", "issue", "view", str(ISSUE), "--json", "number,title,body,labels,state,url"],
        stdout=issue_view_output(1, PLAN_BODY),
    )
    sides(gh_fake)
    result = run(gh)
    assert result.error_type == "gh_bad_output"


@pytest.mark.gh_optional("repo_view")
def test_a_workflow_name_that_looks_like_a_flag_is_never_passed_to_gh(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(ISSUE)
    gh_fake.run_list([], workflow="--help", limit=100)
    result = run(gh, LearnOptions(workflow="--help", ref="main"))
    assert (result.error_type, result.workflow_triggered) == ("dispatch_failed", False)


def test_progress_names_each_step(gh: GitHubCli, gh_fake: FakeGh) -> None:
    gh_fake.issue_view(ISSUE)
    sides(gh_fake)
    gh_fake.workflow_run(ISSUE, stdout="https://github.com/o/r/actions/runs/4\n")
    gh_fake.issue_body(ISSUE, PLAN_BODY)
    gh_fake.issue_edit(ISSUE)
    lines: list[str] = []

    trigger_plan(gh, ISSUE, OPTIONS, progress=lines.append)

    assert lines == [
        f"Reading issue #{ISSUE}",
        "Dispatching learn-async.yml on main",
        "Run found: https://github.com/o/r/actions/runs/4",
        "Header written: learn_status pending, learn_run_id 4",
    ]
