"""A workflow run's artifacts through `gh api` (the session a learn run needs)."""

from __future__ import annotations

from learnlib.gh.rest import get_json
from learnlib.gh.runner import GhBadOutput, GitHubCli, field_of
from learnlib.rules.records import Artifact


def run_artifacts(gh: GitHubCli, run_id: int) -> tuple[Artifact, ...]:
    """`gh api repos/O/R/actions/runs/ID/artifacts?per_page=100`: one request.

    Expired artifacts stay listed (``expired`` true). Raises GhNotFound on a 404 (the run is
    gone, or the server has no such endpoint) and GhRejected on a 403.
    """
    action = f"reading the artifacts of run {run_id}"
    data = get_json(gh, f"actions/runs/{run_id}/artifacts?per_page=100", action=action)
    items = field_of(data, "artifacts", list, action=action)
    return tuple(_artifact(item, action) for item in items)


def _artifact(item: object, action: str) -> Artifact:
    expires = item.get("expires_at") if isinstance(item, dict) else None
    expired = field_of(item, "expired", bool, action=action)
    if expires is not None and not isinstance(expires, str):
        raise GhBadOutput(action, "an artifact's expires_at is not text")
    return Artifact(
        id=field_of(item, "id", int, action=action),
        name=field_of(item, "name", str, action=action),
        expired=expired,
        expires_at=expires,
    )
