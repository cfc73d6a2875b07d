"""Hostile GitHub at scale, through the real gh: a listing whose seventh page fails, artifacts that
cannot be read, a run that answers 404 once and then appears. (Named test_fault_*: nox's hostile
sessions run them under the oldest and the newest gh.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from learnlib.rules import plan_header
from learnlib.sandbox.server import SandboxGitHub
from learnlib.tasks.render import status_payload, status_table
from learnlib.usecases.status import survey_plans
from learnlib.usecases.trigger import LearnOptions, trigger_plan
from tests.contract.test_scale import add, hide_for_a_moment, sandbox
from tests.contract.test_status_backlog import client

__all__ = ["sandbox"]

pytestmark = pytest.mark.skipif(shutil.which("gh") is None, reason="needs the real gh")


def test_fault_a_listing_whose_seventh_page_fails_says_it_is_incomplete(
    sandbox: SandboxGitHub, tmp_path: Path
) -> None:
    add(sandbox, 1200, session="local")
    sandbox.fail_next("issue_list", 502, 10**6, page=7)

    report = survey_plans(
        client(sandbox, tmp_path),
        label="erk-plan",
        workflow="learn-async.yml",
        state="closed",
        limit=5000,
    )

    assert 600 <= len(report.plans) < 700 and not report.complete
    assert "page 7" in report.why[0]
    payload = status_payload(report)
    assert payload["complete"] is False and "page 7" in payload["why_incomplete"][0]
    assert "listing incomplete" in status_table(report).splitlines()[-1]


def test_fault_artifacts_that_cannot_be_read_warn_and_dispatch(
    sandbox: SandboxGitHub, tmp_path: Path
) -> None:
    (plan,) = add(sandbox, 1, state="OPEN", session="live")
    sandbox.fail_next("artifact_list", 403, 10**6, message="Resource not accessible by integration")

    result = trigger_plan(client(sandbox, tmp_path), plan.number, LearnOptions(ref="main"))

    assert result.success and result.workflow_triggered and len(sandbox.dispatches) == 1
    assert any("403" in warning for warning in result.warnings), result.warnings


def test_fault_a_run_that_answers_404_once_then_appears_is_not_dispatched_again(
    sandbox: SandboxGitHub, tmp_path: Path
) -> None:
    (plan,) = add(sandbox, 1, state="OPEN", session="local", learn_runs=("queued",))
    run_id = int(str(plan_header.read_header(plan.body)["learn_run_id"]))
    hide_for_a_moment(sandbox, run_id, 4.0)  # well past the first look (under 1 s idle)

    result = trigger_plan(client(sandbox, tmp_path), plan.number, LearnOptions(ref="main"))

    assert result.action == "none" and not result.workflow_triggered, result
    assert sandbox.dispatches == [] and sandbox.edits == []
