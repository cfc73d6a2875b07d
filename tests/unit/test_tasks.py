"""The Invoke tasks as a user runs them: options, one JSON object on stdout, exit codes."""

from __future__ import annotations

import io
import json
import sys
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


@pytest.mark.gh_optional("repo_view")
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
        "action": "dispatch",
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
        "action": "refuse",
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

    monkeypatch.setattr("learnlib.usecases.trigger.trigger_plan", broken)
    code, payload, err = invoke(capsys, "trigger-async-learn", "--issue", "12")
    assert code == 1 and payload["error_type"] == "internal_error"
    assert "RuntimeError: boom" in payload["detail"] and "Traceback" not in err


# --------------------------------------------------------------- 1. the learnlib console script


def learnlib(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any], str]:
    return run_task(capsys, *argv, binary="learnlib")


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("trigger-async-learn", "--bogus"), "unknown option --bogus"),
        (("trigger-async-learn", "5406"), "unexpected value '5406'"),
        (
            ("trigger-async-learn", "--issue", "1", "--issue", "2"),
            "--issue was given more than once",
        ),
        (("trigger-async-learn", "--issue=1", "--issue=2"), "--issue was given more than once"),
        (("sandbox", "--port"), "--port needs a value"),
        (("no-such-task",), "unknown task 'no-such-task'"),
    ],
)
def test_a_command_line_that_does_not_parse_is_one_json_object_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], words: str
) -> None:
    code, payload, err = learnlib(capsys, *argv)
    assert code == 2 and payload["success"] is False
    assert payload["error_type"] == "invalid_option" and words in payload["error"]
    assert f"error: {payload['error']}" in err and "Traceback" not in err


def test_a_repeatable_option_may_be_repeated_and_others_may_not(
    capsys: pytest.CaptureFixture[str], fp: Any
) -> None:
    from tests.unit.status_fakes import body, listed_issue, register_listing

    register_listing(fp, [listed_issue(5, body()), listed_issue(6, body())], [], state="open")
    code, payload, _ = learnlib(capsys, "learn-status", "--issue", "5", "-i", "6", "--json")
    assert code == 0 and [plan["issue_number"] for plan in payload["plans"]] == [5, 6]
    code, payload, _ = learnlib(capsys, "learn-status", "--state", "open", "--state", "all")
    assert code == 2 and "--state was given more than once" in payload["error"]


