"""learn-backlog: which plans it triggers, how a rate limit is met, what it prints."""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass, field
from typing import Any

import pytest

from learnlib.gh.runner import GitHubCli
from learnlib.rules.failure import Failure
from learnlib.usecases import backlog
from learnlib.usecases.backlog import BacklogOptions, Tick, is_rate_limited, work_backlog
from learnlib.usecases.plan_io import SideReads
from learnlib.usecases.trigger import LearnOptions, TriggerResult
from tests.gh_outputs import gh_json
from tests.unit.conftest import LEARN_WORKFLOW, may_not_be_called, run_task
from tests.unit.status_fakes import body, listed_issue, mixed_plans, register_listing

LIMITED = (
    "could not create workflow dispatch event: HTTP 403: You have exceeded a secondary rate "
    "limit. Please wait a few minutes before you try again."
)


@dataclass
class FakeClock:
    t: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> float:
        with self.lock:
            return self.t

    def wait(self, seconds: float, stop: threading.Event) -> None:
        with self.lock:
            self.t += seconds


@dataclass
class FakeTrigger:
    """Stands in for trigger_plan (tested on its own); GitHub limits the first N tries."""

    limited: int = 0
    failing: frozenset[int] = frozenset()
    recording: frozenset[int] = frozenset()  # a run in progress: the header records it
    calls: list[tuple[int, LearnOptions]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(
        self,
        gh: GitHubCli,
        number: int,
        options: LearnOptions,
        progress: Any = None,
        *,
        reads: SideReads | None = None,
    ) -> TriggerResult:
        assert reads is not None  # the listing and workflow check are read once, not a plan
        with self.lock:
            self.calls.append((number, options))
            limited = self.limited > 0
            self.limited -= 1
        if limited:
            return TriggerResult(
                number,
                False,
                options.workflow,
                failure=Failure("Failed to dispatch workflow", "dispatch_failed", LIMITED),
            )
        if number in self.recording:
            return TriggerResult(number, True, options.workflow, reason="run recorded")
        if number in self.failing:
            return TriggerResult(
                number,
                False,
                options.workflow,
                failure=Failure("Issue not found", "issue_not_found", "gone"),
            )
        return TriggerResult(
            number,
            True,
            options.workflow,
            workflow_triggered=True,
            run_id=1000 + number,
            workflow_run_url=f"https://github.com/o/r/actions/runs/{1000 + number}",
        )


@pytest.fixture
def trigger(monkeypatch: pytest.MonkeyPatch, fp: Any) -> FakeTrigger:
    repo_view = ["gh", "repo", "view", "--json", "defaultBranchRef"]
    # the default branch: looked up once for the whole backlog, not at all on a dry run
    fp.register(repo_view, stdout=gh_json({"defaultBranchRef": {"name": "trunk"}}))
    may_not_be_called(fp, repo_view)
    workflow_file = ["gh", "api", fp.any(min=1, max=1)]  # the workflow's check, once too
    content = base64.b64encode(LEARN_WORKFLOW.encode("utf-8")).decode("ascii")
    fp.register(workflow_file, stdout=gh_json({"encoding": "base64", "content": content}))
    may_not_be_called(fp, workflow_file)
    fake = FakeTrigger()
    monkeypatch.setattr(backlog, "trigger_plan", fake)
    return fake


def options(**kwargs: Any) -> BacklogOptions:
    return BacklogOptions(learn=LearnOptions(), rate=None, backoff=60, **kwargs)


def test_only_plans_to_dispatch_or_redispatch_are_triggered_oldest_first(
    fp: Any, gh: GitHubCli, trigger: FakeTrigger
) -> None:
    issues, runs = mixed_plans()
    register_listing(fp, issues, runs)
    trigger.recording = frozenset({4})

    result = work_backlog(gh, options(concurrency=1))

    # #4's run in progress is not in its header: the trigger records it (no dispatch) first.
    assert [number for number, _ in trigger.calls] == [4, 2, 1]  # then oldest first
    assert sorted(result.dispatched) == [1, 2] and result.success
    assert result.skipped == {
        "pending": 1,
        "no_session_data": 1,
        "run_recorded": 1,
        "already_learned": 1,
    }
    assert result.plans_listed == 6
    learn = trigger.calls[0][1]
    assert (learn.dispatch_attempts, learn.force, learn.dry_run) == (1, False, False)
    assert {options.ref for _, options in trigger.calls} == {"trunk"}


def test_dry_run_lists_what_it_would_dispatch_and_triggers_nothing(
    fp: Any, gh: GitHubCli, trigger: FakeTrigger
) -> None:
    issues, runs = mixed_plans()
    register_listing(fp, issues, runs)

    result = work_backlog(gh, options(dry_run=True))

    assert (result.planned, result.dispatched, trigger.calls) == ((2, 1), (), [])


def test_max_dispatches_caps_the_run(fp: Any, gh: GitHubCli, trigger: FakeTrigger) -> None:
    register_listing(fp, [listed_issue(n, body()) for n in range(10, 0, -1)], [])

    result = work_backlog(gh, options(max_dispatches=3))

    assert sorted(result.dispatched) == [1, 2, 3]
    assert result.skipped == {"max_dispatches": 7}


def test_a_rate_limit_pauses_and_retries_and_dispatches_each_plan_once(
    fp: Any, gh: GitHubCli, trigger: FakeTrigger
) -> None:
    register_listing(fp, [listed_issue(n, body()) for n in range(5, 0, -1)], [])
    trigger.limited = 2
    clock = FakeClock()
    ticks: list[Tick] = []

    result = work_backlog(gh, options(concurrency=1), clock=clock, progress=ticks.append)

    assert [n for n, _ in trigger.calls] == [1, 1, 1, 2, 3, 4, 5]
    assert sorted(result.dispatched) == [1, 2, 3, 4, 5] and result.success
    assert clock.t == 60 + 120  # one pause, then a doubled one
    assert any("rate limit" in (t.message or "") for t in ticks)
    assert any(t.waiting > 0 for t in ticks)
    assert ticks[-1].done == 5 and ticks[-1].dispatched == 5


def test_a_plan_limited_every_time_is_a_failure_in_the_end(
    fp: Any, gh: GitHubCli, trigger: FakeTrigger
) -> None:
    register_listing(fp, [listed_issue(1, body())], [])
    trigger.limited = 99

    result = work_backlog(gh, options(rate_limit_attempts=3), clock=FakeClock())

    assert len(trigger.calls) == 3
    assert [f.error_type for f in result.failed] == ["dispatch_failed"]
    assert not result.success and result.dispatched == ()


def test_rate_limit_is_recognised_by_its_words_and_429() -> None:
    def failed(detail: str) -> TriggerResult:
        return TriggerResult(1, False, "w", failure=Failure("x", "dispatch_failed", detail))

    assert is_rate_limited(failed(LIMITED))
    assert is_rate_limited(failed("HTTP 429: Too Many Requests (https://api.github.com/...)"))
    assert not is_rate_limited(failed("HTTP 422: Unexpected inputs provided"))
    assert not is_rate_limited(TriggerResult(1, True, "w", reason="rate limit in a title"))


def test_task_prints_the_contract_json_and_exits_1_when_a_plan_failed(
    fp: Any, capsys: pytest.CaptureFixture[str], trigger: FakeTrigger
) -> None:
    register_listing(fp, [listed_issue(n, body()) for n in (3, 2, 1)], [])
    trigger.failing = frozenset({2})

    code, payload, err = run_task(capsys, "learn-backlog", "--rate", "0")

    assert code == 1 and payload["success"] is False
    assert set(payload) == {
        "success",
        "plans_listed",
        "dispatched",
        "skipped",
        "failed",
        "results",
        "complete",
    }
    assert payload["complete"] is True
    assert sorted(payload["dispatched"]) == [1, 3]
    assert payload["failed"] == [
        {"issue_number": 2, "error_type": "issue_not_found", "detail": "gone"}
    ]
    assert len(payload["results"]) == 3 and payload["plans_listed"] == 3
    assert "[3/3]" in err and "3 plans listed" in err


def test_task_dry_run_writes_nothing(
    fp: Any, capsys: pytest.CaptureFixture[str], trigger: FakeTrigger
) -> None:
    issues, runs = mixed_plans()
    register_listing(fp, issues, runs, state="all")

    code, payload, _ = run_task(capsys, "learn-backlog", "--state", "all", "--dry-run")

    assert (code, payload["dry_run"], payload["would_dispatch"]) == (0, True, [2, 1])
    assert trigger.calls == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--rate", "-1"], "--rate must be a number"),
        (["--rate", "nan"], "--rate must be a number"),
        (["--concurrency", "0"], "--concurrency must be a positive integer"),
        (["--max-dispatches", "two"], "--max-dispatches must be a positive integer"),
        (["--state", "merged"], "--state must be one of"),
    ],
)
def test_bad_options_are_usage_errors_and_ask_gh_nothing(
    fp: Any, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, payload, _ = run_task(capsys, "learn-backlog", *argv)
    assert (code, payload["error_type"]) == (2, "invalid_option")
    assert message in payload["error"]
    assert len(fp.calls) == 0
