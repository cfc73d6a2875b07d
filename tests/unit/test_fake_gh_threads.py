"""The fake gh answers calls made from several threads at once, as the use cases make them.

pytest-subprocess's dispatcher is not thread-safe: it walks its registrations while another
thread's call removes a used one ("dictionary changed size during iteration"). tests/conftest.py
serializes its dispatch; this test fails without that.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

CALLS = 1000


@pytest.fixture
def eager_thread_switches() -> Iterator[None]:
    """Switch threads as often as CPython allows, so a race shows on every run."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


@pytest.mark.usefixtures("eager_thread_switches")
def test_one_shot_fakes_answer_calls_from_many_threads(fp: Any) -> None:
    for number in range(CALLS):
        fp.register(["gh", "issue", "view", str(number)], stdout=f"{number}\n")

    def call(number: int) -> str:
        argv = ["gh", "issue", "view", str(number)]
        return subprocess.run(argv, capture_output=True, text=True, check=True).stdout

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(call, range(CALLS)))

    assert answers == [f"{number}\n" for number in range(CALLS)]
    assert len(fp.calls) == CALLS
