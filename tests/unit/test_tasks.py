"""The Invoke tasks as a user runs them: options, one JSON object on stdout, exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.unit.conftest import PLAN_BODY, FakeGh, run_task


def invoke(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any], str]:
    return run_task(capsys, *argv)


@pytest.mark.parametrize("value", ["abc", "-5", "0", "", "5406x", "٥٤٠٦"])
def test_malformed_issue_is_a_usage_error_without_traceback(
    capsys: pytest.CaptureFixture[str], value: str
) -> None:
    code, payload, err = invoke(capsys, "trigger-async-learn", f"--issue={value}")
    assert code == 2
    assert payload["success"] is False and payload["error_type"] == "invalid_option"
    assert "--issue" in payload["error"] and "Traceback" not in err


@pytest.mark.parametrize("repo", ["x", "a/b/c/d", "a b/c", "-o/r"])
def test_odd_repo_is_a_usage_error(capsys: pytest.CaptureFixture[str], repo: str) -> None:
    code, payload, _ = invoke(capsys, "trigger-async-learn", "--issue", "1", f"--repo={repo}")
    assert code == 2 and "--repo" in payload["error"]


def test_success_prints_the_contract_and_writes_actions_outputs(
    capsys: pytest.CaptureFixture[str],
    gh_fake: FakeGh,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outputs, summary = tmp_path / "out", tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    gh_fake.fp.register(
        [
            "gh",
            "issue",
            "view",
            "5406",
            "--json",
            "number,title,body,labels,state,url",
            "--repo",
            "o/r",
        ],
        stdout=json.dumps(
            {
                "number": 5406,
                "title": "t",
                "body": PLAN_BODY,
                "state": "OPEN",
                "labels": [{"name": "erk-plan"}],
                "url": "u",
            }
        ),
    )
    url = "https://github.com/o/r/actions/runs/99"
    gh_fake.fp.register(
        ["gh", "repo", "view", "o/r", "--json", "defaultBranchRef"],
        stdout=json.dumps({"defaultBranchRef": {"name": "trunk"}}),
    )
    gh_fake.fp.register(
        [
            "gh",
            "workflow",
            "run",
            "learn-async.yml",
            "-f",
            "issue_number=5406",
            "--ref",
            "trunk",
            "--repo",
            "o/r",
        ],
        stdout=url + "\n",
    )
    gh_fake.fp.register(
        ["gh", "issue", "view", "5406", "--json", "body", "--repo", "o/r"],
        stdout=json.dumps({"body": PLAN_BODY}),
    )
    gh_fake.fp.register(["gh", "issue", "edit", "5406", "--body-file", "-", "--repo", "o/r"])

    code, payload, _ = invoke(capsys, "trigger-async-learn", "--issue", "5406", "--repo", "o/r")

    assert code == 0
    assert payload == {
        "success": True,
        "issue_number": 5406,
        "workflow_triggered": True,
        "workflow": "learn-async.yml",
        "run_id": 99,
        "workflow_run_url": url,
    }
    assert outputs.read_text() == (f"run_id=99\nworkflow_run_url={url}\nworkflow_triggered=true\n")
    assert url in summary.read_text()


def test_refusal_exits_1_with_the_error_object(
    capsys: pytest.CaptureFixture[str], gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(12, labels=())
    code, payload, _ = invoke(capsys, "trigger-async-learn", "--issue", "12")
    assert code == 1
    assert payload == {
        "success": False,
        "issue_number": 12,
        "error": "Issue is not an erk-plan",
        "error_type": "not_a_plan",
        "detail": "labels: none",
    }


def test_config_from_environment_overrides_the_workflow(
    capsys: pytest.CaptureFixture[str], gh_fake: FakeGh, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INVOKE_LEARN_WORKFLOW", "other.yml")
    gh_fake.issue_view(12)
    code, payload, _ = invoke(capsys, "trigger-async-learn", "--issue", "12", "--dry-run")
    assert code == 0 and payload["workflow"] == "other.yml" and payload["dry_run"] is True


def test_bad_configured_timeout_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INVOKE_LEARN_DEADLINE", "-1")
    code, payload, _ = invoke(capsys, "trigger-async-learn", "--issue", "12")
    assert code == 2 and "learn.deadline" in payload["error"]


@pytest.mark.parametrize(
    "argv",
    [
        ("--issue",),
        ("--issue", "--force"),
        ("--issue", "--repo", "o/r"),
        ("--issue", "1", "--repo"),
    ],
)
def test_an_option_without_its_value_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    code, payload, _ = invoke(capsys, "trigger-async-learn", *argv)
    assert code == 2 and "needs a value" in payload["error"]


@pytest.mark.parametrize("option", ["--workflow=--help", "--ref=-x", "--ref=a b"])
def test_workflow_and_ref_that_gh_would_misread_are_usage_errors(
    capsys: pytest.CaptureFixture[str], option: str
) -> None:
    code, payload, _ = invoke(capsys, "trigger-async-learn", "--issue", "1", option)
    assert code == 2 and payload["error_type"] == "invalid_option"


def test_an_unwritable_actions_output_is_a_warning_not_a_traceback(
    capsys: pytest.CaptureFixture[str],
    gh_fake: FakeGh,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "missing" / "out"))
    gh_fake.issue_view(12)
    code, payload, err = invoke(capsys, "trigger-async-learn", "--issue", "12", "--dry-run")
    assert code == 0 and payload["dry_run"] is True
    assert "could not write the GitHub Actions outputs" in err and "Traceback" not in err


def test_a_bug_ends_in_one_json_object_not_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("learnlib.learn.trigger_async_learn", broken)
    code, payload, err = invoke(capsys, "trigger-async-learn", "--issue", "12")
    assert code == 1 and payload["error_type"] == "internal_error"
    assert "RuntimeError: boom" in payload["detail"] and "Traceback" not in err
