"""GitHub Actions outputs and step summaries of the trigger and of land."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learnlib.rules.failure import Failure
from learnlib.tasks import render
from learnlib.tasks.ci_outputs import output_line, write_actions_outputs, write_land_outputs
from learnlib.tasks.render import code, code_block, prose
from learnlib.usecases.land import LandResult
from learnlib.usecases.trigger import TriggerResult
from tests.unit.conftest import FakeGh, run_task

RUN_URL = "https://github.com/o/r/actions/runs/99"
DISPATCHED = TriggerResult(
    issue_number=5406,
    success=True,
    workflow="learn-async.yml",
    workflow_triggered=True,
    run_id=99,
    workflow_run_url=RUN_URL,
)
REFUSED = TriggerResult(
    issue_number=5406,
    success=False,
    workflow="learn-async.yml",
    failure=Failure("Issue is not an erk-plan", "not_a_plan", "labels: bug"),
)
HEADER_FAILED = TriggerResult(
    issue_number=5406,
    success=False,
    workflow="learn-async.yml",
    workflow_triggered=True,
    run_id=99,
    workflow_run_url=RUN_URL,
    failure=Failure(
        "Workflow dispatched, but the plan header could not be updated",
        "header_update_failed",
        "HTTP 403: Resource not accessible by integration",
    ),
)
ALREADY = TriggerResult(
    issue_number=5406,
    success=True,
    workflow="learn-async.yml",
    run_id=12,
    workflow_run_url="https://github.com/o/r/actions/runs/12",
    reason="learn_status is already pending (run 12); use --force to dispatch again",
)
DRY_RUN = TriggerResult(
    issue_number=5406,
    success=True,
    workflow="learn-async.yml",
    dry_run=True,
    diff="--- a\n+++ b\n@@ -1 +1 @@\n-learn_status: null\n+learn_status: pending\n",
)


def read_outputs(path: Path) -> dict[str, str]:
    """Parse $GITHUB_OUTPUT as the runner does: `name=value` or `name<<DELIM` ... `DELIM`."""
    values: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").split("\n"))
    for line in lines:
        if not line:
            continue
        equals, heredoc = line.find("="), line.find("<<")
        if equals >= 0 and (heredoc < 0 or equals < heredoc):
            values[line[:equals]] = line[equals + 1 :]
            continue
        name, delimiter = line[:heredoc], line[heredoc + 2 :]
        body: list[str] = []
        for value_line in lines:
            if value_line == delimiter:
                break
            body.append(value_line)
        else:
            raise AssertionError(f"delimiter {delimiter!r} of {name} never closed")
        values[name] = "\n".join(body)
    return values


def write_trigger(result: TriggerResult, tmp_path: Path) -> tuple[dict[str, str], str]:
    env = {"GITHUB_OUTPUT": str(tmp_path / "out"), "GITHUB_STEP_SUMMARY": str(tmp_path / "sum")}
    write_actions_outputs(result, env)
    return read_outputs(tmp_path / "out"), (tmp_path / "sum").read_text(encoding="utf-8")


def write_land(result: LandResult, tmp_path: Path) -> tuple[dict[str, str], str]:
    env = {"GITHUB_OUTPUT": str(tmp_path / "out"), "GITHUB_STEP_SUMMARY": str(tmp_path / "sum")}
    write_land_outputs(result, env)
    return read_outputs(tmp_path / "out"), (tmp_path / "sum").read_text(encoding="utf-8")


def landed(**changes: Any) -> LandResult:
    values: dict[str, Any] = {
        "success": True,
        "merged": True,
        "merge_method": "squash",
        "pr_number": 7,
        "plan_issue": 5406,
        "plan_issue_source": "branch",
        "learn": DISPATCHED,
    }
    return LandResult(**(values | changes))


# --------------------------------------------------------------------------- trigger


def test_a_dispatch_writes_the_run_and_links_it(tmp_path: Path) -> None:
    outputs, summary = write_trigger(DISPATCHED, tmp_path)
    assert outputs == {"run_id": "99", "workflow_run_url": RUN_URL, "workflow_triggered": "true"}
    assert f"[run 99]({RUN_URL})" in summary and "`learn-async.yml`" in summary


REDISPATCH_REASON = "learn_status is pending but its run 12 ended failure: https://x/runs/12"


def test_a_redispatch_is_told_as_a_dispatch_with_its_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from learnlib.tasks.console import Console
    from learnlib.tasks.learn import tell

    redispatched = replace(DISPATCHED, action="redispatch", reason=REDISPATCH_REASON)
    outputs, summary = write_trigger(redispatched, tmp_path)
    assert outputs["workflow_triggered"] == "true"
    assert "### Async learn dispatched for plan #5406" in summary
    assert "Nothing was dispatched" not in summary and "Why it was dispatched" in summary
    tell(redispatched, Console())
    err = capsys.readouterr().err
    assert "Nothing dispatched" not in err
    assert err.startswith("Async learn dispatched for plan #5406") and "ended failure" in err
    from learnlib.tasks.land import tell as tell_landing

    tell_landing(landed(learn=redispatched), Console())
    err = capsys.readouterr().err
    assert "not triggered" not in err and "Async learn triggered for plan #5406 (learn" in err


def test_a_dry_run_redispatch_would_dispatch(tmp_path: Path) -> None:
    would = replace(DRY_RUN, action="redispatch", reason=REDISPATCH_REASON)
    _, summary = write_trigger(would, tmp_path)
    assert "### Async learn (dry run): would dispatch for plan #5406" in summary
    assert "Nothing was dispatched:" not in summary and "would be dispatched" in summary
    nothing = replace(DRY_RUN, action="none", reason="learn_status is already pending (run 12)")
    (tmp_path / "none").mkdir()
    _, summary = write_trigger(nothing, tmp_path / "none")
    assert "nothing to dispatch for plan #5406" in summary


def test_a_refusal_summary_carries_error_type_and_detail(tmp_path: Path) -> None:
    outputs, summary = write_trigger(REFUSED, tmp_path)
    assert outputs == {"run_id": "", "workflow_run_url": "", "workflow_triggered": "false"}
    assert "Async learn failed for plan #5406" in summary
    assert "**error_type:** `not_a_plan`" in summary
    assert "**detail:** `labels: bug`" in summary


def test_a_header_failure_reports_both_the_run_and_the_failure(tmp_path: Path) -> None:
    outputs, summary = write_trigger(HEADER_FAILED, tmp_path)
    assert outputs["workflow_triggered"] == "true" and outputs["run_id"] == "99"
    assert f"[run 99]({RUN_URL})" in summary
    assert "`header_update_failed`" in summary and "Resource not accessible" in summary


def test_nothing_dispatched_says_why(tmp_path: Path) -> None:
    outputs, summary = write_trigger(ALREADY, tmp_path)
    assert outputs == {
        "run_id": "12",
        "workflow_run_url": "https://github.com/o/r/actions/runs/12",
        "workflow_triggered": "false",
    }
    assert "Nothing was dispatched: learn\\_status is already pending" in summary
    assert "Earlier run: [run 12]" in summary


def test_a_dry_run_summary_has_a_reason_and_the_diff(tmp_path: Path) -> None:
    outputs, summary = write_trigger(DRY_RUN, tmp_path)
    assert outputs["workflow_triggered"] == "false" and outputs["run_id"] == ""
    reason = re.search(r"Nothing was dispatched or edited: (.+)", summary)
    assert reason is not None and "dry run" in reason.group(1)
    assert "```diff\n--- a\n+++ b\n" in summary and "+learn_status: pending\n```" in summary


def test_a_dry_run_that_would_fail_says_so_with_the_error(tmp_path: Path) -> None:
    result = TriggerResult(**(REFUSED.__dict__ | {"dry_run": True}))
    _, summary = write_trigger(result, tmp_path)
    assert "(dry run): would fail for plan #5406" in summary and "`not_a_plan`" in summary


def test_warnings_reach_the_summary(tmp_path: Path) -> None:
    result = TriggerResult(**(DISPATCHED.__dict__ | {"warnings": ("the run <b>was</b> late",)}))
    _, summary = write_trigger(result, tmp_path)
    assert "- warning: the run \\<b\\>was\\<\\/b\\> late" in summary


def test_without_actions_variables_nothing_is_written(tmp_path: Path) -> None:
    write_actions_outputs(DISPATCHED, {})
    write_land_outputs(landed(), {})
    assert list(tmp_path.iterdir()) == []


def test_outputs_append_to_what_earlier_steps_wrote(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("earlier=1\n", encoding="utf-8")
    outputs, _ = write_trigger(DISPATCHED, tmp_path)
    assert outputs["earlier"] == "1" and outputs["run_id"] == "99"


def test_an_unwritable_file_raises_or_warns(tmp_path: Path) -> None:
    env = {"GITHUB_OUTPUT": str(tmp_path / "missing" / "out")}
    with pytest.raises(OSError):
        write_land_outputs(landed(), env)
    said: list[str] = []
    write_land_outputs(landed(), env, warn=said.append)
    assert len(said) == 1 and said[0].startswith("warning: could not write the GitHub Actions")


# --------------------------------------------------------------------------- land


def test_land_outputs_the_merge_the_plan_and_the_learn_run(tmp_path: Path) -> None:
    outputs, summary = write_land(landed(), tmp_path)
    assert outputs == {
        "merged": "true",
        "plan_issue": "5406",
        "run_id": "99",
        "workflow_run_url": RUN_URL,
        "workflow_triggered": "true",
    }
    assert summary.startswith("### Land: pull request #7 merged\n")
    assert "Plan issue #5406 (from the branch's `P<N>-` prefix)." in summary
    assert "#### Async learn dispatched for plan #5406" in summary and RUN_URL in summary


def test_land_skipped_learning_says_why(tmp_path: Path) -> None:
    result = landed(plan_issue=None, plan_issue_source=None, learn=None, learn_skipped="no plan")
    outputs, summary = write_land(result, tmp_path)
    assert outputs == {
        "merged": "true",
        "plan_issue": "",
        "run_id": "",
        "workflow_run_url": "",
        "workflow_triggered": "false",
    }
    assert "No plan issue found." in summary and "Async learn skipped: no plan" in summary


def test_land_refusal_carries_error_type_and_detail(tmp_path: Path) -> None:
    result = LandResult(
        success=False,
        merged=False,
        merge_method="squash",
        pr_number=7,
        failure=Failure(
            "Pull request #7 has merge conflicts with main",
            "pr_not_mergeable",
            "state: OPEN, mergeable: CONFLICTING",
        ),
    )
    outputs, summary = write_land(result, tmp_path)
    assert outputs["merged"] == "false" and outputs["workflow_triggered"] == "false"
    assert summary.startswith("### Land: pull request #7 was not merged")
    assert "`pr_not_mergeable`" in summary and "`state: OPEN, mergeable: CONFLICTING`" in summary


def test_land_with_a_failed_learn_keeps_the_merge_and_shows_the_failure(tmp_path: Path) -> None:
    outputs, summary = write_land(landed(learn=REFUSED), tmp_path)
    assert outputs["merged"] == "true" and outputs["workflow_triggered"] == "false"
    assert "#### Async learn failed for plan #5406" in summary and "`not_a_plan`" in summary


def test_land_dry_run_and_a_queued_merge(tmp_path: Path) -> None:
    outputs, summary = write_land(landed(merged=False, dry_run=True, learn=DRY_RUN), tmp_path)
    assert outputs["merged"] == "false"
    assert "Land (dry run): pull request #7 would be merged" in summary
    assert "Nothing was dispatched or edited: this was a dry run." in summary
    queued = landed(merged=False, learn=None, learn_skipped="the merge is queued")
    (tmp_path / "queued").mkdir()
    _, summary = write_land(queued, tmp_path / "queued")
    assert "queued to merge" in summary and "Async learn skipped: the merge is queued" in summary


# --------------------------------------------------------------------------- output lines


@pytest.mark.parametrize(
    "value",
    ["two\nlines", "ends with newline\n", "EOF\nEOF", "\n", "a=b<<c\nx"],
)
def test_multi_line_values_round_trip_through_a_random_delimiter(
    tmp_path: Path, value: str
) -> None:
    line = output_line("detail", value)
    delimiter = line.split("\n", 1)[0].removeprefix("detail<<")
    assert re.fullmatch(r"EOF_[0-9a-f]{16}", delimiter)
    (tmp_path / "out").write_text(line + output_line("next", "1"), encoding="utf-8")
    assert read_outputs(tmp_path / "out") == {"detail": value, "next": "1"}


def test_a_delimiter_found_in_the_value_is_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    draws = iter(["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"])
    monkeypatch.setattr("secrets.token_hex", lambda _: next(draws))
    line = output_line("x", "first\nEOF_aaaaaaaaaaaaaaaa\n")
    assert line.startswith("x<<EOF_bbbbbbbbbbbbbbbb\n")


def test_one_line_values_are_plain(tmp_path: Path) -> None:
    assert output_line("run_id", "99") == "run_id=99\n"


# --------------------------------------------------------------------------- escaping

HOSTILE = [
    "<script>alert(1)</script>",
    "</details><img src=x onerror=alert(1)>",
    "[click](https://evil.example) ![x](https://evil.example/x.png)",
    "| a | b |\n|---|---|",
    "# heading\n\n- list\n```\nfence",
    "**bold** _em_ ~~s~~ &amp; &#60;",
    "``` `` ` backticks `",
]


def unescaped_punctuation(rendered: str) -> list[str]:
    """Punctuation left without a backslash after taking out every escape pair."""
    return re.findall(r"[!-/:-@\[-`{-~]", re.sub(r"\\[!-/:-@\[-`{-~]", "", rendered))


@pytest.mark.parametrize("value", HOSTILE)
def test_prose_is_one_line_with_every_mark_escaped(value: str) -> None:
    rendered = prose(value)
    assert "\n" not in rendered and unescaped_punctuation(rendered) == []


@given(st.text())
def test_any_prose_is_escaped(value: str) -> None:
    rendered = prose(value)
    assert "\n" not in rendered and "\r" not in rendered
    assert unescaped_punctuation(rendered) == []


@given(st.text())
def test_a_code_span_holds_the_value_and_cannot_be_closed_early(value: str) -> None:
    rendered = code(value)
    expected = " ".join(render._clip(value, render.MAX_TEXT).split())
    if not expected:
        assert rendered == "` `"
        return
    fence = re.match(r"`+", rendered)
    assert fence is not None and rendered.endswith(fence.group(0)) and "\n" not in rendered
    inner = rendered[len(fence.group(0)) : -len(fence.group(0))]
    assert all(len(run) < len(fence.group(0)) for run in re.findall(r"`+", inner))
    pad = " " if expected.startswith("`") or expected.endswith("`") else ""
    assert inner == f"{pad}{expected}{pad}"


@given(st.text())
def test_a_code_block_cannot_be_closed_by_its_content(value: str) -> None:
    rendered = code_block(value)
    lines = rendered.split("\n")
    fence = lines[0]
    assert lines[-1] == fence and set(fence) == {"`"} and len(fence) >= 3
    for line in lines[1:-1]:
        run = re.match(r" {0,3}(`+)", line)
        assert run is None or len(run.group(1)) < len(fence)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_details_stay_inside_code(value: str, tmp_path: Path) -> None:
    result = replace(REFUSED, failure=Failure(value, "not_a_plan", value))
    _, summary = write_trigger(result, tmp_path)
    # Our own structure is intact: outside code blocks no line of user text starts markup.
    outside = re.sub(r"\n(`{3,})\n[\s\S]*?\n\1\n", "\n", summary)
    assert summary.startswith("### Async learn failed")
    assert [line for line in outside.split("\n") if line.startswith(("#", "-", "|", "<"))] == [
        "### Async learn failed for plan #5406"
    ]
    if "\n" in value:
        assert re.search(r"\n(`{3,})\n[\s\S]*\n\1\n", summary)
    else:
        assert f"**detail:** {code(value)}" in summary


def test_long_values_are_clipped() -> None:
    rendered = prose("x" * 10_000)
    assert len(rendered) < 2_100 and rendered.endswith("8000 more characters\\)")


def test_a_run_url_that_is_not_plain_is_not_made_a_link(tmp_path: Path) -> None:
    result = TriggerResult(**(DISPATCHED.__dict__ | {"workflow_run_url": "javascript:alert(1)"}))
    _, summary = write_trigger(result, tmp_path)
    assert "](javascript" not in summary and "`javascript:alert(1)`" in summary


# --------------------------------------------------------------------------- the tasks in CI


def test_the_land_task_writes_its_outputs_in_actions(
    capsys: pytest.CaptureFixture[str],
    gh_fake: FakeGh,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.unit.test_land import LandGh

    fake = LandGh(gh_fake.fp)
    fake.pr_view()
    fake.issue_view(5406)  # the check before the merge (--learn)
    fake.pr_merge()
    fake.trigger()
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "out"))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "sum"))

    code_, payload, _ = run_task(capsys, "land", "--pr", "7", "--learn")

    assert code_ == 0 and payload["merged"] is True
    assert read_outputs(tmp_path / "out") == {
        "merged": "true",
        "plan_issue": "5406",
        "run_id": "99",
        "workflow_run_url": RUN_URL,
        "workflow_triggered": "true",
    }
    assert "### Land: pull request #7 merged" in (tmp_path / "sum").read_text(encoding="utf-8")


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_the_land_task_warns_when_it_cannot_write_its_outputs(
    capsys: pytest.CaptureFixture[str],
    gh_fake: FakeGh,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.unit.test_land import LandGh

    LandGh(gh_fake.fp).pr_view(mergeable="CONFLICTING", mergeStateStatus="DIRTY")
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "missing" / "out"))

    code_, payload, err = run_task(capsys, "land", "--pr", "7")

    assert code_ == 1 and payload["error_type"] == "pr_not_mergeable"
    assert "could not write the GitHub Actions outputs" in err and "Traceback" not in err


def test_the_trigger_task_dry_run_summary_has_a_reason(
    capsys: pytest.CaptureFixture[str],
    gh_fake: FakeGh,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gh_fake.issue_view(12)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "sum"))

    code_, payload, _ = run_task(capsys, "trigger-async-learn", "--issue", "12", "--dry-run")

    assert code_ == 0 and payload["dry_run"] is True
    summary = (tmp_path / "sum").read_text(encoding="utf-8")
    assert "Nothing was dispatched or edited: this was a dry run." in summary
