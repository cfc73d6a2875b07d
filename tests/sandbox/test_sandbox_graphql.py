"""The sandbox's GraphQL side (graphql-core over github.graphql) and its state file (no gh)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from learnlib.sandbox.core import Core
from learnlib.sandbox.schema import answer
from learnlib.sandbox.seed import DEMO_REPO, demo_state, many_plans
from learnlib.sandbox.server import SandboxGitHub
from learnlib.sandbox.state import SandboxState, decode_node_id, node_id

ROOT = Path(__file__).resolve().parents[2]
REPO_ARGS = {"owner": "learnlib-demo", "repo": "plans"}


def run(query: str, variables: dict[str, Any] | None = None, core: Core | None = None) -> Any:
    return answer(core or Core(demo_state()), query, variables, None)


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
    assert run(query, {"owner": "learnlib-demo", "n": 5406}) == {
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


def test_issue_and_pull_request_fields_share_names_as_github_allows() -> None:
    query = """query($n: Int!) { repository(owner: "learnlib-demo", name: "plans") {
        issue: issueOrPullRequest(number: $n) {
          ... on Issue { state url } ... on PullRequest { state url } } } }"""
    assert run(query, {"n": 7})["data"]["repository"]["issue"] == {
        "state": "OPEN",
        "url": "http://github.localhost/learnlib-demo/plans/pull/7",
    }


def test_not_found_is_a_typed_error_with_the_response_path() -> None:
    query = """{ repository(owner: "learnlib-demo", name: "plans") {
        issue: issueOrPullRequest(number: 1) { __typename } } }"""
    result = run(query)
    assert result["data"] == {"repository": {"issue": None}}
    assert result["errors"] == [
        {
            "message": "Could not resolve to an issue or pull request with the number of 1.",
            "locations": [{"line": 2, "column": 9}],
            "path": ["repository", "issue"],
            "type": "NOT_FOUND",
        }
    ]


def test_unknown_fields_and_bad_syntax_fail_the_whole_query() -> None:
    result = run('{ repository(owner: "learnlib-demo", name: "plans") { nope } }')
    assert [e["message"] for e in result["errors"]] == [
        "Field 'nope' doesn't exist on type 'Repository'"
    ]
    assert "data" not in result
    assert run("query { repository( }")["errors"][0]["message"].startswith("Syntax Error")


def test_type_introspection_answers_from_the_sdl() -> None:
    result = run(
        '{ PullRequest: __type(name: "PullRequest") { fields(includeDeprecated: true) { name } }'
        ' WorkflowRun: __type(name: "WorkflowRun") { name }'
        ' Discussion: __type(name: "Discussion") { name }'
        ' SearchType: __type(name: "SearchType") { enumValues(includeDeprecated: true) { name } } }'
    )["data"]
    assert {"isInMergeQueue", "headRefOid", "mergeStateStatus"} <= {
        f["name"] for f in result["PullRequest"]["fields"]
    }
    assert result["WorkflowRun"] == {"name": "WorkflowRun"}  # gh pr view asks for it
    assert result["Discussion"] is None  # not in the SDL
    assert [v["name"] for v in result["SearchType"]["enumValues"]] == [
        "DISCUSSION",
        "ISSUE",
        "REPOSITORY",
        "USER",
    ]


ISSUE_LIST = """query($owner: String!, $repo: String!, $limit: Int, $after: String,
    $states: [IssueState!], $labels: [String!]) {
  repository(owner: $owner, name: $repo) {
    issues(first: $limit, after: $after, states: $states, labels: $labels,
           orderBy: {field: CREATED_AT, direction: DESC}) {
      totalCount nodes { number state } pageInfo { hasNextPage endCursor } } } }"""


def test_issues_page_by_at_most_100_newest_first() -> None:
    core = Core(demo_state())
    added = many_plans(core.state, 250)
    numbers: list[int] = []
    after = None
    for _ in range(3):
        variables = {**REPO_ARGS, "limit": 100, "after": after, "states": ["CLOSED"]}
        issues = run(ISSUE_LIST, variables, core)["data"]["repository"]["issues"]
        assert issues["totalCount"] == 254  # and the demo's landed plans 5401..5404
        numbers += [n["number"] for n in issues["nodes"]]
        after = issues["pageInfo"]["endCursor"]
    assert issues["pageInfo"]["hasNextPage"] is False
    assert numbers == [*sorted((i.number for i in added), reverse=True), 5404, 5403, 5402, 5401]
    assert {i.state for i in added} == {"CLOSED"}


def test_issues_filter_by_state_and_label() -> None:
    variables = {**REPO_ARGS, "limit": 50, "states": ["OPEN"], "labels": ["bug"]}
    issues = run(ISSUE_LIST, variables)["data"]["repository"]["issues"]
    assert issues == {
        "totalCount": 1,
        "nodes": [{"number": 5407, "state": "OPEN"}],
        "pageInfo": {"hasNextPage": False, "endCursor": issues["pageInfo"]["endCursor"]},
    }


@pytest.mark.parametrize(
    ("limit", "kind", "message"),
    [
        (101, "EXCESSIVE_PAGINATION", "Requesting 101 records on the `issues` connection exceeds"),
        (None, "MISSING_PAGINATION_BOUNDARIES", "You must provide a `first` or `last` value"),
    ],
)
def test_page_sizes_are_githubs(limit: int | None, kind: str, message: str) -> None:
    result = run(ISSUE_LIST, {**REPO_ARGS, "limit": limit})
    assert result["errors"][0]["type"] == kind
    assert result["errors"][0]["message"].startswith(message)


SEARCH = """query($q: String!, $limit: Int, $after: String) {
  search(type: ISSUE, last: $limit, after: $after, query: $q) {
    issueCount nodes { ... on Issue { number } } pageInfo { hasNextPage endCursor } } }"""


def test_search_pages_forward_with_last_as_gh_does() -> None:
    core = Core(demo_state())
    many_plans(core.state, 150, state="OPEN")
    query = f"label:erk-plan repo:{DEMO_REPO} state:open type:issue"
    first = run(SEARCH, {"q": query, "limit": 100}, core)["data"]["search"]
    after = first["pageInfo"]["endCursor"]
    second = run(SEARCH, {"q": query, "limit": 100, "after": after}, core)["data"]["search"]
    numbers = [n["number"] for n in first["nodes"] + second["nodes"]]
    assert first["issueCount"] == 156  # 150 new plans and 5406, 5408..5412 (not the bug 5407)
    assert len(numbers) == len(set(numbers)) == 156
    assert (first["pageInfo"]["hasNextPage"], second["pageInfo"]["hasNextPage"]) == (True, False)
    assert 5407 not in numbers


def test_search_refuses_what_it_does_not_understand() -> None:
    result = run(SEARCH, {"q": "repo:learnlib-demo/plans milestone:v1", "limit": 5})
    assert "milestone:v1" in result["errors"][0]["message"]


def test_update_issue_changes_the_body_and_records_the_edit() -> None:
    core = Core(demo_state())
    issue_id = node_id("Issue", DEMO_REPO, 5408)
    result = run(
        "mutation($input: UpdateIssueInput!) { updateIssue(input: $input) { __typename } }",
        {"input": {"id": issue_id, "body": "new body"}},
        core,
    )
    assert result == {"data": {"updateIssue": {"__typename": "UpdateIssuePayload"}}}
    assert [(e.number, e.body) for e in core.edits] == [(5408, "new body")]


def test_many_plans_numbers_after_everything_and_checks_the_state() -> None:
    state = demo_state()
    assert [i.number for i in many_plans(state, 2, state="OPEN")] == [5413, 5414]
    with pytest.raises(ValueError, match="OPEN or CLOSED"):
        many_plans(state, 1, state="open")


def test_state_round_trips_through_json() -> None:
    state = demo_state()
    again = SandboxState.from_json(state.to_json())
    assert again == state
    crlf = (again.repo(DEMO_REPO) or state.repos[0]).issue(5411)
    assert crlf is not None and "\r\n" in crlf.body


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


def _python(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )


def test_without_graphql_core_the_sandbox_says_what_to_install() -> None:
    result = _python(
        "import sys; sys.modules['graphql'] = None\n"
        "from learnlib.sandbox import SandboxUnavailable\n"
        "try:\n    import learnlib.sandbox.server\n"
        "except SandboxUnavailable as err:\n    print(err)\n"
    )
    assert result.stdout.strip() == (
        "the GitHub sandbox needs graphql-core: pip install 'learnlib[sandbox]'"
    ), result.stderr


def test_the_trigger_and_the_task_list_never_import_graphql_core() -> None:
    result = _python(
        "import sys, tasks, learnlib.usecases.trigger; print('graphql' in sys.modules)"
    )
    assert result.stdout.strip() == "False", result.stderr
