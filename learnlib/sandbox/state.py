"""In-memory state of the GitHub double: repositories, issues, workflows, runs, pull requests.

Everything here is plain data. ``SandboxState.to_json`` / ``from_json`` round-trip it through the
optional state file. Node ids (GraphQL ``id``) are derived from the repository and number, so they
survive a round trip without being stored.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any


def iso_time(epoch: float) -> str:
    """A time as GitHub writes it: ``2026-01-20T09:12:44Z``."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_now() -> str:
    return iso_time(time.time())


def epoch(stamp: str) -> float:
    """Inverse of :func:`iso_time` (also reads ``+00:00`` offsets)."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


DAY = 86400.0


def node_id(kind: str, repo: str, number: int) -> str:
    """An opaque global id such as GitHub's ``I_kwDO...``: a prefix, then base64 of the key."""
    raw = f"{kind}:{repo}#{number}".encode()
    return kind[0] + "_" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_node_id(value: str) -> tuple[str, str, int] | None:
    """Inverse of :func:`node_id`: (kind, "owner/name", number), or None if not one of ours."""
    try:
        raw = value.split("_", 1)[1]
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        kind, rest = text.split(":", 1)
        repo, number = rest.rsplit("#", 1)
        return kind, repo, int(number)
    except (IndexError, ValueError, UnicodeDecodeError):
        return None


def _labels(data: dict[str, Any]) -> dict[str, Any]:
    """An issue's or pull request's JSON fields, its labels read back into :class:`Label`."""
    return {**data, "labels": [Label(**lb) for lb in data.get("labels", [])]}


@dataclass
class Label:
    name: str
    color: str = "ededed"
    description: str = ""


@dataclass(kw_only=True)
class Authored:
    """What issues and pull requests share (keyword-only: after each one's own fields)."""

    state: str = "OPEN"  # OPEN | CLOSED, and MERGED for a pull request
    closed_at: str | None = None
    author: str = "someone"
    created_at: str = "2026-01-20T09:12:44Z"
    updated_at: str = "2026-01-20T09:12:44Z"


@dataclass
class Issue(Authored):
    number: int
    title: str
    body: str = ""
    labels: list[Label] = field(default_factory=list)
    state_reason: str | None = None  # COMPLETED | NOT_PLANNED | REOPENED


@dataclass
class Workflow:
    id: int
    name: str
    path: str  # e.g. ".github/workflows/learn-async.yml"
    yaml: str = "on: push\n"  # the file's text (served by contents/, checked on dispatch)
    state: str = "active"  # active | disabled_manually | disabled_inactivity
    created_at: str = "2025-11-03T14:20:00Z"
    updated_at: str = "2025-11-03T14:20:00Z"

    @property
    def file_name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass
class Artifact:
    """A run's artifact; it expires ``retention_days`` after its creation (listed still, then)."""

    id: int
    name: str
    created_at: str
    retention_days: int = 90
    size_in_bytes: int = 2048

    @property
    def expires_at(self) -> str:
        return iso_time(epoch(self.created_at) + self.retention_days * DAY)

    def expired(self, now: float) -> bool:
        return now >= epoch(self.created_at) + self.retention_days * DAY


@dataclass
class Run:
    id: int
    workflow_id: int
    display_title: str
    run_number: int
    event: str = "workflow_dispatch"
    status: str = "queued"  # queued | in_progress | completed | ...
    conclusion: str | None = None  # success | failure | cancelled | ... (when completed)
    head_branch: str = "main"
    head_sha: str = "0" * 40
    created_at: str = "2026-01-20T09:12:44Z"
    updated_at: str = "2026-01-20T09:12:44Z"
    actor: str = "someone"
    inputs: dict[str, Any] = field(default_factory=dict)
    visible_at: float = 0.0  # epoch seconds; hidden from listings before (see run_delay)
    start_at: float | None = None  # epoch seconds: becomes in_progress (see settle)
    finish_at: float | None = None  # epoch seconds: becomes completed with finish_conclusion
    finish_conclusion: str = "success"
    artifacts: list[Artifact] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Run:
        return cls(**{**data, "artifacts": [Artifact(**a) for a in data.get("artifacts", [])]})

    def settle(self, now: float) -> bool:
        """Move a scheduled run on to where it is at ``now`` (evaluated lazily, on every read);
        True when it changed."""
        before = (self.status, self.start_at, self.finish_at)
        if self.start_at is not None and now >= self.start_at and self.status == "queued":
            self.status, self.updated_at = "in_progress", iso_time(self.start_at)
            self.start_at = None
        if self.finish_at is not None and now >= self.finish_at:
            self.status, self.conclusion = "completed", self.finish_conclusion
            self.updated_at, self.start_at, self.finish_at = iso_time(self.finish_at), None, None
        return (self.status, self.start_at, self.finish_at) != before


@dataclass
class PullRequest(Authored):
    number: int
    title: str
    head_ref: str
    base_ref: str = "main"
    body: str = ""
    is_draft: bool = False
    mergeable: str = "MERGEABLE"  # MERGEABLE | CONFLICTING | UNKNOWN
    merge_state_status: str = "CLEAN"  # CLEAN | BLOCKED | BEHIND | DIRTY | DRAFT | UNSTABLE | ...
    merged_at: str | None = None
    head_sha: str = "1" * 40
    labels: list[Label] = field(default_factory=list)


@dataclass
class Repo:
    owner: str
    name: str
    default_branch: str = "main"
    branches: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    workflows: list[Workflow] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    pull_requests: list[PullRequest] = field(default_factory=list)
    owner_type: str = "Organization"  # or "User"
    merge_commit_allowed: bool = True
    squash_merge_allowed: bool = True
    rebase_merge_allowed: bool = True
    next_run_id: int = 21300000001

    def __post_init__(self) -> None:
        if self.default_branch not in self.branches:
            self.branches.insert(0, self.default_branch)

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def issue(self, number: int) -> Issue | None:
        return next((i for i in self.issues if i.number == number), None)

    def pull_request(self, number: int) -> PullRequest | None:
        return next((p for p in self.pull_requests if p.number == number), None)

    def workflow(self, key: str | int) -> Workflow | None:
        """Find a workflow by id or by file name, as ``GET .../actions/workflows/{id}`` does."""
        for wf in self.workflows:
            if str(key) in {str(wf.id), wf.file_name, wf.path}:
                return wf
        return None

    def run(self, run_id: int) -> Run | None:
        return next((r for r in self.runs if r.id == run_id), None)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Repo:
        return cls(
            **{
                **data,
                "issues": [Issue(**_labels(i)) for i in data.get("issues", [])],
                "workflows": [Workflow(**w) for w in data.get("workflows", [])],
                "runs": [Run.from_dict(r) for r in data.get("runs", [])],
                "pull_requests": [PullRequest(**_labels(p)) for p in data.get("pull_requests", [])],
            }
        )


@dataclass
class LearnRuns:
    """How dispatched runs move on by themselves: queued, in_progress after ``after / 2``
    seconds, completed with ``conclusion`` after ``after`` (None: they stay queued)."""

    after: float | None = None
    conclusion: str = "success"


@dataclass
class SandboxState:
    repos: list[Repo] = field(default_factory=list)
    runs: LearnRuns = field(default_factory=LearnRuns)

    def repo(self, full_name: str) -> Repo | None:
        key = full_name.lower()
        return next((r for r in self.repos if r.full_name.lower() == key), None)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> SandboxState:
        data = json.loads(text)
        repos = [Repo.from_dict(r) for r in data.get("repos", [])]
        return cls(repos, LearnRuns(**data.get("runs", {})))
