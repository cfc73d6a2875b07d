"""The trigger and issue 16: a named run by id, failures in a row, the session artifact."""

from __future__ import annotations

from typing import Any

import pytest

from learnlib.gh.runner import GitHubCli
from learnlib.rules import plan_header
from learnlib.usecases.trigger import LearnOptions, TriggerResult, trigger_plan
from tests.gh_outputs import gh_json, rest_run_output, run_output
from tests.unit.conftest import LIVE_SESSION, PLAN_BODY, SESSION_RUN, FakeGh, tripwires
from tests.unit.test_learn import ISSUE, dispatches, gh_fake, now_iso, permissive, sides

__all__ = ["gh_fake"]  # test_learn's fixture: no default side reads, a live session artifact

OPTIONS = LearnOptions(run_discovery_timeout=0.6, dispatch_confirm_timeout=0.3)
NOT_FOUND = "gh: Not Found (HTTP 404)\n"
RUN = "repos/{owner}/{repo}/actions/runs/{id}"


def pending(run_id: int, base: str = PLAN_BODY) -> str:
    return plan_header.set_values(base, {"learn_status": "pending", "learn_run_id": str(run_id)})


def lookup(fake: FakeGh, run_id: int, *, answer: dict[str, Any] | None, times: int = 1) -> None:
    argv = ["gh", "api", RUN.format(owner="{owner}", repo="{repo}", id=run_id)]
    if answer is None:
        fake.fp.register(argv, stderr=NOT_FOUND, returncode=1, occurrences=times)
    else:
        fake.fp.register(argv, stdout=gh_json(answer), occurrences=times)


def dispatch_and_write(fake: FakeGh, body: str) -> None:
    fake.workflow_run(ISSUE, stdout="https://github.com/o/r/actions/runs/999\n")
    fake.issue_body(ISSUE, body)
    fake.issue_edit(ISSUE)


def trigger(gh: GitHubCli, **options: Any) -> TriggerResult:
    return trigger_plan(gh, ISSUE, LearnOptions(**{**OPTIONS.__dict__, **options}))


NEWER = [run_output(40_000 + i, now_iso(), display_title="Learn #1") for i in range(100)]


