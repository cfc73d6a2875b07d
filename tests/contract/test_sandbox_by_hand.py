"""gh by hand against `learnlib sandbox`, on gh 2.23 and 2.102: `learnlib sandbox -- COMMAND` runs
one command with the environment that points gh at the sandbox (the per-user state), the
user's shell left as it is; the six commands README invites exit 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.contract.test_sandbox_lifecycle import LEARNLIB, learnlib


def by_hand(tmp_path: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """`learnlib sandbox -- COMMAND`: the command's own output and exit code."""
    return subprocess.run(
        [LEARNLIB, "sandbox", "--", *command],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "command",
    [
        ("gh", "issue", "list"),
        ("gh", "issue", "view", "5406"),
        ("gh", "pr", "list"),
        ("gh", "pr", "view", "7"),
        ("gh", "run", "list"),
        ("gh", "run", "view", "21203400002"),
        ("gh", "issue", "list", "--state", "closed", "--label", "erk-plan"),
    ],
)
def test_gh_by_hand_against_the_sandbox(tmp_path: Path, command: tuple[str, ...]) -> None:
    done = by_hand(tmp_path, *command)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    assert "Traceback" not in done.stderr


def test_gh_by_hand_sees_what_the_tasks_did(tmp_path: Path) -> None:
    code, payload, _ = learnlib(tmp_path, "trigger-async-learn", "--issue", "5406", "--sandbox")
    assert code == 0
    viewed = by_hand(tmp_path, "gh", "run", "view", str(payload["run_id"]), "--json", "status")
    assert viewed.returncode == 0, viewed.stderr
    assert json.loads(viewed.stdout)["status"] in {"queued", "in_progress", "completed"}
    body = by_hand(tmp_path, "gh", "issue", "view", "5406", "--json", "body", "-q", ".body")
    assert f"learn_run_id: '{payload['run_id']}'" in body.stdout


def test_the_command_gets_the_environment_the_shell_keeps_its_own(tmp_path: Path) -> None:
    probe = "import os; print(os.environ['GH_HOST'], os.environ['TMPDIR'] != os.environ['OUTER'])"
    done = subprocess.run(
        [LEARNLIB, "sandbox", "--", sys.executable, "-c", probe],
        cwd=tmp_path,
        env=os.environ | {"OUTER": os.environ.get("TMPDIR", "/tmp")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout.split()) == (0, ["github.localhost", "True"])
    failing = subprocess.run(
        [LEARNLIB, "sandbox", "--", sys.executable, "-c", "raise SystemExit(3)"],
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert failing.returncode == 3
    missing = by_hand(tmp_path, "no-such-command-here")
    assert missing.returncode == 127
    assert json.loads(missing.stdout)["error_type"] == "command_not_found"


def test_a_shell_pointed_at_the_sandbox(tmp_path: Path) -> None:
    done = subprocess.run(
        [LEARNLIB, "sandbox", "--shell"],
        cwd=tmp_path,
        env=os.environ | {"SHELL": "/bin/sh"},
        input="echo $GH_HOST $GH_REPO\ngh issue view 5406 --json number -q .number\nexit 3\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 3, done.stderr
    assert done.stdout.split() == ["github.localhost", "learnlib-demo/plans", "5406"]
    assert "`exit` stops it" in done.stderr
    both = subprocess.run(
        [LEARNLIB, "sandbox", "--shell", "--", "true"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert both.returncode == 2 and json.loads(both.stdout)["error_type"] == "invalid_option"
