"""Unit tests of the sandbox's GraphQL parser/executor and state file format (no gh needed)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from learnlib.sandbox import DEMO_REPO, SandboxGitHub, SandboxState, demo_state
from learnlib.sandbox.core import Core
from learnlib.sandbox.graphql import GraphQLError, execute, parse
from learnlib.sandbox.schema import build_schema, roots
from learnlib.sandbox.state import decode_node_id, node_id


def run(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    return execute(build_schema(Core(demo_state())), roots(), query, variables)


def test_aliases_fragments_typename_and_variables() -> None:
    query = """
    fragment names on Repository { name nameWithOwner }
    query Q($owner: String!, $repo: String = "plans", $n: Int!) {
      r: repository(owner: $owner, name: $repo) {
        ...names
        it: issueOrPullRequest(number: $n) {
          __typename
          ... on Issue { number labels(first: 1) { totalCount nodes { name } } }
          ... on PullRequest { headRefName }
        }
        owner { login ... on User { name } }
      }
    }
    """
    result = run(query, {"owner": "learnlib-demo", "n": 5406})
    assert result == {
        "data": {
            "r": {
                "name": "plans",
                "nameWithOwner": DEMO_REPO,
                "it": {
                    "__typename": "Issue",
                    "number": 5406,
                    "labels": {"totalCount": 1, "nodes": [{"name": "erk-plan"}]},
                },
                "owner": {"login": "learnlib-demo"},
            }
        }
    }


def test_not_found_is_a_typed_error_with_the_response_path() -> None:
    query = """{ repository(owner: "learnlib-demo", name: "plans") {
        issue: issueOrPullRequest(number: 1) { __typename } } }"""
    result = run(query)
    assert result["data"] == {"repository": {"issue": None}}
    assert result["errors"] == [
        {
            "message": "Could not resolve to an issue or pull request with the number of 1.",
            "path": ["repository", "issue"],
            "type": "NOT_FOUND",
        }
    ]


def test_unknown_fields_fail_the_whole_query() -> None:
    result = run('{ repository(owner: "learnlib-demo", name: "plans") { nope } }')
    assert result == {"errors": [{"message": "Field 'nope' doesn't exist on type 'Repository'"}]}


def test_literals_parse() -> None:
    doc = parse(
        'query { f(a: [1, -2.5e3, true, null, ENUM, {k: "x\\n\\u00e9"}], b: """\n  hi\n""") }'
    )
    field = doc.operation().selections[0]
    assert getattr(field, "arguments") == {  # noqa: B009 - Selection is a union
        "a": [1, -2500.0, True, None, "ENUM", {"k": "x\né"}],
        "b": "hi",
    }


def test_syntax_errors_are_reported() -> None:
    with pytest.raises(GraphQLError, match="Syntax error"):
        parse("query { repository( }")
    assert "errors" in run("query { ")


def test_state_round_trips_through_json() -> None:
    state = demo_state()
    again = SandboxState.from_json(state.to_json())
    assert again == state
    assert "\r\n" in (again.repo(DEMO_REPO) or state.repos[0]).issues[5].body


def test_node_ids_decode() -> None:
    value = node_id("Issue", DEMO_REPO, 5406)
    assert decode_node_id(value) == ("Issue", DEMO_REPO, 5406)
    assert decode_node_id("garbage") is None


def test_requests_without_a_token_get_401() -> None:
    with SandboxGitHub() as sandbox:
        request = urllib.request.Request(
            f"http://127.0.0.1:{sandbox.port}/graphql",
            data=json.dumps({"query": "{ viewer { login } }"}).encode(),
            headers={"Host": "api.github.localhost"},
        )
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=10)
        assert caught.value.code == 401
        caught.value.close()
        assert sandbox.request_count("graphql", status=401) == 1


def test_fail_next_rejects_unknown_endpoints() -> None:
    sandbox = SandboxGitHub()
    with pytest.raises(ValueError, match="unknown endpoint"):
        sandbox.fail_next("issue_veiw", 502)
    with pytest.raises(ValueError, match="HTTP error status"):
        sandbox.fail_next("issue_view", 200)
