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
