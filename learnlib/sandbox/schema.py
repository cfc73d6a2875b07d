"""The GraphQL half of the double: GitHub's own schema (a subset: github.graphql) on graphql-core.

graphql-core parses, validates and executes (fragments, variables, aliases, ``__type``
introspection); this module only resolves fields over the in-memory state. Values: ``Repository``
is a :class:`Repo`, ``Issue``/``PullRequest`` an :class:`Item`, ``User``/``Organization`` an
:class:`Owner`, ``Ref`` a branch name, ``Commit``/``PullRequestCommit`` an oid, connections a
:class:`Page`. Fields without an entry in ``_FIELDS`` read the snake_case attribute of the value.
"""

from __future__ import annotations

import base64
import functools
import re
import shlex
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any, NamedTuple

from learnlib.sandbox import SandboxUnavailable
from learnlib.sandbox.core import WEB_URL, Core, MergeRecord
from learnlib.sandbox.state import Issue, PullRequest, Repo, decode_node_id, iso_now, node_id

try:
    from graphql import (
        DocumentNode,
        FieldNode,
        GraphQLError,
        GraphQLResolveInfo,
        GraphQLSchema,
        OverlappingFieldsCanBeMergedRule,
        build_schema,
        execute_sync,
        get_named_type,
        get_operation_ast,
        is_list_type,
        is_non_null_type,
        parse,
        specified_rules,
        validate,
    )
except ImportError as missing:  # pragma: no cover - exercised where the extra is not installed
    raise SandboxUnavailable(
        "the GitHub sandbox needs graphql-core: pip install 'learnlib[sandbox]'"
    ) from missing


#: The validation rules GitHub applies. Like graphql-ruby, GitHub lets ``... on Issue { state }``
#: and ``... on PullRequest { state }`` share a response name though their enums differ (gh's
#: IssueByNumber does it), which graphql-js's OverlappingFieldsCanBeMerged refuses.
RULES = tuple(rule for rule in specified_rules if rule is not OverlappingFieldsCanBeMergedRule)

_CLOSING = re.compile(r"(?i)\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+#(\d+)\b")
_MAX_PAGE = 100
#: GitHub's search returns at most this many results a query (``issueCount`` counts them all).
SEARCH_CAP = 1000


class Item(NamedTuple):
    """An issue or a pull request, with the repository it belongs to."""

    repo: Repo
    value: Issue | PullRequest


class Owner(NamedTuple):
    login: str
    kind: str = "User"  # or "Organization"


@dataclass(frozen=True)
class Page:
    """One page of a connection; it is its own ``pageInfo`` too."""

    nodes: list[Any]
    total_count: int
    has_next_page: bool = False
    end_cursor: str | None = None
    unbounded: str = ""  # the connection's name when asked without first or last

    @property
    def page_info(self) -> Page:
        return self

    @property
    def issue_count(self) -> int:
        return self.total_count


def _error(message: str, kind: str) -> GraphQLError:
    """An error as GitHub words it; ``kind`` becomes the error's ``type`` (e.g. NOT_FOUND)."""
    return GraphQLError(message, extensions={"type": kind})


def _cursor(offset: int) -> str:
    return base64.b64encode(f"cursor:v2:{offset}".encode()).decode()


def _offset(cursor: str) -> int:
    try:
        return int(base64.b64decode(cursor).decode().removeprefix("cursor:v2:"))
    except ValueError:
        raise _error(
            f"`{cursor}` does not appear to be a valid cursor.", "INVALID_CURSOR_ARGUMENTS"
        ) from None


