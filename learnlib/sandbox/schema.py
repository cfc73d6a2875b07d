"""The slice of GitHub's GraphQL schema that gh uses for issues, pull requests and repositories.

Values passed to resolvers: ``Repository`` gets a :class:`Repo`; ``Issue`` and ``PullRequest`` get
``(Repo, Issue)`` / ``(Repo, PullRequest)``; connections get a list of node ``Obj`` values.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable
from typing import Any

from learnlib.sandbox.core import WEB_URL, Core, MergeRecord
from learnlib.sandbox.graphql import GraphQLError, Obj, ObjectType
from learnlib.sandbox.state import (
    Issue,
    Label,
    PullRequest,
    Repo,
    decode_node_id,
    iso_now,
    node_id,
)

__all__ = ["build_schema", "roots"]

Fields = dict[str, Callable[[Any, dict[str, Any]], Any]]

_CLOSING = re.compile(r"(?i)\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+#(\d+)\b")


def roots() -> dict[str, Obj]:
    return {"query": Obj("Query"), "mutation": Obj("Mutation")}


def _const(value: Any) -> Callable[[Any, dict[str, Any]], Any]:
    return lambda _obj, _args: value


def _attr(name: str, index: int | None = None) -> Callable[[Any, dict[str, Any]], Any]:
    """Resolve an attribute of the value (or of ``value[index]`` for a (repo, item) pair)."""
    if index is None:
        return lambda obj, _args: getattr(obj, name)
    return lambda obj, _args: getattr(obj[index], name)


def _page(items: list[Any], args: dict[str, Any]) -> list[Any]:
    if args.get("first") is not None:
        return items[: int(args["first"])]
    if args.get("last") is not None:
        return items[-int(args["last"]) :] if int(args["last"]) else []
    return items


def _connection_type(node_type: str) -> ObjectType:
    """``<node_type>Connection``: its value is the (already paged) list of node values."""
    return ObjectType(
        {
            "nodes": lambda nodes, _a: [Obj(node_type, n) for n in nodes],
            "edges": lambda nodes, _a: [Obj(node_type + "Edge", n) for n in nodes],
            "totalCount": lambda nodes, _a: len(nodes),
            "pageInfo": _const(Obj("PageInfo")),
        }
    )


def _label_id(label: Label) -> str:
    return "LA_" + base64.urlsafe_b64encode(label.name.encode()).decode().rstrip("=")


def _owner(repo: Repo) -> Obj:
    return Obj(repo.owner_type, repo.owner)


def _actor(login: str) -> Obj:
    return Obj("User", login)


def _not_found(message: str) -> GraphQLError:
    return GraphQLError(message, type="NOT_FOUND")


def build_schema(core: Core) -> dict[str, ObjectType]:  # noqa: PLR0915 - one table, read top down
    """The object types, with resolvers that read and change ``core.state``."""

    # ------------------------------------------------------------------ lookups
    def repository(_root: Any, args: dict[str, Any]) -> Obj:
        full = f"{args.get('owner')}/{args.get('name')}"
        repo = core.repo(full)
        if repo is None:
            raise _not_found(f"Could not resolve to a Repository with the name '{full}'.")
        return Obj("Repository", repo)

    def issue_or_pr(repo: Repo, args: dict[str, Any]) -> Obj:
        number = int(args["number"])
        issue = repo.issue(number)
        if issue is not None:
            return Obj("Issue", (repo, issue))
        pr = repo.pull_request(number)
        if pr is not None:
            return Obj("PullRequest", (repo, pr))
        raise _not_found(
            f"Could not resolve to an issue or pull request with the number of {number}."
        )

    def issue(repo: Repo, args: dict[str, Any]) -> Obj:
        number = int(args["number"])
        found = repo.issue(number)
        if found is None:
            raise _not_found(f"Could not resolve to an Issue with the number of {number}.")
        return Obj("Issue", (repo, found))

    def pull_request(repo: Repo, args: dict[str, Any]) -> Obj:
        number = int(args["number"])
        found = repo.pull_request(number)
        if found is None:
            raise _not_found(f"Could not resolve to a PullRequest with the number of {number}.")
        return Obj("PullRequest", (repo, found))

    def pull_requests(repo: Repo, args: dict[str, Any]) -> Obj:
        prs = list(repo.pull_requests)
        if args.get("headRefName"):
            prs = [p for p in prs if p.head_ref == args["headRefName"]]
        if args.get("baseRefName"):
            prs = [p for p in prs if p.base_ref == args["baseRefName"]]
        if args.get("states"):
            prs = [p for p in prs if p.state in args["states"]]
        prs.sort(key=lambda p: (p.created_at, p.number), reverse=True)
        return Obj("PullRequestConnection", _page([(repo, p) for p in prs], args))

    def issues(repo: Repo, args: dict[str, Any]) -> Obj:
        found = list(repo.issues)
        if args.get("states"):
            found = [i for i in found if i.state in args["states"]]
        if args.get("labels"):
            found = [i for i in found if {lb.name for lb in i.labels} & set(args["labels"])]
        found.sort(key=lambda i: i.number, reverse=True)
        return Obj("IssueConnection", _page([(repo, i) for i in found], args))

    def by_node_id(value: Any) -> tuple[Repo, Issue | PullRequest]:
        decoded = decode_node_id(str(value))
        repo = core.repo(decoded[1]) if decoded else None
        item: Issue | PullRequest | None = None
        if decoded and repo is not None:
            kind, _, number = decoded
            item = repo.issue(number) if kind == "Issue" else repo.pull_request(number)
        if repo is None or item is None:
            raise _not_found(f"Could not resolve to a node with the global id of '{value}'.")
        return repo, item

    def node(_root: Any, args: dict[str, Any]) -> Obj:
        repo, item = by_node_id(args.get("id"))
        return Obj("Issue" if isinstance(item, Issue) else "PullRequest", (repo, item))

    def type_info(_root: Any, args: dict[str, Any]) -> Obj | None:
        return Obj("__Type", args["name"]) if args.get("name") in schema else None

    # ------------------------------------------------------------------ mutations
    def update_issue(_root: Any, args: dict[str, Any]) -> Obj:
        data = args.get("input") or {}
        repo, item = by_node_id(data.get("id"))
        if not isinstance(item, Issue):
            raise _not_found(f"Could not resolve to an Issue with the global id of '{data['id']}'.")
        with core.lock:
            if "title" in data and data["title"] is not None:
                item.title = data["title"]
                core.dirty = True
            if "state" in data and data["state"] is not None:
                item.state = data["state"]
                core.dirty = True
            if "body" in data and data["body"] is not None:
                core.edit_issue(repo, item, data["body"])
        return Obj("UpdateIssuePayload", (repo, item, data.get("clientMutationId")))

    def merge_pull_request(_root: Any, args: dict[str, Any]) -> Obj:
        data = args.get("input") or {}
        repo, pr = by_node_id(data.get("pullRequestId"))
        if not isinstance(pr, PullRequest):
            pr_id = data.get("pullRequestId")
            raise _not_found(f"Could not resolve to a PullRequest with the global id of '{pr_id}'.")
        method = str(data.get("mergeMethod") or "MERGE")
        with core.lock:
            _check_mergeable(repo, pr, method, data.get("expectedHeadOid"))
            now = iso_now()
            pr.state, pr.merged_at, pr.closed_at, pr.updated_at = "MERGED", now, now, now
            pr.mergeable = pr.merge_state_status = "UNKNOWN"
            core.merges.append(MergeRecord(repo.full_name, pr.number, method, time.time()))
            if pr.base_ref == repo.default_branch:
                for number in _CLOSING.findall(pr.body):
                    closed = repo.issue(int(number))
                    if closed is not None and closed.state == "OPEN":
                        closed.state, closed.state_reason = "CLOSED", "COMPLETED"
                        closed.closed_at = closed.updated_at = now
            core.dirty = True
        return Obj("MergePullRequestPayload", (repo, pr, data.get("clientMutationId")))

    # ------------------------------------------------------------------ the types
    item_common: Fields = {
        "id": lambda v, _a: node_id(type(v[1]).__name__, v[0].full_name, v[1].number),
        "number": _attr("number", 1),
        "title": _attr("title", 1),
        "body": _attr("body", 1),
        "state": _attr("state", 1),
        "closed": lambda v, _a: v[1].state != "OPEN",
        "createdAt": _attr("created_at", 1),
        "updatedAt": _attr("updated_at", 1),
        "author": lambda v, _a: _actor(v[1].author),
        "labels": lambda v, a: Obj("LabelConnection", _page(v[1].labels, a)),
        "assignees": _const(Obj("UserConnection", [])),
        "comments": _const(Obj("IssueCommentConnection", [])),
        "milestone": _const(None),
        "locked": _const(False),
        "projectCards": _const(Obj("ProjectCardConnection", [])),
        "reactionGroups": _const([]),
    }
    owner_fields: Fields = {
        "id": lambda login, _a: "O_" + base64.urlsafe_b64encode(login.encode()).decode(),
        "login": lambda login, _a: login,
        "name": lambda login, _a: login,
        "url": lambda login, _a: f"{WEB_URL}/{login}",
    }
    owner_interfaces = frozenset({"Node", "Actor", "RepositoryOwner", "UniformResourceLocatable"})
    item_interfaces = frozenset(
        {"Node", "Closable", "Comment", "Labelable", "Assignable", "UniformResourceLocatable"}
    )

    schema: dict[str, ObjectType] = {
        "Query": ObjectType(
            {
                "repository": repository,
                "node": node,
                "viewer": _const(_actor("sandbox-user")),
                "__type": type_info,
            }
        ),
        "Mutation": ObjectType(
            {"updateIssue": update_issue, "mergePullRequest": merge_pull_request}
        ),
        "Repository": ObjectType(
            {
                "id": lambda r, _a: node_id("Repository", r.full_name, 0),
                "name": _attr("name"),
                "nameWithOwner": _attr("full_name"),
                "owner": lambda r, _a: _owner(r),
                "url": lambda r, _a: f"{WEB_URL}/{r.full_name}",
                "description": _const(""),
                "hasIssuesEnabled": _const(True),
                "hasWikiEnabled": _const(False),
                "hasProjectsEnabled": _const(False),
                "viewerPermission": _const("ADMIN"),
                "defaultBranchRef": lambda r, _a: Obj("Ref", r.default_branch),
                "parent": _const(None),
                "isFork": _const(False),
                "isPrivate": _const(False),
                "isArchived": _const(False),
                "isEmpty": _const(False),
                "visibility": _const("PUBLIC"),
                "deleteBranchOnMerge": _const(False),
                "mergeCommitAllowed": _attr("merge_commit_allowed"),
                "squashMergeAllowed": _attr("squash_merge_allowed"),
                "rebaseMergeAllowed": _attr("rebase_merge_allowed"),
                "issue": issue,
                "pullRequest": pull_request,
                "issueOrPullRequest": issue_or_pr,
                "pullRequests": pull_requests,
                "issues": issues,
            },
            frozenset({"Node", "RepositoryInfo", "UniformResourceLocatable"}),
        ),
        "Ref": ObjectType(
            {
                "name": lambda name, _a: name,
                "prefix": _const("refs/heads/"),
                "id": lambda name, _a: "REF_" + name,
            }
        ),
        "User": ObjectType(owner_fields, owner_interfaces),
        "Organization": ObjectType(owner_fields, owner_interfaces),
        "Issue": ObjectType(
            {
                **item_common,
                "url": lambda v, _a: f"{WEB_URL}/{v[0].full_name}/issues/{v[1].number}",
                "stateReason": _attr("state_reason", 1),
                "closedAt": _attr("closed_at", 1),
            },
            item_interfaces,
        ),
        "PullRequest": ObjectType(
            {
                **item_common,
                "url": lambda v, _a: f"{WEB_URL}/{v[0].full_name}/pull/{v[1].number}",
                "isDraft": _attr("is_draft", 1),
                "merged": lambda v, _a: v[1].state == "MERGED",
                "mergedAt": _attr("merged_at", 1),
                "closedAt": _attr("closed_at", 1),
                "mergeable": _attr("mergeable", 1),
                "mergeStateStatus": _attr("merge_state_status", 1),
                "headRefName": _attr("head_ref", 1),
                "baseRefName": _attr("base_ref", 1),
                "headRefOid": _attr("head_sha", 1),
                "commits": lambda v, a: Obj(
                    "PullRequestCommitConnection", _page([v[1].head_sha], a)
                ),
                "isCrossRepository": _const(False),
                "maintainerCanModify": _const(False),
                "headRepositoryOwner": lambda v, _a: _owner(v[0]),
                "headRepository": lambda v, _a: Obj("Repository", v[0]),
                "isInMergeQueue": _const(False),
                "isMergeQueueEnabled": _const(False),
                "autoMergeRequest": _const(None),
                "reviewDecision": _const(None),
                "additions": _const(0),
                "deletions": _const(0),
                "changedFiles": _const(0),
                "reviewRequests": _const(Obj("ReviewRequestConnection", [])),
                "reviews": _const(Obj("PullRequestReviewConnection", [])),
            },
            item_interfaces,
        ),
        "Label": ObjectType(
            {
                "id": lambda lb, _a: _label_id(lb),
                "name": _attr("name"),
                "color": _attr("color"),
                "description": _attr("description"),
            },
            frozenset({"Node"}),
        ),
        "PageInfo": ObjectType(
            {
                "hasNextPage": _const(False),
                "hasPreviousPage": _const(False),
                "endCursor": _const(None),
                "startCursor": _const(None),
            }
        ),
        "UpdateIssuePayload": ObjectType(
            {
                "issue": lambda v, _a: Obj("Issue", (v[0], v[1])),
                "clientMutationId": lambda v, _a: v[2],
            }
        ),
        "MergePullRequestPayload": ObjectType(
            {
                "pullRequest": lambda v, _a: Obj("PullRequest", (v[0], v[1])),
                "actor": _const(_actor("sandbox-user")),
                "clientMutationId": lambda v, _a: v[2],
            }
        ),
        "__Type": ObjectType(
            {
                "name": lambda name, _a: name,
                "kind": _const("OBJECT"),
                "fields": lambda name, _a: [Obj("__Field", f) for f in schema[name].fields],
            }
        ),
        "__Field": ObjectType(
            {
                "name": lambda name, _a: name,
                "isDeprecated": _const(False),
                "deprecationReason": _const(None),
            }
        ),
    }
    schema["PullRequestCommit"] = ObjectType({"commit": lambda oid, _a: Obj("Commit", oid)})
    schema["Commit"] = ObjectType(
        {
            "oid": lambda oid, _a: oid,
            "id": lambda oid, _a: "C_" + oid,
            "statusCheckRollup": _const(None),
        },
        frozenset({"Node"}),
    )
    node_types = ["Label", "User", "IssueComment", "Issue", "PullRequest", "PullRequestCommit"]
    node_types += ["ProjectCard", "ReviewRequest", "PullRequestReview"]  # always empty here
    for node_type in node_types:
        schema[node_type + "Connection"] = _connection_type(node_type)
        schema[node_type + "Edge"] = _edge_type(node_type)
    return schema


def _edge_type(node_type: str) -> ObjectType:
    return ObjectType({"node": lambda n, _a: Obj(node_type, n), "cursor": _const("")})


def _check_mergeable(repo: Repo, pr: PullRequest, method: str, expected_oid: Any) -> None:
    """Refuse a merge the way GitHub does, with an UNPROCESSABLE GraphQL error."""

    def refuse(message: str) -> GraphQLError:
        return GraphQLError(message, type="UNPROCESSABLE")

    if pr.state == "MERGED":
        raise refuse("Pull Request is already merged")
    if pr.state == "CLOSED":
        raise refuse("Pull Request is closed")
    if pr.is_draft:
        raise refuse("Pull Request is still a draft")
    allowed = {
        "MERGE": repo.merge_commit_allowed,
        "SQUASH": repo.squash_merge_allowed,
        "REBASE": repo.rebase_merge_allowed,
    }
    if not allowed.get(method, False):
        raise refuse(f"{method.capitalize()} merges are not allowed on this repository.")
    if expected_oid and expected_oid != pr.head_sha:
        raise refuse("Head branch was modified. Review and try the merge again.")
    if pr.mergeable == "CONFLICTING" or pr.merge_state_status == "DIRTY":
        raise refuse("Pull Request is not mergeable")
    if pr.merge_state_status == "BLOCKED":
        raise refuse("Pull Request is not mergeable: required status checks have not passed")
    if pr.mergeable == "UNKNOWN":
        raise refuse("Pull Request mergeability is not yet known; try again")