def test_a_failed_run_past_the_newest_100_is_asked_for_by_id_and_redispatched(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    body = pending(31)
    gh_fake.issue_view(ISSUE, body=body)
    sides(gh_fake, NEWER)
    lookup(gh_fake, 31, answer=rest_run_output(31, conclusion="failure"))
    dispatch_and_write(gh_fake, body)

    result = trigger(gh)

    assert result.success and result.workflow_triggered and result.action == "redispatch"
    assert "31 ended failure" in (result.reason or "")


def test_a_named_run_that_no_longer_exists_is_redispatched_after_one_404(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    body = pending(31)
    gh_fake.issue_view(ISSUE, body=body)
    sides(gh_fake, NEWER)  # newer runs are listed: run 31 is not fresh, one 404 is enough
    lookup(gh_fake, 31, answer=None)
    dispatch_and_write(gh_fake, body)

    result = trigger(gh, run_gone_recheck=30.0)  # a second look would outlast the test

    assert result.workflow_triggered and "31 no longer exists" in (result.reason or "")
    assert (
        gh_fake.fp.call_count(["gh", "api", RUN.format(owner="{owner}", repo="{repo}", id=31)]) == 1
    )


def test_a_newest_run_deleted_is_redispatched_after_a_third_404(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    # the "deleted while newest" limitation: nothing newer is listed, so GitHub is asked three
    # times (waits doubling) before the run counts as gone
    body = pending(50_000)
    gh_fake.issue_view(ISSUE, body=body)
    sides(gh_fake, NEWER)
    lookup(gh_fake, 50_000, answer=None, times=3)
    dispatch_and_write(gh_fake, body)

    result = trigger(gh, run_gone_recheck=0.05)

    assert result.workflow_triggered and result.action == "redispatch"


def test_a_run_just_dispatched_that_404s_once_then_appears_is_not_redispatched(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    body = pending(50_000)
    gh_fake.issue_view(ISSUE, body=body)
    sides(gh_fake, NEWER)
    lookup(gh_fake, 50_000, answer=None)
    lookup(gh_fake, 50_000, answer=rest_run_output(50_000, status="queued", conclusion=None))
    permissive(gh_fake)

    result = trigger(gh, run_gone_recheck=0.05)

    assert not result.workflow_triggered and result.action == "none"
    assert dispatches(gh_fake) == 0 and "queued" in (result.reason or "")


def failed_runs(*conclusions: str) -> list[dict[str, Any]]:
    """This plan's runs, newest first, with ids 33, 32, 31 ..."""
    return [
        run_output(
            33 - i,
            now_iso(-60 * (i + 1)),
            display_title=f"Learn #{ISSUE}",
            status="completed",
            conclusion=conclusion,
        )
        for i, conclusion in enumerate(conclusions)
    ]


def test_three_failed_runs_in_a_row_dispatch_nothing_and_name_them(
    gh: GitHubCli, gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(ISSUE, body=pending(33))
    sides(gh_fake, failed_runs("failure", "timed_out", "startup_failure"))
    permissive(gh_fake)

    result = trigger(gh)

    assert result.success and not result.workflow_triggered and result.action == "none"
    assert all(str(run_id) in (result.reason or "") for run_id in (33, 32, 31))
    assert dispatches(gh_fake) == 0 and gh_fake.edited == []


def test_three_failed_runs_in_a_row_dispatch_with_force(gh: GitHubCli, gh_fake: FakeGh) -> None:
    body = pending(33)
    gh_fake.issue_view(ISSUE, body=body)
    sides(gh_fake, failed_runs("failure", "failure", "failure"))
    dispatch_and_write(gh_fake, body)

    assert trigger(gh, force=True).workflow_triggered


def test_two_failed_runs_in_a_row_are_redispatched(gh: GitHubCli, gh_fake: FakeGh) -> None:
    body = pending(33)
    gh_fake.issue_view(ISSUE, body=body)
    sides(gh_fake, failed_runs("failure", "failure", "success"))
    dispatch_and_write(gh_fake, body)

    assert trigger(gh).action == "redispatch"


ARTIFACTS = f"repos/{{owner}}/{{repo}}/actions/runs/{SESSION_RUN}/artifacts?per_page=100"


def session_answer(fake: FakeGh, items: list[dict[str, Any]] | None, stderr: str = "") -> None:
    """The artifacts read, in place of the fixture's live default."""
    argv = ["gh", "api", ARTIFACTS]
    for command in list(fake.fp.definitions):
        if command == argv:
            del fake.fp.definitions[command]
    if stderr:
        fake.fp.register(argv, stderr=stderr, returncode=1)
    else:
        fake.fp.register(argv, stdout=gh_json({"total_count": 1, "artifacts": items or []}))


EXPIRED = {**LIVE_SESSION, "expired": True, "expires_at": "2026-10-01T00:00:00Z"}


@pytest.mark.parametrize(
    ("items", "run_gone", "says"),
    [
        ([EXPIRED], False, "expired on 2026-10-01"),
        ([], False, "holds no session artifact"),
        (None, True, "no longer exists"),
    ],
    ids=["expired", "missing", "run-deleted"],
)
def test_a_session_that_is_gone_refuses_no_session_data_dispatching_and_writing_nothing(
    gh: GitHubCli, gh_fake: FakeGh, items: list[dict[str, Any]] | None, run_gone: bool, says: str
) -> None:
    gh_fake.issue_view(ISSUE)
    sides(gh_fake)
    if run_gone:
        session_answer(gh_fake, None, stderr=NOT_FOUND)
        lookup(gh_fake, SESSION_RUN, answer=None)
    else:
        session_answer(gh_fake, items)
    permissive(gh_fake)

    result = trigger(gh)

    assert not result.success and result.failure is not None
    assert result.failure.error_type == "no_session_data" and says in result.failure.detail
    assert dispatches(gh_fake) == 0 and gh_fake.edited == []


def test_unreadable_artifacts_warn_and_dispatch(gh: GitHubCli, gh_fake: FakeGh) -> None:
    gh_fake.issue_view(ISSUE)
    sides(gh_fake)
    session_answer(gh_fake, None, stderr="HTTP 403: Resource not accessible (https://x)\n")
    dispatch_and_write(gh_fake, PLAN_BODY)

    result = trigger(gh)

    assert result.success and result.workflow_triggered
    assert any("could not read the artifacts" in warning for warning in result.warnings)


def test_a_local_session_makes_no_artifact_request(gh: GitHubCli, gh_fake: FakeGh) -> None:
    body = plan_header.set_values(PLAN_BODY, {"last_local_impl_session": "abc"})
    gh_fake.issue_view(ISSUE, body=body)
    sides(gh_fake)
    dispatch_and_write(gh_fake, body)

    assert trigger(gh).workflow_triggered
    assert gh_fake.fp.call_count(["gh", "api", ARTIFACTS]) == 0


def test_the_check_can_be_turned_off(gh: GitHubCli, gh_fake: FakeGh) -> None:
    gh_fake.issue_view(ISSUE)
    sides(gh_fake)
    with tripwires(gh_fake.fp):
        session_answer(gh_fake, [EXPIRED])
    dispatch_and_write(gh_fake, PLAN_BODY)

    assert trigger(gh, check_session_artifact=False).workflow_triggered
    assert gh_fake.fp.call_count(["gh", "api", ARTIFACTS]) == 0


def test_a_learned_plan_makes_no_artifact_request(gh: GitHubCli, gh_fake: FakeGh) -> None:
    """Only a dispatch needs the session: a learned plan (no --force) never dispatches."""
    body = plan_header.set_values(PLAN_BODY, {"learn_status": "completed_no_plan"})
    gh_fake.issue_view(ISSUE, body=body)
    sides(gh_fake)
    with tripwires(gh_fake.fp):
        session_answer(gh_fake, [LIVE_SESSION])

    result = trigger(gh)

    assert result.success and result.action == "none" and not result.workflow_triggered
    assert gh_fake.fp.call_count(["gh", "api", ARTIFACTS]) == 0
