"""The per-user sandbox, without gh: where its state lives, learn runs that finish by themselves
and record their outcome as the learn workflow's last step does, one state across processes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from learnlib.rules.plan_header import read_header, set_values
from learnlib.sandbox import SandboxUnavailable, session
from learnlib.sandbox.core import Core
from learnlib.sandbox.seed import DEMO_REPO, LEARN_WORKFLOW, demo_state
from learnlib.sandbox.server import SandboxGitHub
from learnlib.sandbox.state import LearnRuns
from tests.sandbox.test_sandbox import _api

DISPATCH = f"/repos/{DEMO_REPO}/actions/workflows/{LEARN_WORKFLOW}/dispatches"


def test_the_state_file_is_per_user_and_can_be_moved(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LEARNLIB_SANDBOX_STATE", str(tmp_path / "mine.json"))
    assert session.state_path() == tmp_path / "mine.json"
    monkeypatch.delenv("LEARNLIB_SANDBOX_STATE")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert session.state_path() == tmp_path / "state" / "learnlib" / "sandbox.json"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert session.state_path() == tmp_path / ".local" / "state" / "learnlib" / "sandbox.json"


def _dispatch(double: SandboxGitHub, number: int) -> int:
    inputs = {"ref": "main", "inputs": {"issue_number": str(number)}, "return_run_details": True}
    answer = _api(double, "POST", DISPATCH, inputs)
    assert answer.status == 200
    run_id: int = answer.data["workflow_run_id"]
    return run_id


def _header(double: SandboxGitHub, number: int) -> dict[str, object]:
    _api(double, "GET", f"/repos/{DEMO_REPO}/actions/runs")  # any request settles the runs
    return read_header(double.issue(number).body)


@pytest.mark.parametrize(("ending", "recorded"), [("success", True), ("failure", False)])
def test_a_learn_run_ends_by_itself_and_a_success_records_the_plan_learned(
    ending: str, recorded: bool
) -> None:
    state = demo_state()
    state.runs = LearnRuns(0.4, ending)
    with SandboxGitHub(state) as double:
        run_id = _dispatch(double, 5412)
        assert _header(double, 5412).get("learn_status") is None  # queued: nothing yet
        time.sleep(0.5)
        header = _header(double, 5412)
        run = double.state.repos[0].run(run_id)
        assert run is not None and (run.status, run.conclusion) == ("completed", ending)
    if recorded:
        assert (header["learn_status"], header["learn_run_id"]) == (
            "completed_no_plan",
            str(run_id),
        )
        assert [e.source for e in double.edits] == ["learn_run"]
    else:
        assert "learn_status" not in header and double.edits == []


def test_a_run_the_header_does_not_wait_for_records_nothing() -> None:
    core = Core(demo_state())
    repo = core.state.repos[0]
    issue = repo.issue(5406)
    assert issue is not None
    issue.body = set_values(issue.body, {"learn_status": "pending", "learn_run_id": "99"})
    [old] = [r for r in repo.runs if r.id == 21203400001]
    old.inputs, old.status, old.conclusion = {"issue_number": "5406"}, "queued", None
    core.schedule(old, time.time() - 10, 1.0, "success")
    before = issue.body
    core.settle()
    assert [old.status, old.conclusion] == ["completed", "success"]
    assert issue.body == before and core.edits == []  # a newer dispatch replaced this run


def test_one_state_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    session.reset(path, LearnRuns(None))
    with session.open_sandbox(path) as first, session.open_sandbox(path) as second:
        run_id = _dispatch(first, 5406)
        seen = _api(second, "GET", f"/repos/{DEMO_REPO}/actions/runs/{run_id}")
        assert seen.status == 200 and seen.data["status"] == "queued"
        session.set_learn_runs(path, LearnRuns(0.0, "cancelled"))
        later = _dispatch(second, 5411)
        assert _api(first, "GET", f"/repos/{DEMO_REPO}/actions/runs/{later}").data[
            "conclusion"
        ] == ("cancelled")
    session.reset(path)
    fresh = session.open_sandbox(path)
    assert fresh.state.runs == LearnRuns(4.0, "success")
    assert fresh.state.repos[0].run(run_id) is None


def test_learn_runs_refuses_an_ending_github_has_not(tmp_path: Path) -> None:
    assert session.learn_runs("queued") == LearnRuns(None)
    with pytest.raises(ValueError, match="success, failure"):
        session.learn_runs("done")
    (tmp_path / "bad.json").write_text('{"repos": [{"owner": 1}]}', encoding="utf-8")
    with pytest.raises(SandboxUnavailable, match="learnlib sandbox --reset"):
        session.open_sandbox(tmp_path / "bad.json")
