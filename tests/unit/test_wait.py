"""`--wait`: the trigger follows its run with `gh run view` and reports how it ended."""

from __future__ import annotations

from typing import Any

import pytest

from learnlib.gh.runs import RUN_FIELDS
from learnlib.tasks.render import with_wait
from learnlib.timing.follow import RunOutcome
from tests.gh_outputs import gh_json, run_output
from tests.unit.conftest import PLAN_BODY, FakeGh, run_task

ISSUE = 5406
RUN = 4242


def dispatch_that_prints_the_run(gh_fake: FakeGh) -> None:
    gh_fake.issue_view(ISSUE)
    gh_fake.workflow_run(ISSUE, stdout=f"https://github.com/o/r/actions/runs/{RUN}\n")
    gh_fake.issue_body(ISSUE, PLAN_BODY)
    gh_fake.issue_edit(ISSUE)


def run_view(gh_fake: FakeGh, status: str, conclusion: str = "", **kwargs: Any) -> None:
    gh_fake.fp.register(
        ["gh", "run", "view", str(RUN), "--json", RUN_FIELDS],
        stdout=gh_json(
            run_output(RUN, "2026-11-20T10:00:00Z", status=status, conclusion=conclusion)
        ),
        **kwargs,
    )


@pytest.mark.parametrize(
    ("conclusion", "code", "error_type"),
    [
        ("success", 0, None),
        ("failure", 1, "learn_run_failed"),
        ("cancelled", 1, "learn_run_failed"),
    ],
)
def test_wait_exits_by_the_runs_conclusion(
    gh_fake: FakeGh,
    capsys: pytest.CaptureFixture[str],
    conclusion: str,
    code: int,
    error_type: str | None,
) -> None:
    dispatch_that_prints_the_run(gh_fake)
    run_view(gh_fake, "completed", conclusion)

    got, payload, err = run_task(capsys, "trigger-async-learn", "--issue", str(ISSUE), "--wait")

    assert got == code
    assert (payload["run_status"], payload["run_conclusion"]) == ("completed", conclusion)
    assert payload.get("error_type") == error_type
    assert payload["workflow_triggered"] is True and payload["run_id"] == RUN
    assert f"Run {RUN}: completed ({conclusion})" in err


def test_wait_for_a_run_github_does_not_know_is_run_not_found(
    gh_fake: FakeGh, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import learnlib.timing.follow as follow

    monkeypatch.setattr(follow, "NOT_FOUND_GRACE", 0.0)
    dispatch_that_prints_the_run(gh_fake)
    gh_fake.fp.register(
        ["gh", "run", "view", str(RUN), "--json", RUN_FIELDS],
        stderr="HTTP 404: Not Found (https://api.github.com/repos/o/r/actions/runs/4242)\n",
        returncode=1,
    )

    code, payload, _ = run_task(capsys, "trigger-async-learn", "--issue", str(ISSUE), "--wait")

    assert (code, payload["error_type"], payload["workflow_triggered"]) == (
        1,
        "run_not_found",
        True,
    )


def test_wait_timeout_is_its_own_error_and_the_dispatch_stands() -> None:
    payload = {"success": True, "workflow_triggered": True, "run_id": 7}
    outcome = RunOutcome(7, "in_progress", "", "u", "wait_timeout", "run 7 had not ended")
    waited = with_wait(payload, outcome)
    assert waited["success"] is False and waited["error_type"] == "wait_timeout"
    assert (waited["workflow_triggered"], waited["run_id"]) == (True, 7)
    assert (waited["run_status"], waited["run_conclusion"]) == ("in_progress", None)


def test_a_bad_wait_timeout_is_a_usage_error(fp: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code, payload, _ = run_task(
        capsys, "trigger-async-learn", "--issue", "1", "--wait", "--wait-timeout", "soon"
    )
    assert (code, payload["error_type"]) == (2, "invalid_option")
    assert len(fp.calls) == 0
