"""The tasks as a newcomer runs them: `invoke ... --sandbox`, the real gh, one JSON object out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tests.contract.test_sandbox_lifecycle import run_console

ROOT = Path(__file__).resolve().parents[2]
INVOKE = str(Path(sys.executable).with_name("invoke"))


def invoke(tmp_path: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    """Run invoke (tasks from ROOT) as tests/contract/test_sandbox_lifecycle.py runs learnlib:
    outside any git checkout (as gh pr merge wants), with caches of its own."""
    return run_console(tmp_path, [INVOKE, "-r", str(ROOT)], *args)


def test_trigger_with_sandbox_succeeds_and_shows_the_diff(tmp_path: Path) -> None:
    code, payload, err = invoke(tmp_path, "trigger-async-learn", "--issue", "5406", "--sandbox")
    assert code == 0
    assert payload["success"] is True and payload["workflow_triggered"] is True
    assert isinstance(payload["run_id"], int)
    assert payload["workflow_run_url"].endswith(f"/actions/runs/{payload['run_id']}")
    assert "-learn_status: null" in err and "+learn_status: pending" in err


def test_trigger_with_sandbox_refuses_a_non_plan(tmp_path: Path) -> None:
    code, payload, _ = invoke(tmp_path, "trigger-async-learn", "--issue", "5407", "--sandbox")
    assert code == 1 and payload["error"] == "Issue is not an erk-plan"


def test_land_with_sandbox_merges_and_learns(tmp_path: Path) -> None:
    code, payload, _ = invoke(tmp_path, "land", "--pr", "7", "--sandbox", "--learn")
    assert code == 0
    assert payload["merged"] is True and payload["plan_issue"] == 5406
    assert payload["learn"]["workflow_triggered"] is True


def test_land_with_sandbox_refuses_a_draft(tmp_path: Path) -> None:
    code, payload, _ = invoke(tmp_path, "land", "--pr", "8", "--sandbox", "--learn")
    assert code == 1 and payload["merged"] is False and payload["error_type"] == "pr_draft"


def test_demo_narrates_on_stderr(tmp_path: Path) -> None:
    code, payload, err = invoke(tmp_path, "demo")
    assert code == 0 and payload["workflow_triggered"] is True
    assert "nothing dispatched" in err and "Issue is not an erk-plan" in err