def _page(connection: str, items: list[Any], args: dict[str, Any], *, search: bool = False) -> Page:
    """One page of ``items`` as ``args`` (first, last, after, before) ask, with GitHub's limits.

    ``search``: as GitHub's ``search``, which takes ``last`` as the page size after ``after`` (gh
    pages its searches with ``last`` and ``after``) and reaches only the first ``SEARCH_CAP``
    results, while its count is of them all.
    """
    total = len(items)
    if search:
        items = items[:SEARCH_CAP]
    first, last, after, before = (args.get(k) for k in ("first", "last", "after", "before"))
    if first is None and last is None:  # GitHub counts, but lists nothing, without them
        return Page([], total, unbounded=connection)
    for name, size in (("first", first), ("last", last)):
        if size is not None and not 0 <= size <= _MAX_PAGE:
            raise _error(
                f"Requesting {size} records on the `{connection}` connection exceeds the "
                f"`{name}` limit of {_MAX_PAGE} records.",
                "EXCESSIVE_PAGINATION",
            )
    start = _offset(after) + 1 if after else 0
    end = min(_offset(before), len(items)) if before else len(items)
    if search:
        first, last = first if first is not None else last, None
    if first is not None:
        end = min(end, start + first)
    if last is not None:
        start = max(start, end - last)
    nodes = items[start:end]
    return Page(nodes, total, end < len(items), _cursor(end - 1) if nodes else None)


def _ordered(items: list[Item], order: dict[str, str] | None) -> list[Item]:
    """Sort as ``orderBy: IssueOrder`` does (GitHub's default: oldest first)."""
    order = order or {}
    attr = "updated_at" if order.get("field") == "UPDATED_AT" else "created_at"
    return sorted(
        items,
        key=lambda it: (getattr(it.value, attr), it.value.number),
        reverse=order.get("direction") == "DESC",
    )


def _labelled(item: Issue | PullRequest, names: list[str] | None) -> bool:
    return not names or bool({lb.name for lb in item.labels} & set(names))


# ---------------------------------------------------------------------------------- lookups


def _repository(core: Core, owner: str, name: str, **_: Any) -> Repo:
    repo = core.repo(f"{owner}/{name}")
    if repo is None:
        raise _error(
            f"Could not resolve to a Repository with the name '{owner}/{name}'.", "NOT_FOUND"
        )
    return repo


def _number(repo: Repo, number: int, *, pull_request_only: bool = False) -> Item:
    """``pullRequest`` or (an issue first) ``issueOrPullRequest`` by number."""
    value: Issue | PullRequest | None = None if pull_request_only else repo.issue(number)
    value = value or repo.pull_request(number)
    if value is None:
        what = "a PullRequest" if pull_request_only else "an issue or pull request"
        raise _error(f"Could not resolve to {what} with the number of {number}.", "NOT_FOUND")
    return Item(repo, value)


def _issue(repo: Repo, number: int) -> Item:
    """``repository.issue(number:)``: an issue, never a pull request."""
    issue = repo.issue(number)
    if issue is None:
        raise _error(f"Could not resolve to an Issue with the number of {number}.", "NOT_FOUND")
    return Item(repo, issue)


def _by_node_id(core: Core, value: str, want: type[Issue | PullRequest]) -> Item:
    decoded = decode_node_id(value)
    repo = core.repo(decoded[1]) if decoded else None
    item: Issue | PullRequest | None = None
    if decoded is not None and repo is not None:
        kind, _, number = decoded
        item = repo.issue(number) if kind == "Issue" else repo.pull_request(number)
    if repo is None or not isinstance(item, want):
        message = f"Could not resolve to a {want.__name__} with the global id of '{value}'."
        raise _error(message, "NOT_FOUND")
    return Item(repo, item)


def _issues(repo: Repo, **args: Any) -> Page:
    filters = args.get("filterBy") or {}
    for unsupported in ("assignee", "mentioned"):
        if filters.get(unsupported) is not None:
            raise _error(f"The sandbox cannot filter issues by {unsupported}.", "UNPROCESSABLE")
    states = args.get("states") or filters.get("states")
    found = [
        Item(repo, i)
        for i in repo.issues
        if (not states or i.state in states)
        and _labelled(i, args.get("labels"))
        and _labelled(i, filters.get("labels"))
        and filters.get("createdBy") in (None, i.author)
    ]
    return _page("issues", _ordered(found, args.get("orderBy")), args)


def _pull_requests(repo: Repo, **args: Any) -> Page:
    found = [
        Item(repo, p)
        for p in repo.pull_requests
        if args.get("headRefName") in (None, p.head_ref)
        and args.get("baseRefName") in (None, p.base_ref)
        and (not args.get("states") or p.state in args["states"])
        and _labelled(p, args.get("labels"))
    ]
    return _page("pullRequests", _ordered(found, args.get("orderBy")), args)


_QUALIFIER = re.compile(r"(-?)(\w+):(.*)")


