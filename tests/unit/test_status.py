"""learn-status: one listing, the trigger's own decision per plan, JSON, table and Markdown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from learnlib.gh.issues import ISSUE_FIELDS
from learnlib.gh.runner import GitHubCli
from learnlib.rules.decision import decide
from learnlib.rules.failure import Failure
from learnlib.rules.records import WorkflowRun
from learnlib.tasks.render import cell, printable, status_markdown, status_table
from learnlib.usecases.status import read_plan_listing, survey_plans
from tests.gh_outputs import issue_view_output
from tests.unit.conftest import run_task
from tests.unit.status_fakes import (
    ISSUES,
    RUNS,
    body,
    listed_issue,
    mixed_plans,
    register_listing,
)


def report(fp: Any, gh: GitHubCli, **kwargs: Any) -> Any:
    return survey_plans(
        gh, label="erk-plan", workflow="learn-async.yml", state="closed", limit=500, **kwargs
    )


def test_each_plan_gets_the_decisions_action_from_one_listing(fp: Any, gh: GitHubCli) -> None:
    issues, runs = mixed_plans()
    register_listing(fp, issues, runs)

    result = report(fp, gh)

    assert [(p.issue_number, p.action) for p in result.plans] == [
        (1, "dispatch"),
        (2, "redispatch"),
        (3, "none"),
        (4, "none"),
        (5, "refuse"),
        (6, "none"),
    ]
    assert dict(result.counts) == {"dispatch": 1, "redispatch": 1, "none": 3, "refuse": 1}
    assert len(fp.calls) == 2  # no request per plan
    by_number = {p.issue_number: p for p in result.plans}
    assert by_number[2].run is not None and by_number[2].run.conclusion == "failure"
    assert by_number[4].run is not None and by_number[4].run.status == "in_progress"
    assert (by_number[6].learn_status, by_number[6].learn_run_id) == ("pending", "906")
    assert by_number[5].decision.error_type == "no_session_data"


def test_status_agrees_with_decide_on_the_same_listing(fp: Any, gh: GitHubCli) -> None:
    issues, runs = mixed_plans()
    register_listing(fp, issues, runs, occurrences=2)
    listing = read_plan_listing(
        gh, label="erk-plan", workflow="learn-async.yml", state="closed", limit=500
    )
    result = report(fp, gh)
    for plan, issue in zip(result.plans, listing.issues, strict=True):
        expected = decide(
            issue,
            listing.runs_for(issue),
            label="erk-plan",
            complete=listing.runs_complete,
            gone=listing.gone,
        )
        assert plan.decision == expected


def test_issue_asked_for_outside_the_listing_is_read_on_its_own(fp: Any, gh: GitHubCli) -> None:
    issues, runs = mixed_plans()
    register_listing(fp, issues, runs)
    fp.register(
        ["gh", "issue", "view", "77", "--json", ISSUE_FIELDS],
        stdout=issue_view_output(77, body(), labels=("bug",)),
    )
    fp.register(
        ["gh", "issue", "view", "78", "--json", ISSUE_FIELDS],
        stderr="GraphQL: Could not resolve to an issue or pull request with the number of 78.",
        returncode=1,
    )

    result = report(fp, gh, issues=[3, 77, 78, 3])

    assert [(p.issue_number, p.action, p.decision.error_type) for p in result.plans] == [
        (3, "none", None),
        (77, "refuse", "not_a_plan"),
        (78, "refuse", "issue_not_found"),
    ]


def test_task_prints_one_json_object_with_the_contract_shape(
    fp: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    issues, runs = mixed_plans()
    register_listing(fp, issues, runs, state="all", limit=7)

    code, payload, _ = run_task(capsys, "learn-status", "--state", "all", "--limit", "7")

    assert code == 0 and payload["success"] is True
    assert payload["counts"] == {"dispatch": 1, "redispatch": 1, "none": 3, "refuse": 1}
    first, second = payload["plans"][:2]
    assert set(first) == {
        "issue_number",
        "title",
        "state",
        "learn_status",
        "learn_run_id",
        "run",
        "action",
        "reason",
    }
    assert (first["run"], first["learn_status"], first["action"]) == (None, None, "dispatch")
    assert second["run"] == {
        "id": 902,
        "status": "completed",
        "conclusion": "failure",
        "url": "https://github.com/o/r/actions/runs/902",
    }
    assert "902" in second["reason"] and "failure" in second["reason"]


def test_task_writes_the_table_to_the_step_summary_escaped(
    fp: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    register_listing(
        fp, [listed_issue(1, body(), title="a | b <img src=x> *bold*")], [], state="open"
    )

    code, payload, _ = run_task(capsys, "learn-status")

    assert code == 0 and payload["plans"][0]["title"] == "a | b <img src=x> *bold*"
    text = summary.read_text()
    assert r"a \| b \<img src=x\> \*bold\*" in text
    row = next(line for line in text.splitlines() if line.startswith("| #1 "))
    assert row.count(" | ") == 5  # six cells: the title's pipe did not make a seventh
    assert "1 plan: 1 dispatch" in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--state", "merged"], "--state must be one of open, closed, all"),
        (["--limit", "0"], "--limit must be a positive integer"),
        (["--issue", "x"], "--issue must be a positive integer"),
    ],
)
def test_bad_options_are_usage_errors_and_ask_gh_nothing(
    fp: Any, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, payload, _err = run_task(capsys, "learn-status", *argv)
    assert (code, payload["error_type"]) == (2, "invalid_option")
    assert message in payload["error"]
    assert len(fp.calls) == 0


def test_a_failed_listing_is_one_json_error(fp: Any, capsys: pytest.CaptureFixture[str]) -> None:
    fp.register(
        ["gh", "api", ISSUES.format(state="open", page=1)],
        stderr="HTTP 403: Resource not accessible by integration",
        returncode=1,
    )
    fp.register(["gh", "api", RUNS], stdout='{"total_count": 0, "workflow_runs": []}\n')

    code, payload, err = run_task(capsys, "learn-status")

    assert (code, payload["success"], payload["error_type"]) == (1, False, "gh_rejected")
    assert "Traceback" not in err


def test_table_is_aligned_with_a_count_line(fp: Any, gh: GitHubCli) -> None:
    issues, runs = mixed_plans()
    register_listing(fp, issues, runs)
    text = status_table(report(fp, gh))
    lines = text.splitlines()
    assert lines[0].startswith("ISSUE")
    column = lines[0].index("ACTION")
    assert all(
        line[column:].split()[0] in {"ACTION", "dispatch", "redispatch", "none", "refuse"}
        for line in lines[1:-1]
    )
    assert "https://github.com/o/r/actions/runs/904" in text
    assert lines[-1] == "6 plans: 1 dispatch, 1 redispatch, 3 none, 1 refuse"
    assert "### Async learn" in status_markdown(report_again(fp, gh))


def report_again(fp: Any, gh: GitHubCli) -> Any:
    issues, runs = mixed_plans()
    register_listing(fp, issues, runs)
    return report(fp, gh)


def test_user_text_cannot_move_the_terminal_or_break_markdown() -> None:
    assert printable("evil\x1b[2J\nline\u202e") == "evil?[2J?line?"
    assert cell("[x](javascript:alert(1))") == r"\[x\]\(javascript:alert\(1\)\)"


def test_run_shown_is_the_one_the_header_names(fp: Any, gh: GitHubCli) -> None:
    register_listing(
        fp,
        [listed_issue(9, body("completed_with_plan", "990"))],
        [
            {**listed_run(991, 9)},
            {**listed_run(990, 9)},
        ],
    )
    plan = report(fp, gh).plans[0]
    assert isinstance(plan.run, WorkflowRun) and plan.run.id == 990


def listed_run(run_id: int, number: int) -> Any:
    from tests.unit.status_fakes import learn_run

    return learn_run(run_id, number, conclusion="success")


def test_an_issue_read_failing_is_mapped_as_the_trigger_maps_it(fp: Any, gh: GitHubCli) -> None:
    # one mapping for every read (learnlib.usecases.failures): the same error types as the trigger
    issues, runs = mixed_plans()
    register_listing(fp, issues, runs)
    answers = {
        80: "GraphQL: Could not resolve to a Repository with the name 'o/r'. (repository)",
        81: "HTTP 403: Resource not accessible by integration (https://api.github.com/graphql)",
    }
    for number, stderr in answers.items():
        fp.register(
            ["gh", "issue", "view", str(number), "--json", ISSUE_FIELDS],
            stderr=stderr,
            returncode=1,
        )

    result = report(fp, gh, issues=[80, 81])

    assert [(p.issue_number, p.failure) for p in result.plans] == [
        (80, Failure("Repository not found", "repo_not_found", answers[80])),
        (81, Failure("Failed to read issue #81", "gh_rejected", answers[81])),
    ]
