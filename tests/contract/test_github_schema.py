"""The sandbox held to GitHub's own published schemas, not to our idea of GitHub.

- the SDL the sandbox serves (learnlib/sandbox/github.graphql) is a subset of GitHub's GraphQL
  schema: every type, field, argument, input field, enum value and union member as GitHub
  declares them;
- every GraphQL query gh sends to a sandbox during the session validates against GitHub's full
  schema (recorded through LEARNLIB_SANDBOX_QUERY_LOG; checked when the session ends, see
  conftest.py); a test here proves the recording;
- the sandbox's REST answers for dispatch, workflow, run list and run, issue list, a
  repository's runs, a run's artifacts and jobs and a run's deletion declare only keys that GitHub's
  OpenAPI description declares, and every key it requires.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
)

from learnlib.rules.plan_header import read_header
from learnlib.sandbox import schema as sandbox_schema
from learnlib.sandbox.seed import DEMO_REPO, LEARN_WORKFLOW, many_plans
from learnlib.sandbox.server import SandboxGitHub
from tests.contract import github_schemas
from tests.contract.github_schemas import Unavailable


@pytest.fixture(scope="module")
def github() -> GraphQLSchema:
    try:
        return github_schemas.github_schema()
    except Unavailable as err:
        github_schemas.unavailable(str(err))
        raise


def _default(arg: Any) -> Any:
    node = arg.ast_node.default_value if arg.ast_node is not None else None
    return None if node is None else " ".join(str(node.to_dict()).split())


def _required(arg: Any) -> bool:
    return str(arg.type).endswith("!") and _default(arg) is None


def differences(ours: GraphQLSchema, github: GraphQLSchema) -> list[str]:
    """Everything ``ours`` declares that ``github`` does not declare the same way."""
    found: list[str] = []
    for name, ours_type in ours.type_map.items():
        theirs = github.type_map.get(name)
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if theirs is None or type(theirs) is not type(ours_type):
            found.append(f"{name}: GitHub has no {type(ours_type).__name__} of that name")
            continue
        found += _type_differences(name, ours_type, theirs)
    return found


def _type_differences(name: str, ours: GraphQLNamedType, theirs: GraphQLNamedType) -> list[str]:
    found: list[str] = []
    if isinstance(ours, GraphQLEnumType) and isinstance(theirs, GraphQLEnumType):
        found += [f"{name}.{v}: no such enum value" for v in set(ours.values) - set(theirs.values)]
    if isinstance(ours, GraphQLUnionType) and isinstance(theirs, GraphQLUnionType):
        members = {t.name for t in theirs.types}
        found += [f"{name}: {t.name} is not a member" for t in ours.types if t.name not in members]
    if isinstance(ours, GraphQLObjectType | GraphQLInterfaceType) and isinstance(
        theirs, GraphQLObjectType | GraphQLInterfaceType
    ):
        implemented = {i.name for i in theirs.interfaces}
        found += [
            f"{name}: GitHub's does not implement {i.name}"
            for i in ours.interfaces
            if i.name not in implemented
        ]
    if isinstance(ours, GraphQLInputObjectType | GraphQLObjectType | GraphQLInterfaceType):
        theirs_fields: Any = getattr(theirs, "fields", {})
        for field_name, field in ours.fields.items():
            other = theirs_fields.get(field_name)
            where = f"{name}.{field_name}"
            if other is None:
                found.append(f"{where}: GitHub has no such field")
                continue
            if str(field.type) != str(other.type):
                found.append(f"{where}: {field.type}, GitHub says {other.type}")
            if isinstance(ours, GraphQLInputObjectType) and _default(field) != _default(other):
                found.append(f"{where}: default {_default(field)}, GitHub's {_default(other)}")
            found += _argument_differences(where, getattr(field, "args", {}), other)
        if isinstance(ours, GraphQLInputObjectType):
            found += [
                f"{name}.{f}: GitHub requires it, the SDL leaves it out"
                for f, other in theirs_fields.items()
                if _required(other) and f not in ours.fields
            ]
    return found


def _argument_differences(where: str, ours: dict[str, Any], theirs_field: Any) -> list[str]:
    theirs: dict[str, Any] = getattr(theirs_field, "args", {})
    found = [f"{where}({a}:): GitHub has no such argument" for a in ours if a not in theirs]
    for arg_name, arg in ours.items():
        other = theirs.get(arg_name)
        if other is not None and (str(arg.type), _default(arg)) != (
            str(other.type),
            _default(other),
        ):
            found.append(
                f"{where}({arg_name}:): {arg.type} = {_default(arg)}, "
                f"GitHub says {other.type} = {_default(other)}"
            )
    found += [
        f"{where}({a}:): GitHub requires it, the SDL leaves it out"
        for a, other in theirs.items()
        if _required(other) and a not in ours
    ]
    return found


def test_the_sandbox_sdl_is_a_subset_of_githubs_schema(github: GraphQLSchema) -> None:
    assert differences(sandbox_schema.schema(), github) == []


def test_the_subset_check_sees_what_github_declares_otherwise(github: GraphQLSchema) -> None:
    wrong = build_schema(
        """
        type Query { repository(owner: String, name: String!, since: Int): Repository }
        type Repository { name: Int nope: String }
        enum IssueState { OPEN LOST }
        input UpdateIssueInput { body: String }
        """
    )
    assert sorted(differences(wrong, github)) == [
        "IssueState.LOST: no such enum value",
        "Query.repository(owner:): String = None, GitHub says String! = None",
        "Query.repository(since:): GitHub has no such argument",
        "Repository.name: Int, GitHub says String!",
        "Repository.nope: GitHub has no such field",
        "UpdateIssueInput.id: GitHub requires it, the SDL leaves it out",
    ]


def test_githubs_schema_refuses_a_query_it_does_not_declare(github: GraphQLSchema) -> None:
    assert github_schemas.invalid_queries({"{ viewer { login } }": {"gh"}}) == []
    [problem] = github_schemas.invalid_queries({"{ viewer { nope } }": {"GitHub CLI 9.9"}})
    assert problem.startswith("GitHub CLI 9.9: Cannot query field 'nope' on type 'User'.")


def test_the_queries_gh_sends_are_recorded_for_the_end_of_session_check(tmp_path: Path) -> None:
    log = Path(os.environ["LEARNLIB_SANDBOX_QUERY_LOG"])
    before = github_schemas.recorded_queries(log)
    with SandboxGitHub() as sandbox:
        env = sandbox.gh_env(tmp_path, DEMO_REPO)
        done = subprocess.run(
            ["gh", "issue", "list", "--label", "erk-plan", "--json", "number", "--limit", "200"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    after = github_schemas.recorded_queries(log)
    searches = [q for q in after if "search(" in q]
    assert searches
    assert any(sender.startswith("GitHub CLI ") for q in searches for sender in after[q])
    assert set(before) <= set(after)


# ---------------------------------------------------------------------------------- REST


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    try:
        return github_schemas.openapi()
    except Unavailable as err:
        github_schemas.unavailable(str(err))
        raise


def _deref(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = spec
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


_TYPES = {"integer": int, "number": int | float, "string": str, "boolean": bool}
#: Objects the sandbox embeds in abbreviated form (gh reads none of their required keys): their
#: keys must still be declared by GitHub, but GitHub's required keys are not asked of them.
ABBREVIATED = {"actor", "triggering_actor", "repository", "head_repository", "head_commit"}


def undeclared(
    spec: dict[str, Any], schema: dict[str, Any], value: Any, where: str, *, required: bool
) -> list[str]:
    """What in ``value`` GitHub's response ``schema`` does not declare (keys, types, nulls) and,
    with ``required``, which of the keys GitHub requires it leaves out."""
    schema = _deref(spec, schema)
    for combination in ("anyOf", "oneOf"):
        if combination in schema:
            options = [
                undeclared(spec, s, value, where, required=required) for s in schema[combination]
            ]
            return [] if any(not o for o in options) else min(options, key=len)
    if "allOf" in schema:
        merged: dict[str, Any] = {"properties": {}, "required": []}
        for part in (_deref(spec, s) for s in schema["allOf"]):
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
        schema = merged
    if value is None:
        return [] if schema.get("nullable") else [f"{where}: null, GitHub does not allow null"]
    expected = _TYPES.get(schema.get("type", ""))
    if expected is not None and (
        not isinstance(value, expected) or (isinstance(value, bool) and expected is int)
    ):
        return [f"{where}: {value!r} is not {schema['type']}"]
    items = schema.get("items", {})
    if isinstance(value, list):
        return [
            p
            for i, v in enumerate(value)
            for p in undeclared(spec, items, v, f"{where}[{i}]", required=required)
        ]
    if not isinstance(value, dict):
        return []
    declared = schema.get("properties", {})
    found = [f"{where}.{k}: GitHub does not declare it" for k in value if k not in declared]
    if required:
        found += [
            f"{where}.{k}: GitHub requires it" for k in schema.get("required", []) if k not in value
        ]
    for key, item in value.items():
        if key in declared:
            deeper = required and key not in ABBREVIATED
            found += undeclared(spec, declared[key], item, f"{where}.{key}", required=deeper)
    return found


def _call(sandbox: SandboxGitHub, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{sandbox.port}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Host": "api.github.localhost", "Authorization": "token sandbox"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        text = answer.read()
        return answer.status, json.loads(text) if text else None


WORKFLOWS = "/repos/{owner}/{repo}/actions/workflows"
DISPATCH = (WORKFLOWS + "/{workflow_id}/dispatches", "post")
RUNS = "/repos/{owner}/{repo}/actions/runs"
ARTIFACTS = RUNS + "/{run_id}/artifacts"
ISSUES = "/repos/{owner}/{repo}/issues"


def _scale_answers(sandbox: SandboxGitHub) -> dict[tuple[str, str], tuple[int, Any]]:
    """The answers of the routes learnlib uses at scale: issues (pull requests among them),
    a repository's runs, a run's artifacts (live and expired), a run deleted."""
    actions, repo = f"/repos/{DEMO_REPO}/actions", sandbox.state.repos[0]
    [live] = many_plans(repo, 1, learn_runs=("success",))
    [old] = many_plans(repo, 1, session="expired")
    live_run, old_run = (read_header(i.body)["last_remote_impl_run_id"] for i in (live, old))
    learn_run = read_header(live.body)["learn_run_id"]
    return {
        (ISSUES, "get"): _call(sandbox, "GET", f"/repos/{DEMO_REPO}/issues?state=all&per_page=100"),
        (ISSUES, "get-labelled"): _call(
            sandbox, "GET", f"/repos/{DEMO_REPO}/issues?labels=erk-plan&state=closed"
        ),
        (RUNS, "get"): _call(sandbox, "GET", f"{actions}/runs?per_page=100"),
        (ARTIFACTS, "get"): _call(sandbox, "GET", f"{actions}/runs/{live_run}/artifacts"),
        (ARTIFACTS, "get-expired"): _call(sandbox, "GET", f"{actions}/runs/{old_run}/artifacts"),
        (RUNS + "/{run_id}/jobs", "get"): _call(sandbox, "GET", f"{actions}/runs/{learn_run}/jobs"),
        (RUNS + "/{run_id}", "delete"): _call(sandbox, "DELETE", f"{actions}/runs/{learn_run}"),
    }


@pytest.fixture(scope="module")
def rest_answers() -> dict[tuple[str, str], tuple[int, Any]]:
    """The sandbox's answers to what gh asks around a dispatch, by (OpenAPI path, method)."""
    actions = f"/repos/{DEMO_REPO}/actions"
    inputs = {"ref": "main", "inputs": {"issue_number": "5406"}}
    dispatch = f"{actions}/workflows/{LEARN_WORKFLOW}/dispatches"
    with SandboxGitHub() as sandbox:
        answers = {
            (WORKFLOWS, "get"): _call(sandbox, "GET", f"{actions}/workflows"),
            (WORKFLOWS + "/{workflow_id}", "get"): _call(
                sandbox, "GET", f"{actions}/workflows/{LEARN_WORKFLOW}"
            ),
            DISPATCH: _call(sandbox, "POST", dispatch, {**inputs, "return_run_details": True}),
            (WORKFLOWS + "/{workflow_id}/runs", "get"): _call(
                sandbox, "GET", f"{actions}/workflows/{LEARN_WORKFLOW}/runs?per_page=20"
            ),
            ("/repos/{owner}/{repo}/actions/runs/{run_id}", "get"): _call(
                sandbox, "GET", f"{actions}/runs/{sandbox.dispatches[0].run_id}"
            ),
        }
        answers[(DISPATCH[0], "post-plain")] = _call(sandbox, "POST", dispatch, inputs)
        answers.update(_scale_answers(sandbox))
    return answers


