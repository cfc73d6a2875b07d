"""REST reads through `gh api`: the repository in the path, one page a request.

`gh api` takes no --repo: the repository goes into the path (a HOST/ prefix becomes --hostname),
or gh fills `{owner}/{repo}` from GH_REPO or the git remote. Lists are read a page at a time with
`page=N` rather than `gh api --paginate`, so that a listing can stop where its caller has enough
(a limit, the oldest run it needs) and a page that fails after others were read leaves those
others usable (gh 2.23 has no `--slurp`, and a failed `--paginate` loses what it printed).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from learnlib.gh.runner import GhBadOutput, GitHubCli

PER_PAGE = 100  # GitHub's largest page


def api_args(gh: GitHubCli, endpoint: str) -> list[str]:
    """`api [--hostname HOST] repos/OWNER/NAME/ENDPOINT` for the client's repository."""
    args = ["api"]
    repo = gh.target_repo()
    path = "{owner}/{repo}"
    if repo:
        parts = repo.split("/")
        path = "/".join(parts[-2:])
        if len(parts) == 3:
            args += ["--hostname", parts[0]]
    return [*args, f"repos/{path}/{endpoint}"]


def get_json(gh: GitHubCli, endpoint: str, *, action: str) -> Any:
    """One GET of ``endpoint`` (under repos/OWNER/NAME/), decoded."""
    return gh.run_json(api_args(gh, endpoint), action=action, with_repo=False)


def with_query(path: str, query: dict[str, str | int]) -> str:
    return f"{path}?{urlencode(query)}"


@dataclass(frozen=True)
class Page:
    """One page of a REST list: its items, and whether it was the last one."""

    number: int
    items: tuple[Any, ...]
    last: bool
    total_count: int | None = None


def pages(
    gh: GitHubCli,
    path: str,
    query: dict[str, str | int],
    *,
    action: str,
    key: str | None = None,
    per_page: int = PER_PAGE,
    first: int = 1,
) -> Iterator[Page]:
    """Read ``path`` page by page from page ``first``, ``per_page`` items a request.

    ``key`` names the list in an object answer (`workflow_runs`, `artifacts`); None: the answer
    is the list itself (issues). The last page is the one with fewer than ``per_page`` items, or
    the one that reaches ``total_count`` when the answer has it. A page that cannot be read
    raises; the pages before it were already yielded.
    """
    number = first
    while True:
        endpoint = with_query(path, {**query, "per_page": per_page, "page": number})
        data = get_json(gh, endpoint, action=f"{action} (page {number})")
        items, total = _page_items(data, key, action)
        last = len(items) < per_page or (total is not None and number * per_page >= total)
        yield Page(number, tuple(items), last, total)
        if last:
            return
        number += 1


def _page_items(data: Any, key: str | None, action: str) -> tuple[list[Any], int | None]:
    if key is None:
        if not isinstance(data, list):
            raise GhBadOutput(action, "the API did not answer with a list")
        return data, None
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise GhBadOutput(action, f"the API's answer has no list {key!r}")
    total = data.get("total_count")
    if not isinstance(total, int) or isinstance(total, bool):
        total = None
    return data[key], total
