"""``gh issue list`` against the sandbox: GitHub's pagination (100 a page), states and labels."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from learnlib.sandbox.seed import DEMO_REPO, demo_state, many_plans
from learnlib.sandbox.server import SandboxGitHub

FIELDS = "number,title,body,state,labels,url"


@pytest.fixture
def plans() -> Iterator[SandboxGitHub]:
    state = demo_state()
    many_plans(state, 200)  # closed, landed plans
    with SandboxGitHub(state) as double:
        yield double


def issue_list(sandbox: SandboxGitHub, tmp_path: Path, *args: str) -> list[dict[str, Any]]:
    done = subprocess.run(
        ["gh", "issue", "list", "--json", FIELDS, *args],
        env=sandbox.gh_env(tmp_path, DEMO_REPO),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    listed: list[dict[str, Any]] = json.loads(done.stdout)
    return listed


def _queries(sandbox: SandboxGitHub, root: str) -> int:
    return sum(1 for r in sandbox.requests if r.endpoint == "graphql" and f"{root}(" in r.body)


def test_listing_pages_by_100_newest_first(plans: SandboxGitHub, tmp_path: Path) -> None:
    listed = issue_list(plans, tmp_path, "--state", "all", "--limit", "250")
    numbers = [i["number"] for i in listed]
    assert numbers == sorted({i.number for i in plans.state.repos[0].issues}, reverse=True)
    assert len(numbers) == 211  # 200 plans, the demo's 7 issues and its 4 landed plans
    assert _queries(plans, "issues") == 3  # 100 + 100 + 11
    crlf = next(i for i in listed if i["number"] == 5411)
    assert crlf["body"] == plans.issue(5411).body
    assert crlf["url"] == f"http://github.localhost/{DEMO_REPO}/issues/5411"


def test_listing_by_state_stops_at_the_limit(plans: SandboxGitHub, tmp_path: Path) -> None:
    closed = issue_list(plans, tmp_path, "--state", "closed", "--limit", "150")
    assert [i["number"] for i in closed] == list(range(5612, 5462, -1))
    assert {i["state"] for i in closed} == {"CLOSED"}
    assert _queries(plans, "issues") == 2  # 100 + 50
    opened = issue_list(plans, tmp_path, "--limit", "30")
    assert [i["number"] for i in opened] == [5412, 5411, 5410, 5409, 5408, 5407, 5406]


def test_listing_by_label_searches_page_by_page(plans: SandboxGitHub, tmp_path: Path) -> None:
    listed = issue_list(
        plans, tmp_path, "--label", "erk-plan", "--state", "closed", "--limit", "150"
    )
    assert len({i["number"] for i in listed}) == 150
    assert all(i["state"] == "CLOSED" for i in listed)
    assert all([lb["name"] for lb in i["labels"]] == ["erk-plan"] for i in listed)
    assert _queries(plans, "search") == 2  # 100 + 50
    bugs = issue_list(plans, tmp_path, "--label", "bug", "--limit", "10")
    assert [i["number"] for i in bugs] == [5407]