def _search(core: Core, query: str, type: str, **args: Any) -> Page:
    """``search(type: ISSUE)``: the qualifiers gh writes (repo, label, state, is, type, author)."""
    if type != "ISSUE":
        raise _error(f"The sandbox answers only ISSUE searches, not {type}.", "UNPROCESSABLE")
    try:
        words = shlex.split(query)
    except ValueError as err:
        raise _error(f"The search query does not parse: {err}.", "INVALID") from None
    tests = []
    for word in words:
        qualified = _QUALIFIER.fullmatch(word)
        negate, key, value = qualified.groups() if qualified else ("", "", word)
        tests.append(_qualifier(key.lower(), value, word, negate=bool(negate)))
    found = [Item(repo, issue) for repo in core.state.repos for issue in repo.issues]
    found += [Item(repo, pr) for repo in core.state.repos for pr in repo.pull_requests]
    found = [item for item in found if all(test(item) for test in tests)]
    ordered = _ordered(found, {"field": "CREATED_AT", "direction": "DESC"})
    return _page("search", ordered, args, search=True)


def _qualifier(key: str, value: str, word: str, *, negate: bool) -> Callable[[Item], bool]:
    test = _positive(key, value, word)
    return (lambda it: not test(it)) if negate else test


def _positive(key: str, value: str, word: str) -> Callable[[Item], bool]:
    lowered = value.lower()
    kinds = {"issue": Issue, "pr": PullRequest, "pullrequest": PullRequest}
    if key == "repo":
        return lambda it: it.repo.full_name.lower() == lowered
    if key == "label":
        return lambda it: lowered in {lb.name.lower() for lb in it.value.labels}
    if key == "author":
        return lambda it: it.value.author == value
    if key == "state" or (key == "is" and lowered in {"open", "closed", "merged"}):
        return lambda it: (
            it.value.state.lower() == lowered
            or (lowered == "closed" and it.value.state == "MERGED")
        )
    if key in {"type", "is"} and lowered in kinds:
        return lambda it: isinstance(it.value, kinds[lowered])
    if key:
        raise _error(f"The sandbox does not understand the search qualifier {word!r}.", "INVALID")
    return lambda it: lowered in f"{it.value.title}\n{it.value.body}".lower()


# ---------------------------------------------------------------------------------- mutations


def _update_issue(core: Core, input: dict[str, Any]) -> dict[str, Any]:
    item = _by_node_id(core, input["id"], Issue)
    issue = item.value
    assert isinstance(issue, Issue)  # _by_node_id checked it
    with core.lock:
        for key in ("title", "state"):
            if input.get(key) is not None:
                setattr(issue, key, input[key])
                core.dirty = True
        if input.get("body") is not None:
            core.edit_issue(item.repo, issue, input["body"])
    return _mutation_id(input)


def _merge_pull_request(core: Core, input: dict[str, Any]) -> dict[str, Any]:
    item = _by_node_id(core, input["pullRequestId"], PullRequest)
    repo, pr = item.repo, item.value
    assert isinstance(pr, PullRequest)  # _by_node_id checked it
    method = input.get("mergeMethod") or "MERGE"
    with core.lock:
        _check_mergeable(repo, pr, method, input.get("expectedHeadOid"))
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
    return _mutation_id(input)


def _mutation_id(data: dict[str, Any]) -> dict[str, Any]:
    return {"clientMutationId": data.get("clientMutationId")}


def _check_mergeable(repo: Repo, pr: PullRequest, method: str, expected_oid: Any) -> None:
    """Refuse a merge the way GitHub does, with an UNPROCESSABLE GraphQL error."""
    allowed = {
        "MERGE": repo.merge_commit_allowed,
        "SQUASH": repo.squash_merge_allowed,
        "REBASE": repo.rebase_merge_allowed,
    }
    refusals = [
        (pr.state == "MERGED", "Pull Request is already merged"),
        (pr.state == "CLOSED", "Pull Request is closed"),
        (pr.is_draft, "Pull Request is still a draft"),
        (not allowed[method], f"{method.capitalize()} merges are not allowed on this repository."),
        (
            bool(expected_oid) and expected_oid != pr.head_sha,
            "Head branch was modified. Review and try the merge again.",
        ),
        (
            pr.mergeable == "CONFLICTING" or pr.merge_state_status == "DIRTY",
            "Pull Request is not mergeable",
        ),
        (
            pr.merge_state_status == "BLOCKED",
            "Pull Request is not mergeable: required status checks have not passed",
        ),
        (pr.mergeable == "UNKNOWN", "Pull Request mergeability is not yet known; try again"),
    ]
    for refused, message in refusals:
        if refused:
            raise _error(message, "UNPROCESSABLE")


