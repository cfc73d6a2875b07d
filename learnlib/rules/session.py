"""Is the session a learn run needs still there? (the seed's step 3, beyond the header)

erk's implementation workflow uploads the session as the artifact `session-<session id>`, kept 30
days; the plan header keeps the run (`last_remote_impl_run_id`) and the session
(`last_remote_impl_session_id`). A plan whose session data is remote only names a run whose
artifact may have expired, or a run that no longer exists: its learn run could only fail. A local
session (`last_local_impl_session`) needs no lookup.

Pure: the use cases read the artifacts (learnlib.gh.artifacts) and hand them here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from learnlib.rules import plan_header
from learnlib.rules.records import Artifact

REMOTE_RUN = "last_remote_impl_run_id"
REMOTE_SESSION = "last_remote_impl_session_id"
LOCAL_SESSION = "last_local_impl_session"
ARTIFACT_PREFIX = "session"

Verdict = Literal["live", "expired", "missing", "run_gone", "unreadable"]
GONE: frozenset[str] = frozenset({"expired", "missing", "run_gone"})


@dataclass(frozen=True)
class SessionCheck:
    """What the artifact read found for one implementation run."""

    run_id: int
    verdict: Verdict
    detail: str

    @property
    def gone(self) -> bool:
        """The session cannot be had: a learn run for it could only fail."""
        return self.verdict in GONE


def remote_session_run(header: Mapping[str, object]) -> int | None:
    """The implementation run whose artifacts must be read, or None when none need be: a local
    session is set, or no remote run is named (the decision refuses that itself)."""
    if not plan_header.is_empty(header.get(LOCAL_SESSION)):
        return None
    value = header.get(REMOTE_RUN)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip()) or None
    return None


def artifact_name(header: Mapping[str, object]) -> str | None:
    """`session-<last_remote_impl_session_id>` when the header holds the session id."""
    session = header.get(REMOTE_SESSION)
    if plan_header.is_empty(session) or isinstance(session, (dict, list, bool)):
        return None
    return f"{ARTIFACT_PREFIX}-{str(session).strip()}"


def judge(header: Mapping[str, object], run_id: int, artifacts: Sequence[Artifact]) -> SessionCheck:
    """The verdict on a run's artifacts: a live session artifact, an expired one, or none."""
    wanted = artifact_name(header)
    if wanted is not None:
        mine = [a for a in artifacts if a.name == wanted]
        named = wanted
    else:
        mine = [a for a in artifacts if a.name.startswith(ARTIFACT_PREFIX)]
        named = f"an artifact named {ARTIFACT_PREFIX}*"
    if not mine:
        return SessionCheck(
            run_id, "missing", f"implementation run {run_id} holds no session artifact ({named})"
        )
    live = [a for a in mine if not a.expired]
    if live:
        return SessionCheck(run_id, "live", f"session artifact {live[0].name} of run {run_id}")
    newest = max(mine, key=lambda a: a.expires_at or "")
    when = f" on {newest.expires_at[:10]}" if newest.expires_at else ""
    return SessionCheck(
        run_id,
        "expired",
        f"the session artifact {newest.name} of implementation run {run_id} expired{when}",
    )


def run_gone(run_id: int) -> SessionCheck:
    return SessionCheck(run_id, "run_gone", f"implementation run {run_id} no longer exists")


def unreadable(run_id: int, why: str) -> SessionCheck:
    return SessionCheck(
        run_id,
        "unreadable",
        f"could not read the artifacts of implementation run {run_id} to check its session "
        f"({why}); dispatching anyway",
    )
