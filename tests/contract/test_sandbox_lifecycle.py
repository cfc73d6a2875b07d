"""The sandbox a newcomer uses, through the `learnlib` console script and the real gh: its learn
runs finish by themselves and record their outcome, its state is kept between commands (in the
file $LEARNLIB_SANDBOX_STATE, a temporary one per test: tests/conftest.py), README's example
commands each work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

LEARNLIB = str(Path(sys.executable).with_name("learnlib"))


def learnlib(tmp_path: Path, *args: str) -> tuple[int, Any, str]:
    """Run the console script outside any checkout; (exit code, stdout's JSON, stderr)."""
    return run_console(tmp_path, [LEARNLIB], *args)


def run_console(tmp_path: Path, program: list[str], *args: str) -> tuple[int, Any, str]:
    """Run ``program ARGS`` from ``tmp_path`` (outside any git checkout), with temporary and
    cache directories of its own (gh caches answers under both); stdout must be one JSON
    object and stderr hold no traceback."""
    caches = {name: tmp_path / name for name in ("TMPDIR", "XDG_CACHE_HOME")}
    for path in caches.values():
        path.mkdir(exist_ok=True)
    done = subprocess.run(
        [*program, *args],
        cwd=tmp_path,
        env=os.environ | {name: str(path) for name, path in caches.items()},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1, f"stdout must be one JSON object: {done.stdout!r} {done.stderr!r}"
    return done.returncode, json.loads(lines[0]), done.stderr


def plan(tmp_path: Path, number: int) -> dict[str, Any]:
    code, payload, err = learnlib(tmp_path, "learn-status", "--sandbox", "--issue", str(number))
    assert code == 0, err
    [found] = payload["plans"]
    return dict(found)


def test_wait_ends_in_seconds_and_the_run_records_the_plan_learned(tmp_path: Path) -> None:
    # --wait's own timeout is 30 minutes: a run that never ended would outlast learnlib()'s
    # 120 s; one that ends answers completed
    code, payload, err = learnlib(
        tmp_path, "trigger-async-learn", "--issue", "5406", "--wait", "--sandbox"
    )
    assert code == 0, err
    assert (payload["run_status"], payload["run_conclusion"]) == ("completed", "success")
    assert "+learn_status: completed_no_plan" in err  # the run's last step, as a diff
    learned = plan(tmp_path, 5406)  # another process: the state was kept
    assert learned["learn_status"] == "completed_no_plan"
    assert learned["learn_run_id"] == str(payload["run_id"]) and learned["action"] == "none"


def test_a_run_left_alone_finishes_between_commands(tmp_path: Path) -> None:
    code, payload, err = learnlib(tmp_path, "trigger-async-learn", "--issue", "5412", "--sandbox")
    assert code == 0 and payload["workflow_triggered"] is True
    # the trigger wrote pending (its own diff says so; a learn-status now could come after the
    # run's end on a loaded machine)
    assert "+learn_status: pending" in err
    time.sleep(5)  # the sandbox's learn runs take 4 s, whether a process watches or not
    later = plan(tmp_path, 5412)
    assert (later["learn_status"], later["run"]["conclusion"]) == ("completed_no_plan", "success")


def test_the_failure_knob_and_reset(tmp_path: Path) -> None:
    code, payload, _ = learnlib(tmp_path, "sandbox", "--reset", "--learn-runs", "failure")
    assert code == 0 and payload["reset"] is True
    code, payload, _ = learnlib(
        tmp_path, "trigger-async-learn", "--issue", "5406", "--wait", "--sandbox"
    )
    assert (code, payload["error_type"], payload["run_conclusion"]) == (
        1,
        "learn_run_failed",
        "failure",
    )
    failed = plan(tmp_path, 5406)
    assert (failed["learn_status"], failed["action"]) == ("pending", "redispatch")
    assert learnlib(tmp_path, "sandbox", "--reset")[0] == 0
    fresh = plan(tmp_path, 5406)
    assert (fresh["learn_status"], fresh["action"]) == (None, "dispatch")
    code, payload, err = learnlib(tmp_path, "sandbox", "--learn-runs", "sometimes")
    assert (code, payload["error_type"]) == (2, "invalid_option") and "--learn-runs" in err


def test_readmes_commands_each_work_on_the_demo(tmp_path: Path) -> None:
    code, payload, err = learnlib(tmp_path, "learn-backlog", "--dry-run", "--sandbox")
    assert code == 0, err
    assert 5401 in payload["would_dispatch"] and 5403 in payload["would_dispatch"]
    assert 5402 not in payload["would_dispatch"]  # learned
    code, payload, err = learnlib(tmp_path, "trigger-async-learn", "--pr", "10", "--sandbox")
    assert code == 0, err
    assert (payload["pr_number"], payload["issue_number"]) == (10, 5401)
    assert payload["workflow_triggered"] is True
    code, payload, err = learnlib(tmp_path, "land", "--pr", "7", "--sandbox")
    assert code == 0, err
    assert payload["merged"] is True and payload["learn"]["workflow_triggered"] is True


def test_a_state_file_that_is_not_one_is_a_clear_error(tmp_path: Path) -> None:
    Path(os.environ["LEARNLIB_SANDBOX_STATE"]).write_text("[1, 2", encoding="utf-8")
    code, payload, err = learnlib(tmp_path, "trigger-async-learn", "--issue", "5406", "--sandbox")
    assert (code, payload["error_type"]) == (1, "sandbox_unavailable")
    assert "learnlib sandbox --reset" in err
    assert learnlib(tmp_path, "sandbox", "--reset")[0] == 0
    assert learnlib(tmp_path, "trigger-async-learn", "--issue", "5406", "--sandbox")[0] == 0