# ---------------------------------------------------------------------------------- the fields


def _item_id(item: Item) -> str:
    return node_id(type(item.value).__name__, item.repo.full_name, item.value.number)


def _item_url(item: Item) -> str:
    kind = "issues" if isinstance(item.value, Issue) else "pull"
    return f"{WEB_URL}/{item.repo.full_name}/{kind}/{item.value.number}"


def _b64(prefix: str, text: str) -> str:
    return prefix + base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


_ITEM: dict[str, Callable[..., Any]] = {
    "id": lambda it, _c: _item_id(it),
    "url": lambda it, _c: _item_url(it),
    "labels": lambda it, _c, **a: _page("labels", it.value.labels, a),
    "author": lambda it, _c: Owner(it.value.author),
    "repository": lambda it, _c: it.repo,
    "stateReason": lambda it, _c, **_a: getattr(it.value, "state_reason", None),
}
_OWNER: dict[str, Callable[..., Any]] = {
    "id": lambda o, _c: _b64("O_", o.login),
    "name": lambda o, _c: o.login,
}
_FIELDS: dict[str, dict[str, Callable[..., Any]]] = {
    "Query": {
        "repository": lambda _r, core, **a: _repository(core, **a),
        "search": lambda _r, core, **a: _search(core, **a),
    },
    "Mutation": {
        "updateIssue": lambda _r, core, input: _update_issue(core, input),
        "mergePullRequest": lambda _r, core, input: _merge_pull_request(core, input),
    },
    "Repository": {
        "id": lambda r, _c: node_id("Repository", r.full_name, 0),
        "databaseId": lambda r, _c: zlib.crc32(r.full_name.encode()) % 10**9,
        "nameWithOwner": lambda r, _c: r.full_name,
        "owner": lambda r, _c: Owner(r.owner, r.owner_type),
        "sshUrl": lambda r, _c: f"git@github.localhost:{r.full_name}.git",
        "description": lambda _r, _c: "",
        "hasIssuesEnabled": lambda _r, _c: True,
        "viewerPermission": lambda _r, _c: "ADMIN",
        "defaultBranchRef": lambda r, _c: r.default_branch,
        "pullRequest": lambda r, _c, number: _number(r, number, pull_request_only=True),
        "issueOrPullRequest": lambda r, _c, number: _number(r, number),
        "issue": lambda r, _c, number: _issue(r, number),
        "issues": lambda r, _c, **a: _issues(r, **a),
        "pullRequests": lambda r, _c, **a: _pull_requests(r, **a),
        "parent": lambda _r, _c: None,
        "hasWikiEnabled": lambda _r, _c: False,
    },
    "Ref": {"name": lambda name, _c: name},
    "User": _OWNER,
    "Organization": _OWNER,
    "Issue": _ITEM,
    "PullRequest": {
        **_ITEM,
        "headRefName": lambda it, _c: it.value.head_ref,
        "headRef": lambda it, _c: (
            it.value.head_ref if it.value.head_ref in it.repo.branches else None
        ),
        "baseRefName": lambda it, _c: it.value.base_ref,
        "headRefOid": lambda it, _c: it.value.head_sha,
        "commits": lambda it, _c, **a: _page("commits", [it.value.head_sha], a),
        "headRepositoryOwner": lambda it, _c: Owner(it.repo.owner, it.repo.owner_type),
        "headRepository": lambda it, _c: it.repo,
        **{
            name: lambda _it, _c: False
            for name in ("isCrossRepository", "isInMergeQueue", "isMergeQueueEnabled")
        },
    },
    "Label": {"id": lambda lb, _c: _b64("LA_", lb.name)},
    "Commit": {"oid": lambda oid, _c: oid},
    "PullRequestCommit": {"commit": lambda oid, _c: oid},
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


_MISSING = object()
#: The blank value of a non-null type that the state does not hold (gh asks, for its own
#: output, for reactions, reviews, projects... which the sandbox never has).
_BLANKS: dict[str, Callable[[], Any]] = {
    "Int": lambda: 0,
    "Boolean": lambda: False,
    "String": lambda: "",
    "SubIssuesSummary": lambda: {"total": 0, "completed": 0, "percentCompleted": 0},
}


def _blank(info: GraphQLResolveInfo[Core]) -> Any:
    """What a field the state does not hold answers: null where GitHub allows it, else nothing
    (an empty list or connection, zero, false)."""
    kind = info.return_type
    if not is_non_null_type(kind):
        return None
    inner = kind.of_type
    name = get_named_type(inner).name
    if is_list_type(inner):
        return []
    if name.endswith("Connection"):
        return Page([], 0)
    return _BLANKS[name]()


def _resolve(source: Any, info: GraphQLResolveInfo[Core], **args: Any) -> Any:
    resolver = _FIELDS.get(info.parent_type.name, {}).get(info.field_name)
    if resolver is not None:
        return resolver(source, info.context, **args)
    if isinstance(source, dict):
        return source.get(info.field_name)
    if isinstance(source, Page) and source.unbounded and info.field_name in {"nodes", "edges"}:
        raise _error(
            f"You must provide a `first` or `last` value to properly paginate the "
            f"`{source.unbounded}` connection.",
            "MISSING_PAGINATION_BOUNDARIES",
        )
    target = source.value if isinstance(source, Item) else source
    value = getattr(target, _snake(info.field_name), _MISSING)
    return _blank(info) if value is _MISSING else value


def _resolve_type(value: Any, _info: GraphQLResolveInfo[Core], _abstract: Any) -> str:
    if isinstance(value, Item):
        return type(value.value).__name__
    assert isinstance(value, Owner)  # the other abstract types are RepositoryOwner and Actor
    return value.kind


# ---------------------------------------------------------------------------------- requests


@functools.cache
def schema() -> GraphQLSchema:
    sdl = resources.files("learnlib.sandbox").joinpath("github.graphql").read_text("utf-8")
    return build_schema(sdl)


@functools.lru_cache(maxsize=512)
def _document(query: str) -> DocumentNode | list[GraphQLError]:
    """The parsed, validated query (gh sends the same few queries again and again)."""
    try:
        document = parse(query)
    except GraphQLError as err:
        return [err]
    return validate(schema(), document, RULES) or document


def operation_info(query: str, name: str | None = None) -> tuple[str, str | None, list[str]]:
    """(kind, operation name, root field names) of a query, for routing and the records."""
    document = _document(query)
    operation = None if isinstance(document, list) else get_operation_ast(document, name)
    if operation is None:
        return "invalid", name, []
    fields = operation.selection_set.selections
    roots = [f.name.value for f in fields if isinstance(f, FieldNode)]
    return operation.operation.value, operation.name.value if operation.name else None, roots


def answer(core: Core, query: str, variables: Any, operation_name: str | None) -> dict[str, Any]:
    """Run one GraphQL request against the state; the reply as GitHub shapes it."""
    document = _document(query)
    if isinstance(document, list):
        return {"errors": [_formatted(err) for err in document]}
    result = execute_sync(
        schema(),
        document,
        context_value=core,
        variable_values=variables if isinstance(variables, dict) else None,
        operation_name=operation_name,
        field_resolver=_resolve,
        type_resolver=_resolve_type,
    )
    reply: dict[str, Any] = {} if result.data is None else {"data": result.data}
    if result.errors:
        reply["errors"] = [_formatted(err) for err in result.errors]
    return reply


def _formatted(err: GraphQLError) -> dict[str, Any]:
    """graphql-core's error in GitHub's shape: ``type`` beside the message, GitHub's wording."""
    formatted: dict[str, Any] = dict(err.formatted)
    kind = (err.extensions or {}).get("type")
    formatted.pop("extensions", None)
    if kind:
        formatted["type"] = kind
    formatted["message"] = re.sub(
        r"^Cannot query field '(\w+)' on type '(\w+)'\..*",
        r"Field '\1' doesn't exist on type '\2'",
        err.message,
    )
    return formatted
