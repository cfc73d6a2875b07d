"""Contract tests: the real gh binary against the sandbox GitHub, parsed by learnlib's adapters."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from learnlib.gh.runner import Deadline, GitHubCli, RetryPolicy
from learnlib.sandbox.seed import DEMO_REPO, demo_state
from learnlib.sandbox.server import SandboxGitHub

GH_MISSING = shutil.which("gh") is None


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
        retry=RetryPolicy(attempts=3, first_wait=0.05),
    )
