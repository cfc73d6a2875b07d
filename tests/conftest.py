"""Fixtures for every test directory: the capabilities of the gh under test."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from pytest_subprocess.process_dispatcher import ProcessDispatcher

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


# pytest-subprocess's dispatcher is not thread-safe: one thread walks the registrations while
# another's call removes a used one ("dictionary changed size during iteration"), and the use cases
# call gh from several threads. Its dispatch (the match, the bookkeeping and the fake's creation)
# runs under one lock; what the fake then does (stdin, stdout, callbacks) runs outside it.
_DISPATCH_LOCK = threading.RLock()
_dispatch = ProcessDispatcher.dispatch.__func__  # type: ignore[attr-defined]


def _serialized_dispatch(cls: type[ProcessDispatcher], command: Any, **kwargs: Any) -> Any:
    with _DISPATCH_LOCK:
        return _dispatch(cls, command, **kwargs)


ProcessDispatcher.dispatch = classmethod(_serialized_dispatch)  # type: ignore[method-assign,assignment,arg-type]
