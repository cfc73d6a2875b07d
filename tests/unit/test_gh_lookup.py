"""Which gh the runner runs: PATH first, then the one beside the running interpreter."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from learnlib.gh.issues import read_issue_body
from learnlib.gh.runner import GhNotInstalled, GitHubCli, find_gh


def script(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def venv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A venv-like bin/ whose python is a symlink to the real interpreter, made sys.executable."""
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").symlink_to(sys.executable)
    monkeypatch.setattr(sys, "executable", str(bin_dir / "python"))
    return bin_dir


def test_a_gh_on_path_is_run_by_name(venv: Path, tmp_path: Path) -> None:
    on_path = script(tmp_path / "path" / "gh", "exit 0")
    script(venv / "gh", "exit 0")
    assert find_gh("gh", str(on_path.parent)) == "gh"  # PATH wins over the venv's gh


def test_without_gh_on_path_the_one_beside_python_is_used(venv: Path, tmp_path: Path) -> None:
    beside = script(venv / "gh", "exit 0")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert find_gh("gh", str(empty)) == str(beside)


def test_the_interpreter_symlink_is_not_resolved(venv: Path, tmp_path: Path) -> None:
    """The gh sits beside the venv's python link, not beside the base interpreter it points at."""
    script(venv / "gh", "exit 0")
    assert Path(sys.executable).resolve().parent != venv
    assert find_gh("gh", str(tmp_path)) == str(venv / "gh")


def test_a_file_beside_python_that_cannot_run_is_not_taken(venv: Path, tmp_path: Path) -> None:
    (venv / "gh").write_text("not a program")
    assert find_gh("gh", str(tmp_path)) == "gh"


def test_a_path_is_taken_as_given(venv: Path) -> None:
    script(venv / "gh", "exit 0")
    assert find_gh("/opt/gh/bin/gh", "") == "/opt/gh/bin/gh"


def test_the_runner_runs_the_gh_beside_python(venv: Path, tmp_path: Path, fp: Any) -> None:
    fp.allow_unregistered(True)  # run the real script
    script(venv / "gh", 'echo "{\\"body\\": \\"from the venv\\"}"')
    empty = tmp_path / "empty"
    empty.mkdir()
    gh = GitHubCli(env={"PATH": str(empty)})
    assert read_issue_body(gh, 1) == "from the venv"


def test_no_gh_anywhere_says_both_ways_to_install(venv: Path, tmp_path: Path, fp: Any) -> None:
    fp.allow_unregistered(True)
    gh = GitHubCli(env={"PATH": str(tmp_path)})
    with pytest.raises(GhNotInstalled) as caught:
        read_issue_body(gh, 1)
    message = str(caught.value)
    assert "apt-get install gh" in message and "pip install 'learnlib[gh]'" in message
    assert str(venv) in message