def _problems(
    openapi: dict[str, Any], answers: dict[tuple[str, str], tuple[int, Any]], *, required: bool
) -> list[str]:
    problems = []
    for (path, method), (status, body) in answers.items():
        response = openapi["paths"][path][method.split("-")[0]]["responses"][str(status)]
        content = _deref(openapi, response).get("content")
        if content is None:  # e.g. 204: GitHub declares no body
            problems += [] if body is None else [f"{method} {path} {status}: a body"]
            continue
        schema = content["application/json"]["schema"]
        where = f"{method.upper()} {path} {status}"
        problems += undeclared(openapi, schema, body, where, required=required)
    return problems


def test_the_sandboxs_rest_answers_declare_only_what_github_does(
    openapi: dict[str, Any], rest_answers: dict[tuple[str, str], tuple[int, Any]]
) -> None:
    statuses = [status for status, _ in rest_answers.values()]
    assert statuses == [200, 200, 200, 200, 200, 204, 200, 200, 200, 200, 200, 200, 204]
    assert rest_answers[(WORKFLOWS + "/{workflow_id}/runs", "get")][1]["workflow_runs"]
    assert any("pull_request" in item for item in rest_answers[(ISSUES, "get")][1])
    assert rest_answers[(ISSUES, "get-labelled")][1]
    expired = rest_answers[(ARTIFACTS, "get-expired")][1]["artifacts"]
    assert [a["expired"] for a in expired] == [True]
    assert [a["expired"] for a in rest_answers[(ARTIFACTS, "get")][1]["artifacts"]] == [False]
    assert _problems(openapi, rest_answers, required=False) == []


def test_the_sandboxs_rest_answers_carry_every_key_github_requires(
    openapi: dict[str, Any], rest_answers: dict[tuple[str, str], tuple[int, Any]]
) -> None:
    assert _problems(openapi, rest_answers, required=True) == []
