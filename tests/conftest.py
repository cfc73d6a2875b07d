"""Fixtures for every test directory: the capabilities of the gh under test."""

from __future__ import annotations

import pytest

from tests.gh_capabilities import GhCapabilities, ProbeFailed, gh_capabilities, gh_under_test


def pytest_report_header() -> str:
    binary = gh_under_test()
    return f"gh under test: {binary or 'none (tests that need the real gh are skipped)'}"


@pytest.fixture(scope="session")
def gh_caps() -> GhCapabilities:
    """What the gh under test does (tests/gh_capabilities.py); skips when there is no gh."""
    if gh_under_test() is None:
        pytest.skip("needs the real gh (apt-get install gh, or pip install 'learnlib[gh]')")
    try:
        return gh_capabilities()
    except ProbeFailed as error:
        pytest.fail(f"could not probe the gh under test: {error}", pytrace=False)


@pytest.fixture(autouse=True)
def _own_sandbox_state(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test's `--sandbox` (in this process or a child) keeps its state in a file of its
    own, never the user's ($LEARNLIB_SANDBOX_STATE, see learnlib/sandbox/session.py)."""
    state = tmp_path_factory.mktemp("sandbox-state") / "sandbox.json"
    monkeypatch.setenv("LEARNLIB_SANDBOX_STATE", str(state))
