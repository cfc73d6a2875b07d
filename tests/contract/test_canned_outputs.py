"""The canned gh outputs that unit tests feed through pytest-subprocess, checked against real gh."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from learnlib.gh.issues import ISSUE_FIELDS
from learnlib.gh.runs import RUN_FIELDS
from learnlib.sandbox.seed import DEMO_REPO
from learnlib.sandbox.server import SandboxGitHub
from tests.gh_outputs import (
    NOT_FOUND_STDERR,
    gh_json,
    issue_view_output,
    run_list_output,
    run_output,
)


def real_gh(sandbox: SandboxGitHub, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = sandbox.gh_env(tmp_path)
    return subprocess.run(
        ["gh", *args, "--repo", DEMO_REPO], env=env, capture_output=True, text=True, check=False
    )


def test_issue_view_output_matches(sandbox: SandboxGitHub, tmp_path: Path) -> None:
    for number in (5406, 5411):  # an LF body and a CRLF, hand-edited one
        real = real_gh(sandbox, tmp_path, "issue", "view", str(number), "--json", ISSUE_FIELDS)
        issue = sandbox.issue(number)
        labels = json.loads(real.stdout)["labels"]  # label ids are the double's own
        assert [label["name"] for label in labels] == [label.name for label in issue.labels]
        canned = issue_view_output(
            number, issue.body, labels=labels, title=issue.title, url=json.loads(real.stdout)["url"]
        )
        assert real.stdout == canned


def test_issue_body_output_matches(sandbox: SandboxGitHub, tmp_path: Path) -> None:
    real = real_gh(sandbox, tmp_path, "issue", "view", "5411", "--json", "body")
    assert real.stdout == gh_json({"body": sandbox.issue(5411).body})


def test_not_found_stderr_matches(sandbox: SandboxGitHub, tmp_path: Path) -> None:
    real = real_gh(sandbox, tmp_path, "issue", "view", "999999", "--json", "body")
    assert (real.returncode, real.stderr) == (1, NOT_FOUND_STDERR.format(number=999999))


def test_workflow_run_output_matches(sandbox: SandboxGitHub, tmp_path: Path) -> None:
    real = real_gh(sandbox, tmp_path, "workflow", "run", "learn-async.yml", "-f", "issue_number=1")
    assert (real.returncode, real.stdout) == (0, "")  # gh 2.23: nothing, as the fakes say


def test_run_list_output_matches(sandbox: SandboxGitHub, tmp_path: Path) -> None:
    real_gh(sandbox, tmp_path, "workflow", "run", "learn-async.yml", "-f", "issue_number=5406")
    real = real_gh(
        sandbox,
        tmp_path,
        "run",
        "list",
        "--workflow",
        "learn-async.yml",
        "--json",
        RUN_FIELDS,
        "--limit",
        "20",
    )
    runs = json.loads(real.stdout)
    canned = run_list_output(
        run_output(
            run["databaseId"],
            run["createdAt"],
            display_title=run["displayTitle"],
            event=run["event"],
            status=run["status"],
            conclusion=run["conclusion"],
            url=run["url"],
        )
        for run in runs
    )
    assert runs and real.stdout == canned
