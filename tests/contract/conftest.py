"""Contract tests: the real gh binary against the sandbox GitHub, parsed by learnlib's adapters."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from learnlib.gh.runner import Deadline, GitHubCli
from learnlib.rules.schedule import Schedule
from learnlib.sandbox.seed import DEMO_REPO, demo_state
from learnlib.sandbox.server import SandboxGitHub
from tests.contract import github_schemas

GH_MISSING = shutil.which("gh") is None
QUERY_LOG = "LEARNLIB_SANDBOX_QUERY_LOG"
_query_report: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    """Every sandbox of the session (in this process or a child) logs the queries gh sends."""
    if getattr(config, "cache", None) is not None:
        github_schemas.CACHE_DIR = config.cache.mkdir("github-schemas")
    if QUERY_LOG not in os.environ:
        os.environ[QUERY_LOG] = str(Path(tempfile.mkdtemp(prefix="gh-queries-")) / "log.jsonl")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Validate every query gh sent during the session against GitHub's full schema.

    A query GitHub would refuse fails the run (exit status 1), whichever test sent it.
    """
    queries = github_schemas.recorded_queries(Path(os.environ[QUERY_LOG]))
    if not queries:
        return
    try:
        problems = github_schemas.invalid_queries(queries)
    except github_schemas.Unavailable as err:
        problems = [f"not checked: {err}"] if os.environ.get("CI") else []
        _query_report.append(f"skipped: {err}")
    senders = sorted({gh for versions in queries.values() for gh in versions})
    _query_report.append(
        f"{len(queries)} distinct GraphQL queries from {', '.join(senders)}; "
        f"{len(problems)} refused by GitHub's schema {'@'.join(github_schemas.GRAPHQL_SCHEMA)}"
    )
    _query_report.extend("  " + problem for problem in problems)
    if problems and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _query_report:
        verdict = " (this fails the run)" if _query_report[-1].startswith("  ") else ""
        terminalreporter.write_sep("=", f"gh's GraphQL queries against GitHub's schema{verdict}")
        for line in _query_report:
            terminalreporter.write_line(line)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.contract)
            if GH_MISSING:
                item.add_marker(
                    pytest.mark.skip(
                        reason="gh is not installed (apt-get install gh); .ci/run installs it"
                    )
                )


@pytest.fixture
def sandbox() -> Iterator[SandboxGitHub]:
    with SandboxGitHub(demo_state()) as double:
        yield double


@pytest.fixture
def gh(sandbox: SandboxGitHub, tmp_path: Path) -> GitHubCli:
    """learnlib's gh client pointed at the sandbox, with quick retries."""
    return GitHubCli(
        repo=DEMO_REPO,
        env=sandbox.gh_env(tmp_path),
        deadline=Deadline(60.0),
        retry=Schedule(first=0.05, attempts=3),
    )