def test_a_land_command_line_that_does_not_parse_carries_its_pr_number(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, payload, _ = learnlib(capsys, "land", "--pr", "7", "--bogus")
    assert code == 2 and payload["pr_number"] == 7 and payload["merged"] is False


def test_version_and_list(capsys: pytest.CaptureFixture[str]) -> None:
    from learnlib.tasks.collection import ns
    from learnlib.tasks.program import LearnlibConfig, LearnlibProgram

    program = LearnlibProgram(namespace=ns, version="9.9", name="learnlib", binary="learnlib")
    program.config_class = LearnlibConfig
    program.run(["learnlib", "--version"])
    assert "learnlib 9.9" in capsys.readouterr().out
    program.run(["learnlib", "--list"])
    out = capsys.readouterr().out
    assert "trigger-async-learn" in out and "land" in out


def test_the_installed_console_script_runs(tmp_path: Path) -> None:
    """`learnlib`, as pip installed it beside this interpreter, answers and lists its tasks."""
    import subprocess
    from importlib.metadata import version

    script = Path(sys.executable).with_name("learnlib")
    for argv, expected in (
        (["--version"], f"learnlib {version('learnlib')}"),
        (["--list"], "trigger-async-learn"),
    ):
        done = subprocess.run(
            [str(script), *argv], cwd=tmp_path, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0 and expected in done.stdout, done


def test_the_console_script_imports_only_what_parsing_needs() -> None:
    """Start-up: the program and the collection load no use case, no gh adapter, no ruamel."""
    import subprocess

    probe = (
        "import sys, learnlib.tasks.program, learnlib.tasks.collection\n"
        "print(' '.join(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = done.stdout.split()
    assert "learnlib.tasks.collection" in loaded
    heavy = ("ruamel", "learnlib.usecases", "learnlib.gh", "learnlib.timing", "learnlib.sandbox.")
    assert [name for name in loaded if name.startswith(heavy)] == []


def test_learnlib_reads_its_own_prefix_and_invoke_keeps_its_own(
    capsys: pytest.CaptureFixture[str], gh_fake: FakeGh, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEARNLIB_LEARN_WORKFLOW", "mine.yml")
    monkeypatch.setenv("INVOKE_LEARN_WORKFLOW", "theirs.yml")
    gh_fake.issue_view(12)
    _, payload, _ = learnlib(capsys, "trigger-async-learn", "--issue", "12", "--dry-run")
    assert payload["workflow"] == "mine.yml"
    gh_fake.issue_view(12)
    _, payload, _ = invoke(capsys, "trigger-async-learn", "--issue", "12", "--dry-run")
    assert payload["workflow"] == "theirs.yml"


def test_learnlib_reads_learnlib_yaml_in_the_current_directory(
    capsys: pytest.CaptureFixture[str],
    gh_fake: FakeGh,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    (tmp_path / "learnlib.yaml").write_text("learn:\n  workflow: from-file.yml\n")
    monkeypatch.chdir(tmp_path)
    gh_fake.issue_view(12)
    _, payload, _ = learnlib(capsys, "trigger-async-learn", "--issue", "12", "--dry-run")
    assert payload["workflow"] == "from-file.yml"


# --------------------------------------------------------------- 4. configuration


@pytest.mark.parametrize(
    ("value", "learns"),
    [("false", False), ("No", False), ("OFF", False), ("0", False), ("TRUE", True), ("on", True)],
)
def test_environment_booleans_mean_what_they_say(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, value: str, learns: bool
) -> None:
    from learnlib.tasks.config import read_settings
    from learnlib.tasks.program import LearnlibConfig

    monkeypatch.setenv("LEARNLIB_LEARN_ON_LAND", value)
    monkeypatch.setenv("LEARNLIB_LAND_DELETE_BRANCH", value)
    config = LearnlibConfig()
    from learnlib.tasks.collection import ns

    config.load_collection(ns.configuration())
    config.load_shell_env()
    settings = read_settings(config)
    assert settings.flag("learn.on_land") is learns
    assert settings.flag("land.delete_branch") is learns


@pytest.mark.parametrize(
    ("variable", "value", "key"),
    [
        ("INVOKE_LEARN_GH_TIMEOUT", "abc", "learn.gh_timeout"),
        ("INVOKE_LEARN_DEADLINE", "nan", "learn.deadline"),
        ("INVOKE_LEARN_DEADLINE", "inf", "learn.deadline"),
        ("INVOKE_LEARN_RUN_DISCOVERY_TIMEOUT", "-1", "learn.run_discovery_timeout"),
        ("INVOKE_LEARN_ON_LAND", "maybe", "learn.on_land"),
        ("INVOKE_LAND_DELETE_BRANCH", "", "land.delete_branch"),
        ("INVOKE_LEARN_WORKFLOW", "-x", "learn.workflow"),
        ("INVOKE_LEARN_REF", "a b", "learn.ref"),
        ("INVOKE_LEARN_REPO", "nope", "learn.repo"),
        ("INVOKE_LAND_MERGE_METHOD", "octopus", "land.merge_method"),
    ],
)
def test_a_bad_configured_value_names_its_key_not_a_flag(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
    key: str,
) -> None:
    monkeypatch.setenv(variable, value)
    for argv in (("trigger-async-learn", "--issue", "12"), ("land", "--pr", "7")):
        code, payload, err = invoke(capsys, *argv)
        assert code == 2 and payload["error_type"] == "invalid_config"
        assert f"configuration {key}" in payload["error"] and "--" not in payload["error"][:20]
        assert "Traceback" not in err


@pytest.mark.parametrize(
    ("yaml", "words"),
    [
        ("learn: 5\n", "configuration learn must be a mapping of keys"),
        ("learn:\n  label: [a, b]\n", "configuration learn.label must be text"),
        ("learn:\n  workflow: [a, b]\n", "configuration learn.workflow must be text"),
        ("learn:\n  gh_timeout: {a: 1}\n", "configuration learn.gh_timeout must be a finite"),
        ("land:\n  delete_branch: sometimes\n", "configuration land.delete_branch must be one of"),
        ("learn: [\n", "the configuration cannot be read"),
    ],
)
def test_a_config_file_that_does_not_mean_anything_is_exit_2(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    yaml: str,
    words: str,
) -> None:
    (tmp_path / "learnlib.yaml").write_text(yaml)
    monkeypatch.chdir(tmp_path)
    code, payload, err = learnlib(capsys, "trigger-async-learn", "--issue", "12")
    assert code == 2 and payload["error_type"] == "invalid_config" and words in payload["error"]
    assert str(tmp_path / "learnlib.yaml") in payload["error"]  # the file is named
    assert "Traceback" not in err


def test_yaml_booleans_and_numbers_are_read(tmp_path: Path) -> None:
    from learnlib.tasks.config import read_settings

    config = {"learn": {"on_land": "no", "gh_timeout": 5}, "land": {"delete_branch": True}}
    settings = read_settings(config)
    assert settings.flag("learn.on_land") is False and settings.number("learn.gh_timeout") == 5.0
    assert settings.flag("land.delete_branch") is True


# Loads learnlib.defaults with every constant changed (a number + 7 or + 0.25, text + "-other", a
# yes/no flipped), then prints what each reader of a default now holds, by the constant it must
# hold. A reader that wrote the value itself keeps the old one and is caught.
_OTHER_DEFAULTS = r"""
import ast, inspect, json, sys, types
from pathlib import Path

import learnlib

path = Path(learnlib.__file__).with_name("defaults.py")
tree = ast.parse(path.read_text())
changed = {}
for node in tree.body:
    target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
    value = getattr(node, "value", None)
    if isinstance(target, ast.Name) and target.id.isupper() and isinstance(value, ast.Constant):
        old = value.value
        if isinstance(old, bool):
            new = not old
        elif isinstance(old, int | float):
            new = old + (7 if isinstance(old, int) else 0.25)
        else:
            new = f"{old}-other"
        node.value = ast.Constant(new)
        changed[target.id] = new
module = types.ModuleType("learnlib.defaults")
exec(compile(ast.fix_missing_locations(tree), str(path), "exec"), module.__dict__)
sys.modules["learnlib.defaults"] = learnlib.defaults = module

from learnlib.gh.runner import GitHubCli
from learnlib.tasks.collection import ns
from learnlib.usecases.backlog import BacklogOptions
from learnlib.usecases.land import LandOptions
from learnlib.usecases.status import survey_plans
from learnlib.usecases.trigger import LearnOptions

learn, land, backlog = LearnOptions(), LandOptions(), BacklogOptions(learn=LearnOptions())
survey = inspect.signature(survey_plans).parameters
held = {
    "GitHubCli.timeout": (GitHubCli().timeout, "GH_TIMEOUT"),
    "LearnOptions.workflow": (learn.workflow, "WORKFLOW"),
    "LearnOptions.label": (learn.label, "LABEL"),
    "LearnOptions.run_discovery_timeout": (learn.run_discovery_timeout, "RUN_DISCOVERY_TIMEOUT"),
    "LandOptions.learn_on_land": (land.learn_on_land, "LEARN_ON_LAND"),
    "LandOptions.merge_method": (land.merge_method, "MERGE_METHOD"),
    "LandOptions.delete_branch": (land.delete_branch, "DELETE_BRANCH"),
    "BacklogOptions.state": (backlog.state, "BACKLOG_STATE"),
    "BacklogOptions.limit": (backlog.limit, "BACKLOG_LIMIT"),
    "BacklogOptions.rate": (backlog.rate, "BACKLOG_RATE"),
    "BacklogOptions.concurrency": (backlog.concurrency, "BACKLOG_CONCURRENCY"),
    "BacklogOptions.plan_deadline": (backlog.plan_deadline, "DEADLINE"),
    "survey_plans(state)": (survey["state"].default, "STATUS_STATE"),
    "survey_plans(limit)": (survey["limit"].default, "STATUS_LIMIT"),
}
configured = ns.configuration()
for section, values in module.DEFAULTS.items():
    for key, value in values.items():
        if value == "":  # ref and repo default to "", which is no constant
            continue
        name = next((n for n, new in changed.items() if new == value), None)
        held[f"DEFAULTS {section}.{key}"] = (value, name)
        held[f"ns {section}.{key}"] = (configured[section][key], name)
print(json.dumps({"changed": changed, "held": held}))
"""


def test_defaults_are_written_once() -> None:
    """Each reader of a default holds defaults.py's value, whatever that is: none writes its own."""
    import subprocess
    import sys

    from learnlib.tasks.config import invoke_defaults

    done = subprocess.run(
        [sys.executable, "-c", _OTHER_DEFAULTS], capture_output=True, text=True, check=True
    )
    report = json.loads(done.stdout)
    changed, wrong = report["changed"], []
    for reader, (value, constant) in report["held"].items():
        expected = changed.get(constant) if constant else None
        if reader.startswith("ns "):  # Invoke is handed every default as text
            section, key = reader[3:].split(".")
            expected = invoke_defaults({section: {key: expected}})[section][key]
        if constant is None or value != expected:
            wrong.append(f"{reader} holds {value!r}, not {constant}")
    assert not wrong, wrong
    assert len(report["held"]) > 30


# --------------------------------------------------------------- 5. a trigger that talks


def test_progress_and_the_outcome_go_to_stderr_and_quiet_silences_them(
    capsys: pytest.CaptureFixture[str], gh_fake: FakeGh
) -> None:
    url = "https://github.com/o/r/actions/runs/99"
    for quiet in (False, True):
        gh_fake.issue_view(12)
        gh_fake.workflow_run(12, stdout=url + "\n")
        gh_fake.issue_body(12, PLAN_BODY)
        gh_fake.issue_edit(12)
        argv = ["trigger-async-learn", "--issue", "12", *(["-q"] if quiet else [])]
        code, payload, err = invoke(capsys, *argv)
        assert code == 0 and payload["run_id"] == 99
        assert (f"Async learn dispatched for plan #12: {url}" in err) is not quiet


def test_a_refusal_is_one_error_line_even_when_quiet(
    capsys: pytest.CaptureFixture[str], gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(12, labels=())
    code, _, err = invoke(capsys, "trigger-async-learn", "--issue", "12", "--quiet")
    assert code == 1 and err == "error: Issue is not an erk-plan (labels: none)\n"


def test_dry_run_prints_the_diff_itself_on_stderr(
    capsys: pytest.CaptureFixture[str], gh_fake: FakeGh
) -> None:
    gh_fake.issue_view(12)
    code, payload, err = invoke(capsys, "trigger-async-learn", "--issue", "12", "-n", "-q")
    assert code == 0 and payload["dry_run"] is True
    assert err == payload["diff"] and "-learn_status: null\n+learn_status: pending\n" in err


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_progress_from_the_trigger_is_printed(
    capsys: pytest.CaptureFixture[str], gh_fake: FakeGh, monkeypatch: pytest.MonkeyPatch
) -> None:
    from learnlib.usecases.trigger import TriggerResult

    def talking(_gh: Any, number: int, options: Any, progress: Any) -> TriggerResult:
        progress(f"Reading issue #{number}")
        return TriggerResult(issue_number=number, success=True, workflow=options.workflow)

    monkeypatch.setattr("learnlib.usecases.trigger.trigger_plan", talking)
    _, _, err = invoke(capsys, "trigger-async-learn", "--issue", "12")
    assert "Reading issue #12\n" in err
    _, _, err = invoke(capsys, "trigger-async-learn", "--issue", "12", "--quiet")
    assert "Reading issue #12" not in err


# --------------------------------------------------------------- 6. messages and shapes


def test_not_a_plan_names_the_configured_label(
    capsys: pytest.CaptureFixture[str], gh_fake: FakeGh, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INVOKE_LEARN_LABEL", "my-label")
    gh_fake.issue_view(12)
    code, payload, _ = invoke(capsys, "trigger-async-learn", "--issue", "12")
    assert code == 1 and payload["error"] == "Issue is not a plan (no 'my-label' label)"


def test_a_repository_gh_cannot_resolve_is_repo_not_found(
    capsys: pytest.CaptureFixture[str], gh_fake: FakeGh
) -> None:
    gh_fake.issue_view_fails(
        12, "GraphQL: Could not resolve to a Repository with the name 'o/nope'. (repository)\n"
    )
    code, payload, _ = invoke(capsys, "trigger-async-learn", "--issue", "12")
    assert code == 1 and payload["error_type"] == "repo_not_found"
    assert payload["error"] == "Repository not found"


def test_header_update_failed_says_the_run_exists_and_how_to_record_it(
    capsys: pytest.CaptureFixture[str], gh_fake: FakeGh
) -> None:
    url = "https://github.com/o/r/actions/runs/99"
    gh_fake.issue_view(12)
    gh_fake.workflow_run(12, stdout=url + "\n")
    gh_fake.issue_body(12, PLAN_BODY)
    gh_fake.issue_edit(12, returncode=1, stderr="HTTP 403: Resource not accessible\n")
    code, payload, err = invoke(capsys, "trigger-async-learn", "--issue", "12")
    assert code == 1 and payload["error_type"] == "header_update_failed"
    advice = payload["advice"]
    assert "run 99 exists" in advice and "would dispatch a second run" in advice
    assert "learnlib record-learn --issue 12 --status pending --run-id 99" in advice
    assert advice in err


def test_short_flags_mean_the_same_on_every_task() -> None:
    from learnlib.tasks import SHORT_FLAGS
    from learnlib.tasks.collection import ns

    for name in ns.task_names:
        for argument in ns[name].get_arguments():
            shorts = [n for n in argument.names if len(n) == 1]
            expected = SHORT_FLAGS.get(argument.attr_name or argument.name)
            assert shorts == ([expected] if expected else []), (name, argument.names)


# --------------------------------------------------------------- 7. Ctrl-C


def test_ctrl_c_during_the_trigger_is_one_json_object_and_exit_130(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("learnlib.usecases.trigger.trigger_plan", interrupted)
    code, payload, err = invoke(capsys, "trigger-async-learn", "--issue", "12")
    assert code == 130 and payload["error_type"] == "interrupted" and payload["issue_number"] == 12
    assert err.startswith("error: interrupted (Ctrl-C)")


# --------------------------------------------------------------- 2. --pr


def pr_json(state: str, head: str = "feature", body: str = "Closes:#5406") -> str:
    return json.dumps(
        {
            "number": 7,
            "title": "t",
            "body": body,
            "state": state,
            "isDraft": False,
            "mergeable": "UNKNOWN",
            "mergeStateStatus": "UNKNOWN",
            "headRefName": head,
            "baseRefName": "main",
            "headRefOid": "0" * 40,
            "url": "https://github.com/o/r/pull/7",
        }
    )


def register_pr(gh_fake: FakeGh, state: str, **changes: str) -> None:
    from learnlib.gh.prs import PR_FIELDS

    gh_fake.fp.register(
        ["gh", "pr", "view", "7", "--json", PR_FIELDS], stdout=pr_json(state, **changes)
    )


def test_pr_finds_the_plan_of_a_merged_pull_request_by_lands_rule(
    capsys: pytest.CaptureFixture[str], gh_fake: FakeGh
) -> None:
    register_pr(gh_fake, "MERGED")  # no P<N>- prefix: `Closes:#5406` in the body
    gh_fake.issue_view(5406)
    code, payload, _ = invoke(capsys, "trigger-async-learn", "--pr", "7", "--dry-run")
    assert code == 0 and payload["issue_number"] == 5406 and payload["pr_number"] == 7


def test_pr_prefers_the_branch_prefix(capsys: pytest.CaptureFixture[str], gh_fake: FakeGh) -> None:
    register_pr(gh_fake, "MERGED", head="P12-thing")
    gh_fake.issue_view(12)
    code, payload, _ = invoke(capsys, "trigger-async-learn", "-p", "7", "-n")
    assert code == 0 and payload["issue_number"] == 12


@pytest.mark.gh_optional("repo_view", "side_reads")
@pytest.mark.parametrize(
    ("state", "changes", "error_type"),
    [("OPEN", {}, "pr_not_merged"), ("MERGED", {"body": "no reference"}, "no_plan_issue")],
)
def test_pr_refuses_what_it_cannot_learn_from(
    capsys: pytest.CaptureFixture[str],
    gh_fake: FakeGh,
    state: str,
    changes: dict[str, str],
    error_type: str,
) -> None:
    register_pr(gh_fake, state, **changes)
    code, payload, err = invoke(capsys, "trigger-async-learn", "--pr", "7")
    assert code == 1 and payload["error_type"] == error_type and payload["pr_number"] == 7
    assert payload["issue_number"] is None and "\nerror: Pull request #7" in err


def test_issue_and_pr_are_exclusive(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload, _ = invoke(capsys, "trigger-async-learn", "--issue", "1", "--pr", "7")
    assert code == 2 and "cannot be used together" in payload["error"]
    assert payload["pr_number"] == 7 and payload["issue_number"] == 1


def test_sandbox_without_graphql_core_is_one_json_error_naming_the_extra(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [m for m in sys.modules if m.startswith(("learnlib.sandbox.", "graphql"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "graphql", None)  # `import graphql` fails as uninstalled

    code, payload, err = run_task(capsys, "trigger-async-learn", "--issue", "5406", "--sandbox")

    assert (code, payload["success"], payload["error_type"]) == (1, False, "sandbox_unavailable")
    assert "pip install 'learnlib[sandbox]'" in payload["error"]
    assert "Traceback" not in err


# --------------------------------------------------------------- flag, else configuration


@pytest.mark.parametrize(
    ("argv", "yaml", "words"),
    [
        (
            ("learn-status",),
            "status:\n  state: merged\n",
            "configuration status.state must be one of open, closed, all, got 'merged'",
        ),
        (
            ("trigger-async-learn", "--issue", "12"),
            "learn:\n  gh_timeout: abc\n",
            "configuration learn.gh_timeout must be a finite number greater than 0, got 'abc'",
        ),
        (
            ("land", "--pr", "7"),
            "land:\n  merge_method: octopus\n",
            "configuration land.merge_method must be one of squash, merge, rebase, got 'octopus'",
        ),
    ],
)
def test_a_bad_configured_value_names_the_file_it_came_from(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    argv: tuple[str, ...],
    yaml: str,
    words: str,
) -> None:
    (tmp_path / "learnlib.yaml").write_text(yaml)
    monkeypatch.chdir(tmp_path)
    code, payload, err = learnlib(capsys, *argv)
    assert code == 2 and payload["error_type"] == "invalid_config"
    assert payload["error"] == f"{words} (from {tmp_path / 'learnlib.yaml'})"
    assert f"error: {payload['error']}" in err


def test_a_flag_wins_over_a_bad_configured_value_and_is_named_when_bad(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEARNLIB_STATUS_STATE", "merged")
    code, payload, _ = learnlib(capsys, "learn-status", "--state", "bogus")
    assert code == 2 and payload["error_type"] == "invalid_option"
    assert payload["error"] == "--state must be one of open, closed, all, got 'bogus'"
    code, payload, _ = learnlib(capsys, "learn-status", "--limit", "3")
    assert code == 2 and payload["error"] == (
        "configuration status.state must be one of open, closed, all, got 'merged' "
        "(from LEARNLIB_STATUS_STATE)"
    )


# --------------------------------------------------------------- a reader that went away


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["--list"],
        ["--print-completion-script", "zsh"],
        ["--help", "trigger-async-learn"],
        ["trigger-async-learn", "--bogus"],
        ["trigger-async-learn", "--issue", "x"],
    ],
)
def test_a_closed_stdout_ends_quietly(tmp_path: Path, argv: list[str]) -> None:
    """`learnlib --help | head -1`: the reader is gone before learnlib writes (deterministic:
    the pipe's read end is closed first); no traceback, no error about the configuration."""
    import subprocess

    from learnlib.tasks.errors import EXIT_BROKEN_PIPE

    script = Path(sys.executable).with_name("learnlib")
    child = subprocess.Popen(
        [str(script), *argv], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    err = child.stderr.read().decode()
    assert child.wait(timeout=60) == EXIT_BROKEN_PIPE
    assert "Traceback" not in err and "BrokenPipe" not in err and "configuration" not in err


# --------------------------------------------------------------- config files


@pytest.mark.parametrize(
    ("text", "kind"), [("- a\n", "a list"), ("just words\n", "a str"), ("5\n", "an int")]
)
def test_a_config_file_that_is_not_a_mapping_is_one_json_error_naming_it(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    text: str,
    kind: str,
) -> None:
    (tmp_path / "learnlib.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    code, payload, err = learnlib(capsys, "trigger-async-learn", "--issue", "12")
    assert code == 2 and payload["error_type"] == "invalid_config"
    assert payload["error"] == (
        f"the configuration file {tmp_path / 'learnlib.yaml'} must be a mapping of sections "
        f"(learn, land, status, backlog), got {kind}"
    )
    assert "Traceback" not in err and payload["issue_number"] == 12


@pytest.mark.parametrize(
    "text", ["- a\n", "learn: 5\n", "learn: [\n", "learn:\n  deadline: {a: 1}\n"]
)
def test_a_bad_user_config_file_does_not_break_version_help_or_list(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    text: str,
) -> None:
    from learnlib.tasks.collection import ns
    from learnlib.tasks.program import LearnlibConfig, LearnlibProgram

    (tmp_path / ".learnlib.yaml").write_text(text)
    monkeypatch.setenv("HOME", str(tmp_path))
    program = LearnlibProgram(
        namespace=ns, version="9.9", name="learnlib", config_class=LearnlibConfig
    )
    for argv, words in ((["--version"], "learnlib 9.9"), (["--list"], "land")):
        program.run(["learnlib", *argv], exit=False)
        out, err = capsys.readouterr()
        assert words in out and err == ""
    code, payload, err = learnlib(capsys, "learn-status")
    assert code == 2 and payload["error_type"] == "invalid_config"
    assert str(tmp_path / ".learnlib.yaml") in payload["error"] and "Traceback" not in err


def test_a_missing_f_file_is_an_error_naming_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.yaml"
    code, payload, _err = learnlib(capsys, "-f", str(missing), "learn-status")
    assert code == 2 and payload["error_type"] == "invalid_config"
    assert payload["error"] == f"the configuration file {missing} (-f) does not exist"


def test_unknown_sections_and_variables_are_warned_about(
    capsys: pytest.CaptureFixture[str],
    gh_fake: FakeGh,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    (tmp_path / "learnlib.yaml").write_text("lern:\n  workflow: x.yml\nlearn:\n  on_lnd: false\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LEARNLIB_LEARN_WORKFLW", "y.yml")
    monkeypatch.setenv("LEARNLIB_DEBUG", "")
    monkeypatch.setenv("LEARNLIB_SANDBOX_QUERY_LOG", "")
    gh_fake.issue_view(12)
    code, payload, err = learnlib(capsys, "trigger-async-learn", "--issue", "12", "--dry-run")
    assert code == 0 and payload["workflow"] == "learn-async.yml"
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert warnings == [
        f"warning: unknown configuration section lern in {tmp_path / 'learnlib.yaml'} is ignored",
        "warning: unknown environment variable LEARNLIB_LEARN_WORKFLW is ignored",
        "warning: unknown configuration key learn.on_lnd is ignored",
    ]


# --------------------------------------------------------------- one task, named right


def test_a_second_task_name_is_refused(capsys: pytest.CaptureFixture[str], fp: Any) -> None:
    code, payload, _err = learnlib(
        capsys, "trigger-async-learn", "--issue", "5406", "--sandbox", "learn-status"
    )
    assert code == 2 and payload["error_type"] == "invalid_option"
    assert payload["issue_number"] == 5406 and "one task at a time" in payload["error"]
    assert "learn-status" in payload["error"] and not fp.calls


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["trigger-asnyc-learn", "--issue", "5"], "did you mean trigger-async-learn?"),
        (["lnd"], "did you mean land?"),
        (["bogus-task"], "`learnlib --list` lists the tasks"),
    ],
)
def test_a_typo_in_a_task_name_is_an_unknown_task(
    capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    code, payload, _ = learnlib(capsys, *argv)
    assert code == 2 and payload["error_type"] == "invalid_option"
    assert payload["error"].startswith(f"unknown task {argv[0]!r}") and words in payload["error"]


@pytest.mark.parametrize("task", [["trigger-async-learn", "--issue", "5"], ["land", "--pr", "7"]])
def test_wait_timeout_without_wait_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], fp: Any, task: list[str]
) -> None:
    code, payload, _ = learnlib(capsys, *task, "--wait-timeout", "60")
    assert code == 2 and payload["error"] == "--wait-timeout needs --wait"
    assert not fp.calls


def test_a_tiny_gh_timeout_is_reported_as_given(fp: Any, tmp_path: Path) -> None:
    from learnlib.gh.issues import read_issue_body
    from learnlib.gh.runner import GhTimeout, GitHubCli
    from learnlib.rules.schedule import Schedule

    slow = tmp_path / "gh"
    slow.write_text("#!/bin/sh\nexec sleep 5\n")
    slow.chmod(0o755)
    fp.allow_unregistered(True)  # run the real slow script
    gh = GitHubCli(executable=str(slow), timeout=0.001, retry=Schedule(first=0.0, attempts=1))
    with pytest.raises(GhTimeout, match=r"within 0\.001 s"):
        read_issue_body(gh, 1)


# --------------------------------------------------------------- Ctrl-C while --wait follows


def test_ctrl_c_while_waiting_keeps_the_dispatch_in_the_json(
    capsys: pytest.CaptureFixture[str], gh_fake: FakeGh, monkeypatch: pytest.MonkeyPatch
) -> None:
    def ctrl_c(*_: Any, **__: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("learnlib.timing.follow.follow_run", ctrl_c)
    url = "https://github.com/o/r/actions/runs/4242"
    gh_fake.issue_view(12)
    gh_fake.workflow_run(12, stdout=url + "\n")
    gh_fake.issue_body(12, PLAN_BODY)
    gh_fake.issue_edit(12)
    code, payload, err = learnlib(capsys, "trigger-async-learn", "--issue", "12", "--wait")
    assert code == 130 and payload["error_type"] == "interrupted"
    assert payload["workflow_triggered"] is True and payload["run_id"] == 4242
    assert payload["workflow_run_url"] == url and payload["success"] is False
    assert "Header written" in err and "stopped waiting" in payload["detail"]


def test_ctrl_c_while_land_waits_keeps_the_merge_and_the_dispatch(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from learnlib.usecases.land import LandResult
    from learnlib.usecases.trigger import TriggerResult

    def ctrl_c(*_: Any, **__: Any) -> None:
        raise KeyboardInterrupt

    learned = TriggerResult(
        issue_number=5406, success=True, workflow="learn-async.yml", workflow_triggered=True,
        run_id=4242, workflow_run_url="https://github.com/o/r/actions/runs/4242",
    )  # fmt: skip
    landed = LandResult(
        success=True, merged=True, merge_method="squash", pr_number=7, plan_issue=5406,
        learn=learned,
    )  # fmt: skip
    monkeypatch.setattr("learnlib.usecases.land.land_pull_request", lambda *_, **__: landed)
    monkeypatch.setattr("learnlib.timing.follow.follow_run", ctrl_c)
    code, payload, _ = learnlib(capsys, "land", "--pr", "7", "--learn", "--wait")
    assert code == 130 and payload["error_type"] == "interrupted" and payload["merged"] is True
    assert payload["learn"]["run_id"] == 4242 and payload["learn"]["workflow_triggered"] is True


# --------------------------------------------------------------- learn-backlog's bar


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_backlog_bar_is_ended_before_anything_else_is_said(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sandbox says what it changed as the gh client closes: on a line of its own."""
    from contextlib import contextmanager

    from learnlib.gh.runner import GitHubCli
    from learnlib.usecases.backlog import BacklogResult, Tick

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)

    @contextmanager
    def client(*_: Any, **__: Any) -> Any:
        yield GitHubCli()
        print("sandbox: issue #1 body changed", file=sys.stderr)

    def work(_: Any, __: Any, progress: Any) -> BacklogResult:
        progress(Tick(total=1, done=1, dispatched=1, failed=0))
        return BacklogResult(1, (1,), (1,), {}, (), ())

    monkeypatch.setattr("learnlib.tasks.client.github", client)
    monkeypatch.setattr("learnlib.usecases.backlog.work_backlog", work)
    code, _, _ = learnlib(capsys, "learn-backlog")
    lines = terminal.getvalue().split("\n")
    assert code == 0 and "sandbox: issue #1 body changed" in lines, terminal.getvalue()
    assert lines[-2].startswith("1 plans listed: 1 dispatched")


# --------------------------------------------------------------- outside a GitHub checkout

OUTSIDE = [
    "failed to run git: fatal: not a git repository (or any of the parent directories): .git",
    "no git remotes found",
    "none of the git remotes configured for this repository point to a known GitHub host. "
    "To tell gh about a new GitHub host, please use `gh auth login`",
]


@pytest.mark.parametrize("stderr", OUTSIDE)
def test_outside_a_github_checkout_the_error_names_repo(
    capsys: pytest.CaptureFixture[str], gh_fake: FakeGh, stderr: str
) -> None:
    gh_fake.issue_view_fails(12, stderr=stderr + "\n")
    code, payload, err = learnlib(capsys, "trigger-async-learn", "--issue", "12")
    assert code == 1 and "--repo OWNER/NAME" in payload["advice"]
    assert "error: " in err and "--repo OWNER/NAME" in err


@pytest.mark.parametrize("stderr", OUTSIDE[:1])
def test_outside_a_github_checkout_a_listing_names_repo(
    capsys: pytest.CaptureFixture[str], fp: Any, stderr: str
) -> None:
    listing = "repos/{owner}/{repo}/issues?labels=erk-plan&state=open&per_page=100&page=1"
    fp.register(["gh", "api", listing], stderr=stderr + "\n", returncode=1)
    fp.register(["gh", fp.any()], stdout="[]\n", occurrences=5)  # the runs, read beside
    from tests.unit.conftest import may_not_be_called

    may_not_be_called(fp, ["gh", fp.any()])
    code, payload, err = learnlib(capsys, "learn-status", "--json")
    assert code == 1 and "--repo OWNER/NAME" in payload["advice"] and "--repo OWNER/NAME" in err


# --------------------------------------------------------------- --sandbox


@pytest.mark.parametrize(
    ("argv", "repo"),
    [
        (["trigger-async-learn", "--issue", "5406", "--sandbox"], ""),
        (["learn-status", "--sandbox"], ""),
        (["record-learn", "--issue", "5406", "--status", "pending", "--sandbox"], ""),
        (["learn-backlog", "--sandbox"], ""),
        (["land", "--pr", "7", "--sandbox"], ""),
        (["learn-status", "--sandbox", "--repo", "learnlib-demo/other"], "learnlib-demo/other"),
    ],
)
def test_sandbox_ignores_the_configured_repository(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    repo: str,
) -> None:
    """learn.repo names a real repository; the sandbox has its own (a --repo flag still counts)."""
    from contextlib import contextmanager

    asked: list[str] = []

    @contextmanager
    def client(_: Any, repository: str, **__: Any) -> Any:
        asked.append(repository)
        raise KeyboardInterrupt
        yield

    monkeypatch.setenv("LEARNLIB_LEARN_REPO", "my-org/real-plans")
    monkeypatch.setattr("learnlib.tasks.client.github", client)
    code, _, _ = learnlib(capsys, *argv)
    assert code == 130 and asked == [repo]


def test_every_sandbox_help_names_the_sandbox_extra(capsys: pytest.CaptureFixture[str]) -> None:
    from learnlib.tasks.collection import ns
    from learnlib.tasks.program import LearnlibConfig, LearnlibProgram

    program = LearnlibProgram(namespace=ns, name="learnlib", config_class=LearnlibConfig)
    with_sandbox = [name for name in ns.task_names if "sandbox" in getattr(ns[name], "table", {})]
    assert len(with_sandbox) == 5
    for name in with_sandbox:
        program.run(["learnlib", "--help", name], exit=False)
        out = " ".join(capsys.readouterr().out.split())
        assert "learnlib[sandbox]" in out and "gh only" not in out, name


def test_sandbox_command_finds_the_gh_learnlib_runs_without_it_on_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """README's quick start runs `.venv/bin/learnlib sandbox -- gh issue view 5406` with the venv
    not activated: the gh beside the interpreter (the `gh` extra's) must answer, as it does for
    learnlib's own tasks, and PATH still wins where it has a gh."""
    from learnlib.tasks.collection import ns
    from learnlib.tasks.program import LearnlibConfig, LearnlibProgram

    venv_bin = tmp_path / "venv-bin"
    venv_bin.mkdir()
    fake = venv_bin / "gh"
    fake.write_text('#!/bin/sh\necho "the venv\'s gh: $GH_HOST $*"\n')
    fake.chmod(0o755)
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no gh on PATH
    monkeypatch.setattr("sys.executable", str(venv_bin / "python"))
    monkeypatch.setattr(sys, "argv", ["learnlib", "sandbox", "--", "gh", "issue", "view", "5406"])
    program = LearnlibProgram(namespace=ns, version="test", config_class=LearnlibConfig)

    with pytest.raises(SystemExit) as exited:
        program.run(sys.argv)
        raise SystemExit(0)

    out, err = capfd.readouterr()
    assert exited.value.code in (0, None), (out, err)
    assert out == "the venv's gh: github.localhost issue view 5406\n"


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("--dry",), "--dry (-R) is Invoke's option for shell commands"),
        (("-R",), "for a rehearsal, give the task --dry-run"),
        (("-T", "5"), "gh's timeout is the configuration's learn.gh_timeout"),
        (("--hide", "both"), "--hide is Invoke's option"),
        (("-e",), "--echo (-e) is Invoke's option"),
        (("-w",), "--warn-only (-w) is Invoke's option"),
        (("-p",), "--pty (-p) is Invoke's option"),
        (("--prompt-for-sudo-password",), "does not run"),
    ],
)
def test_invokes_shell_options_are_refused_not_ignored(
    fp: Any, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], words: str
) -> None:
    """`learnlib --dry trigger-async-learn` used to dispatch: Invoke's --dry only echoes shell
    commands, which learnlib never runs. Refused (exit 2), and no gh is run (fp holds none)."""
    code, payload, err = learnlib(capsys, *argv, "trigger-async-learn", "--issue", "5406")
    assert (code, payload["error_type"]) == (2, "invalid_option")
    assert words in payload["error"] and "Traceback" not in err
    assert len(fp.calls) == 0


def test_help_lists_no_option_learnlib_refuses(capsys: pytest.CaptureFixture[str]) -> None:
    from learnlib.tasks.collection import ns
    from learnlib.tasks.program import LearnlibConfig, LearnlibProgram

    program = LearnlibProgram(namespace=ns, version="test", config_class=LearnlibConfig)
    program.run(["learnlib", "--help"], exit=False)

    shown = capsys.readouterr().out
    assert "--config" in shown and "trigger-async-learn" in shown
    for refused in ("--dry", "--echo", "--hide", "--pty", "--warn-only", "--command-timeout"):
        assert refused not in shown
