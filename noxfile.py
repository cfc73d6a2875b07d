"""Sessions: `nox` runs tests, contract, lint and typecheck; `nox -s bench` prints the figures."""

from __future__ import annotations

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


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff: lint and formatting."""
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


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
    session.run("python", "benchmarks/bench_backlog.py")
