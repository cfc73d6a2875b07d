"""GitHub pull requests through gh: read one, merge one."""

from __future__ import annotations

import re

from learnlib.gh.runner import GhBadOutput, GhError, GhNotFound, GitHubCli, field_of, shorten
from learnlib.rules.records import PullRequest

PR_FIELDS = (
    "number,title,body,state,isDraft,mergeable,mergeStateStatus,"
    "headRefName,baseRefName,headRefOid,url"
)
MERGE_FLAGS = {"squash": "--squash", "merge": "--merge", "rebase": "--rebase"}

# What gh prints when the current branch has no pull request (it does not say "not found").
_NO_PR_FOR_BRANCH = "no pull requests found"


def view_pr(gh: GitHubCli, number: int | None) -> PullRequest:
    """`gh pr view [N] --json ...`; without N, the pull request of the current branch."""
    if number is None:
        action, selector = "reading the current branch's pull request", []
    else:
        action, selector = f"reading pull request #{number}", [str(number)]
    try:
        data = gh.run_json(["pr", "view", *selector, "--json", PR_FIELDS], action=action)
    except GhError as error:
        if not isinstance(error, GhNotFound) and _NO_PR_FOR_BRANCH in error.detail:
            raise GhNotFound(action, error.detail, status=error.status) from None
        raise
    return PullRequest(
        number=field_of(data, "number", int, action=action),
        title=field_of(data, "title", str, action=action),
        body=field_of(data, "body", str, action=action),
        state=field_of(data, "state", str, action=action),
        is_draft=field_of(data, "isDraft", bool, action=action),
        mergeable=field_of(data, "mergeable", str, action=action),
        merge_state_status=field_of(data, "mergeStateStatus", str, action=action),
        head_ref_name=field_of(data, "headRefName", str, action=action),
        base_ref_name=field_of(data, "baseRefName", str, action=action),
        head_ref_oid=field_of(data, "headRefOid", str, action=action),
        url=field_of(data, "url", str, action=action),
    )


def merge_pr(
    gh: GitHubCli, number: int, *, method: str, delete_branch: bool, head_oid: str
) -> None:
    """`gh pr merge N --METHOD [--delete-branch] --match-head-commit OID`, never retried here.

    A merge that failed in transit may still have happened: the caller looks before trying again.
    """
    args = ["pr", "merge", str(number), MERGE_FLAGS[method]]
    if delete_branch:
        args.append("--delete-branch")
    args += ["--match-head-commit", head_oid]
    gh.run(args, action=f"merging pull request #{number}", retry=False)


_PR_URL = re.compile(r"^https?://(?P<host>[^/]+)/(?P<owner>[^/]+)/(?P<name>[^/]+)/pull/\d+")
_HEAD_REF_QUERY = (
    "query($owner: String!, $name: String!, $number: Int!) "
    "{ repository(owner: $owner, name: $name) { pullRequest(number: $number) "
    "{ headRef { name } } } }"
)


def head_ref_exists(gh: GitHubCli, pr: PullRequest) -> bool:
    """Whether the pull request's head branch still exists (GitHub's ``headRef`` is null once
    it is deleted; in a fork it is the fork's branch)."""
    action = f"checking the head branch of pull request #{pr.number}"
    url = _PR_URL.match(pr.url)
    if url is None:
        raise GhBadOutput(action, f"the pull request's URL is not one gh gave: {shorten(pr.url)}")
    data = gh.run_json(
        [
            "api",
            "graphql",
            "--hostname",
            url["host"],
            "-f",
            f"query={_HEAD_REF_QUERY}",
            "-f",
            f"owner={url['owner']}",
            "-f",
            f"name={url['name']}",
            "-F",
            f"number={pr.number}",
        ],
        action=action,
        with_repo=False,
    )
    try:
        head = data["data"]["repository"]["pullRequest"]["headRef"]
    except (KeyError, TypeError):
        raise GhBadOutput(action, f"gh's answer has no headRef: {shorten(data)}") from None
    return head is not None
