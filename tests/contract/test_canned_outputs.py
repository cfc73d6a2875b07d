"""The canned gh outputs that unit tests feed through pytest-subprocess, checked against real gh."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from learnlib.gh.issues import ISSUE_FIELDS
from learnlib.gh.runs import RUN_FIELDS
from learnlib.sandbox.seed import DEMO_REPO
from learnlib.sandbox.server import SandboxGitHub
from tests.gh_capabilities import GhCapabilities, caret, probe_env
from tests.gh_outputs import (
    NOT_FOUND_STDERR,
    gh_json,
    issue_view_output,
    run_list_output,
    run_output,
    workflow_run_output,
)


def real_gh(sandbox: SandboxGitHub, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = probe_env(sandbox, tmp_path)
    return subprocess.run(
        ["gh", *args, "--repo", DEMO_REPO], env=env, capture_output=True, text=True, check=False
    )


def run_ids(sandbox: SandboxGitHub) -> set[int]:
    with sandbox.lock:
        return {run.id for repo in sandbox.state.repos for run in repo.runs}


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


def test_workflow_run_output_matches(
    sandbox: SandboxGitHub, tmp_path: Path, gh_caps: GhCapabilities
) -> None:
    before = run_ids(sandbox)
    dispatch = ("workflow", "run", "learn-async.yml", "--ref", "main", "-f", "issue_number=1")
    real = real_gh(sandbox, tmp_path, *dispatch)
    [new_run] = run_ids(sandbox) - before
    url = f"http://github.localhost/{DEMO_REPO}/actions/runs/{new_run}"
    canned = workflow_run_output(url if gh_caps.prints_dispatched_run else None)
    assert (real.returncode, real.stdout) == (0, canned)


def test_control_characters_show_as_gh_caps_say(
    sandbox: SandboxGitHub, tmp_path: Path, gh_caps: GhCapabilities
) -> None:
    """Controls side by side, with DEL and neighbours, read as the probe says; each rewritten one
    is in caret notation, and every C1 control is rewritten or none is."""
    body = "".join(chr(code) for code in (*range(0x00, 0x21), *range(0x7E, 0xA2)))
    with sandbox.lock:
        sandbox.issue(5411).body = body
    real = real_gh(sandbox, tmp_path, "issue", "view", "5411", "--json", "body")
    assert json.loads(real.stdout)["body"] == gh_caps.as_gh_shows(body)
    assert gh_caps.sanitized and all(shown == caret(c) for c, shown in gh_caps.sanitized.items())
    c1 = [chr(code) for code in range(0x80, 0xA0)]
    assert all(c in gh_caps.sanitized for c in c1) == gh_caps.sanitizes_c1


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
