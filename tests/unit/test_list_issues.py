"""`list_issues`: the argv gh gets, and what comes back from its JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest

from learnlib.gh.issues import ISSUE_FIELDS, list_issues
from learnlib.gh.runner import GhBadOutput, GitHubCli
from learnlib.rules.records import Issue
from tests.gh_outputs import gh_json, issue_view_output

ARGV = ["gh", "issue", "list", "--label", "erk-plan", "--state", "closed", "--limit", "250"]


def listing(*numbers: int) -> str:
    items = [json.loads(issue_view_output(n, f"body {n}", state="CLOSED")) for n in numbers]
    return gh_json(items)


def test_list_issues_asks_gh_for_every_field_and_reads_each_issue(fp: Any, gh: GitHubCli) -> None:
    fp.register([*ARGV, "--json", ISSUE_FIELDS], stdout=listing(3, 2))

    issues = list_issues(gh, label="erk-plan", state="closed", limit=250)

    assert issues == [
        Issue(3, "Plan", "body 3", ("erk-plan",), "CLOSED", "https://github.com/o/r/issues/3"),
        Issue(2, "Plan", "body 2", ("erk-plan",), "CLOSED", "https://github.com/o/r/issues/2"),
    ]


def test_list_issues_passes_the_repository(fp: Any, gh: GitHubCli) -> None:
    fp.register([*ARGV, "--json", ISSUE_FIELDS, "--repo", "o/r"], stdout=listing())
    gh.repo = "o/r"
    assert list_issues(gh, label="erk-plan", state="closed", limit=250) == []


@pytest.mark.parametrize("output", ['{"number": 1}\n', '[{"number": 1}]\n'])
def test_list_issues_refuses_output_it_cannot_read(fp: Any, gh: GitHubCli, output: str) -> None:
    fp.register([*ARGV, "--json", ISSUE_FIELDS], stdout=output)
    with pytest.raises(GhBadOutput):
        list_issues(gh, label="erk-plan", state="closed", limit=250)


def test_list_issues_refuses_an_unknown_state(gh: GitHubCli) -> None:
    with pytest.raises(ValueError, match="open, closed, all"):
        list_issues(gh, label="erk-plan", state="merged", limit=5)
