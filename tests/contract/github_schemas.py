"""GitHub's published schemas, fetched with ``npm pack`` (pinned here, and only here), cached.

The GraphQL schema comes from ``@octokit/graphql-schema`` and the REST description from
``@octokit/openapi``. Without npm the checks skip, saying why; on CI (``CI`` set) they fail.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLError, GraphQLSchema, build_schema, parse, validate

GRAPHQL_SCHEMA = ("@octokit/graphql-schema", "15.26.1")
OPENAPI = ("@octokit/openapi", "23.0.2")

#: Where the packages are cached (set by the contract conftest to a pytest cache directory).
CACHE_DIR = Path(tempfile.gettempdir()) / "learnlib-github-schemas"


class Unavailable(Exception):
    """A schema could not be fetched; the message says why."""


def unavailable(reason: str) -> None:
    """Skip, saying why; on CI machines (``CI`` set), fail instead: CI must not skip."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the GitHub schema checks must run here)")
    pytest.skip(reason)


def package_file(package: tuple[str, str], member: str) -> Path:
    """``member`` of the npm package (e.g. ``schema.graphql``), fetched once into the cache."""
    name, version = package
    target = CACHE_DIR / f"{name.replace('/', '+')}-{version}" / member
    if target.exists():
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise Unavailable(f"npm is not installed: cannot fetch {name}@{version} (GitHub's schema)")
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="npm-pack-", dir=CACHE_DIR))
    try:
        packed = subprocess.run(
            [npm, "pack", f"{name}@{version}", "--silent", "--pack-destination", str(work)],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        tarball = work / (packed.stdout.strip().splitlines() or ["?"])[-1]
        if packed.returncode != 0 or not tarball.is_file():
            raise Unavailable(f"npm pack {name}@{version} failed: {packed.stderr.strip()[-500:]}")
        with tarfile.open(tarball) as archive:
            source = archive.extractfile(f"package/{member}")
            if source is None:
                raise Unavailable(f"{name}@{version} has no {member}")
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".partial")
            with partial.open("wb") as out:
                shutil.copyfileobj(source, out)
            partial.replace(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


#: What github.com serves beyond the pinned package, which predates it: issue dependencies and
#: issue types. gh 2.102's `gh issue view N` asks for exactly these (and the sandbox serves them).
#: Only add here what a gh release asks and GitHub's changelog documents.
NEWER_THAN_PINNED = """
extend type Issue {
  blockedBy(after: String, before: String, first: Int, last: Int): IssueConnection!
  blocking(after: String, before: String, first: Int, last: Int): IssueConnection!
  issueType: IssueType
}
type IssueType {
  color: IssueTypeColor!
  description: String
  id: ID!
  name: String!
}
enum IssueTypeColor { BLUE GRAY GREEN ORANGE PINK PURPLE RED YELLOW }
"""


@functools.cache
def github_schema() -> GraphQLSchema:
    """GitHub's full GraphQL schema, ready for ``graphql.validate``: the pinned package and
    ``NEWER_THAN_PINNED``.

    GitHub's SDL declares two fields twice and deprecates ``id`` on some ``Node`` types, which
    graphql-core's schema checks refuse; GitHub serves it as it is, so those checks are waived.
    """
    sdl = package_file(GRAPHQL_SCHEMA, "schema.graphql").read_text(encoding="utf-8")
    schema = build_schema(sdl + NEWER_THAN_PINNED, assume_valid_sdl=True)
    schema._validation_errors = []  # see the docstring
    return schema


@functools.cache
def openapi() -> dict[str, Any]:
    """GitHub's REST description for api.github.com (OpenAPI 3, with ``$ref``\\s)."""
    path = package_file(OPENAPI, "generated/api.github.com.json")
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def recorded_queries(log: Path) -> dict[str, set[str]]:
    """The distinct queries in a sandbox query log, each with the gh versions that sent it."""
    queries: dict[str, set[str]] = {}
    if log.is_file():
        for line in log.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            queries.setdefault(row["query"], set()).add(row["gh"])
    return queries


def invalid_queries(queries: dict[str, set[str]]) -> list[str]:
    """One line for each recorded query that GitHub's full schema refuses, saying why."""
    from learnlib.sandbox.schema import RULES

    problems = []
    for query, senders in sorted(queries.items()):
        try:
            errors = validate(github_schema(), parse(query), RULES)
        except GraphQLError as err:
            errors = [err]
        if errors:
            first = " ".join(query.split())[:200]
            why = "; ".join(e.message for e in errors)
            problems.append(f"{', '.join(sorted(senders))}: {why}\n    {first}")
    return problems
