"""The records the rules read and the gh adapters build: issues, runs, pull requests, dispatches.

Plain frozen data, as GitHub gave it (the adapters in learnlib.gh check and convert gh's JSON).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Issue:
    number: int
    title: str
    body: str
    labels: tuple[str, ...]
    state: str
    url: str


@dataclass(frozen=True)
class WorkflowRun:
    id: int
    url: str
    created_at: datetime
    status: str
    conclusion: str
    event: str
    display_title: str


@dataclass(frozen=True)
class PullRequest:
    number: int
    title: str
    body: str
    state: str  # OPEN | CLOSED | MERGED
    is_draft: bool
    mergeable: str  # MERGEABLE | CONFLICTING | UNKNOWN
    merge_state_status: str  # CLEAN | UNSTABLE | BLOCKED | BEHIND | DIRTY | DRAFT | UNKNOWN ...
    head_ref_name: str
    base_ref_name: str
    head_ref_oid: str
    url: str


@dataclass(frozen=True)
class Dispatch:
    """What gh said about the run a dispatch created (nothing, on gh < 2.87)."""

    run_id: int | None
    run_url: str | None


@dataclass(frozen=True)
class Artifact:
    """A workflow run's artifact; an expired one stays listed with ``expired`` true."""

    id: int
    name: str
    expired: bool
    expires_at: str | None  # ISO 8601, as GitHub gives it
