"""The `learnlib` console script as a user runs it: any directory, the real gh, the sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run(tmp_path: Path, program: str, *args: str, **env: str) -> tuple[int, dict[str, Any], str]:
    argv = [str(BIN / program), *(["-r", str(ROOT)] if program == "invoke" else []), *args]
    done = subprocess.run(
        argv,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **env},
    )
    lines = done.stdout.splitlines()
    assert len(lines) == 1, f"stdout must be one JSON object: {done.stdout!r} {done.stderr!r}"
    assert "Traceback" not in done.stderr
    return done.returncode, json.loads(lines[0]), done.stderr


def test_learnlib_triggers_from_an_empty_directory_and_talks(tmp_path: Path) -> None:
    code, payload, err = run(
        tmp_path, "learnlib", "trigger-async-learn", "--issue", "5406", "--sandbox"
    )
    assert code == 0 and payload["success"] is True and payload["workflow_triggered"] is True
    assert "Async learn dispatched for plan #5406" in err


def test_learnlib_refuses_a_bogus_flag_with_one_json_object(tmp_path: Path) -> None:
    code, payload, _ = run(tmp_path, "learnlib", "trigger-async-learn", "--bogus")
    assert code == 2 and payload["error_type"] == "invalid_option"


def test_invoke_on_land_false_lands_without_learning(tmp_path: Path) -> None:
    code, payload, _ = run(
        tmp_path, "invoke", "land", "--pr", "7", "--sandbox", INVOKE_LEARN_ON_LAND="false"
    )
    assert code == 0 and payload["merged"] is True and payload["learn"] is None
    assert payload["learn_skipped"] == "configuration learn.on_land is false"


def test_invoke_bad_timeout_names_the_key(tmp_path: Path) -> None:
    code, payload, _ = run(
        tmp_path,
        "invoke",
        "trigger-async-learn",
        "--issue",
        "5406",
        "--sandbox",
        INVOKE_LEARN_GH_TIMEOUT="abc",
    )
    assert code == 2 and "learn.gh_timeout" in payload["error"]


def test_land_delete_branch_reports_branch_deleted(tmp_path: Path) -> None:
    code, payload, _ = run(
        tmp_path, "learnlib", "land", "--pr", "7", "--sandbox", "--no-learn", "--delete-branch"
    )
    assert code == 0 and payload["merged"] is True
    assert payload["branch_deleted"] is True  # the head branch is gone: asked back from GitHub
