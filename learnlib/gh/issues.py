"""GitHub issues through gh: read one, list a label's (REST pages), read and write its body."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from learnlib.gh.rest import pages
from learnlib.gh.runner import GhBadOutput, GhError, GitHubCli, field_of, shorten
from learnlib.rules.records import Issue

ISSUE_FIELDS = "number,title,body,labels,state,url"


def view_issue(gh: GitHubCli, number: int) -> Issue:
    """`gh issue view N --json number,title,body,labels,state,url`."""
    action = f"reading issue #{number}"
    data = gh.run_json(["issue", "view", str(number), "--json", ISSUE_FIELDS], action=action)
    issue = _issue(data, action)
    if issue.number != number:
        raise GhBadOutput(action, f"gh answered with issue #{issue.number}, not #{number}")
    return issue


ISSUE_STATES = ("open", "closed", "all")


def _issue(data: object, action: str) -> Issue:
    return Issue(
        number=field_of(data, "number", int, action=action),
        title=field_of(data, "title", str, action=action),
        body=field_of(data, "body", str, action=action),
        labels=_label_names(field_of(data, "labels", list, action=action), action),
        state=field_of(data, "state", str, action=action),
        url=field_of(data, "url", str, action=action),
    )


def read_issue_body(gh: GitHubCli, number: int) -> str:
    """`gh issue view N --json body`: the body as it is now (for the re-read before a write)."""
    action = f"re-reading issue #{number}"
    data = gh.run_json(["issue", "view", str(number), "--json", "body"], action=action)
    return field_of(data, "body", str, action=action)


def edit_issue_body(gh: GitHubCli, number: int, body: str) -> None:
    """`gh issue edit N --body-file -` with the body on stdin, byte for byte."""
    gh.run(
        ["issue", "edit", str(number), "--body-file", "-"],
        action=f"writing the body of issue #{number}",
        stdin=body,
    )


def _label_names(labels: list[Any], action: str) -> tuple[str, ...]:
    names = []
    for label in labels:
        if not isinstance(label, dict) or not isinstance(label.get("name"), str):
            raise GhBadOutput(action, f"gh's JSON has a label without a name: {shorten(label)}")
        names.append(label["name"])
    return tuple(names)


@dataclass(frozen=True)
class IssueListing:
    """Labelled issues, newest first, and whether that is all of them (``why`` not)."""

    issues: tuple[Issue, ...]
    complete: bool = True
    why: str | None = None
    requests: int = 0


def list_labelled_issues(
    gh: GitHubCli,
    *,
    label: str,
    state: str = "open",
    limit: int = 30,
    on_page: Callable[[Sequence[Issue]], None] | None = None,
) -> IssueListing:
    """Every issue labelled ``label`` in ``state``, bodies included, at most ``limit``.

    REST `repos/O/R/issues?labels=L&state=S&per_page=100&page=N`, newest first, one request a
    hundred items (pull requests, which this list also holds, are dropped): no search, so no
    1,000-result cap. Stops at ``limit``; a page after the first that cannot be read ends the
    listing there with ``complete`` False and ``why``. The first page's failure raises.
    ``on_page`` sees each page's issues as they arrive (a caller works on them meanwhile).
    """
    if state not in ISSUE_STATES:
        raise ValueError(f"state must be one of {', '.join(ISSUE_STATES)}, got {state!r}")
    action = f"listing {state} issues labelled {label}"
    query: dict[str, str | int] = {"labels": label, "state": state}
    found: list[Issue] = []
    reader = pages(gh, "issues", query, action=action)
    for number in itertools.count(1):
        try:
            page = next(reader)
        except GhError as error:
            if number == 1:
                raise
            why = f"page {number} of the listing could not be read: {error.detail}"
            return IssueListing(tuple(found), complete=False, why=why, requests=number)
        issues = [issue_from_rest(item, action) for item in page.items if not _is_pull(item)]
        if on_page is not None:
            on_page(issues[: max(0, limit - len(found))])
        found += issues
        if len(found) >= limit and (len(found) > limit or not page.last):
            why = f"stopped at the limit of {limit} plans; there may be more"
            return IssueListing(tuple(found[:limit]), complete=False, why=why, requests=number)
        if page.last:
            break
    return IssueListing(tuple(found), requests=number)


def _is_pull(item: object) -> bool:
    return isinstance(item, dict) and "pull_request" in item


def issue_from_rest(item: object, action: str) -> Issue:
    body = item.get("body") if isinstance(item, dict) else None
    return Issue(
        number=field_of(item, "number", int, action=action),
        title=field_of(item, "title", str, action=action),
        body=body if isinstance(body, str) else "",  # REST gives null for an empty body
        labels=_label_names(field_of(item, "labels", list, action=action), action),
        state=field_of(item, "state", str, action=action).upper(),
        url=field_of(item, "html_url", str, action=action),
    )
