"""The run list adapter: argv, parsing, and gh output it must refuse."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from learnlib.gh.runner import GhBadOutput, GitHubCli
from learnlib.gh.runs import list_runs
from learnlib.rules.records import WorkflowRun
from tests.gh_outputs import run_output
from tests.unit.conftest import FakeGh


def make_run(run_id: int, created_at: datetime, title: str) -> WorkflowRun:
    return WorkflowRun(
        id=run_id,
        url=f"https://github.com/o/r/actions/runs/{run_id}",
        created_at=created_at,
        status="queued",
        conclusion="",
        event="workflow_dispatch",
        display_title=title,
    )


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_list_runs_parses_gh_output(gh: GitHubCli, gh_fake: FakeGh) -> None:
    gh_fake.run_list([run_output(3, "2026-11-24T10:00:00Z", display_title="Learn #1")])

    runs = list_runs(gh, "learn-async.yml")

    assert runs == [make_run(3, datetime(2026, 11, 24, 10, tzinfo=UTC), "Learn #1")]


@pytest.mark.parametrize(
    "stdout",
    ["not json", '{"a": 1}', '[{"databaseId": "x"}]', '[{"databaseId": 1}]'],
)
def test_list_runs_refuses_unreadable_output(gh: GitHubCli, fp: object, stdout: str) -> None:
    from learnlib.gh.runs import RUN_FIELDS

    fp.register(  # type: ignore[attr-defined]
        ["gh", "run", "list", "--workflow", "w.yml", "--json", RUN_FIELDS, "--limit", "20"],
        stdout=stdout,
    )
    with pytest.raises(GhBadOutput):
        list_runs(gh, "w.yml")


def test_view_run_reads_one_run(gh: GitHubCli, fp: object) -> None:
    from learnlib.gh.runs import RUN_FIELDS, view_run
    from tests.gh_outputs import gh_json

    out = run_output(
        8,
        "2026-11-24T10:00:00Z",
        display_title="Learn #1",
        status="completed",
        conclusion="success",
    )
    fp.register(["gh", "run", "view", "8", "--json", RUN_FIELDS], stdout=gh_json(out))  # type: ignore[attr-defined]

    run = view_run(gh, 8)

    assert (run.id, run.status, run.conclusion) == (8, "completed", "success")


def test_view_run_refuses_another_runs_answer(gh: GitHubCli, fp: object) -> None:
    from learnlib.gh.runs import RUN_FIELDS, view_run
    from tests.gh_outputs import gh_json

    out = run_output(9, "2026-11-24T10:00:00Z")
    fp.register(["gh", "run", "view", "8", "--json", RUN_FIELDS], stdout=gh_json(out))  # type: ignore[attr-defined]
    with pytest.raises(GhBadOutput):
        view_run(gh, 8)
