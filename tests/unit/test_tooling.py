"""The project's tooling: the Pythons nox tests on, the gh 2.23 the contract sessions fetch
themselves, the lanes of .ci/run, the license, and the classifiers that say what is tested.

noxfile.py is imported as a module (nox is installed in the `tests` sessions); its session
functions are not run here, only the helpers that decide where gh and the Pythons come from.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
DEBIAN_GH = "gh version 2.23.0 (2023-02-27 Debian 2.23.0+dfsg1-1)"


@pytest.fixture(scope="module")
def noxfile() -> ModuleType:
    pytest.importorskip("nox", reason="the nox sessions install nox; a bare venv may not have it")
    spec = importlib.util.spec_from_file_location("learnlib_noxfile", ROOT / "noxfile.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    path = os.environ["PATH"]
    try:
        spec.loader.exec_module(module)  # it links pyenv's Pythons into PATH, for nox
    finally:
        os.environ["PATH"] = path
    return module


def default_sessions() -> list[str]:
    """What `nox -l` selects by default (README's test command runs exactly these)."""
    pytest.importorskip("nox", reason="the nox sessions install nox; a bare venv may not have it")
    done = subprocess.run(
        [sys.executable, "-m", "nox", "-l", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [entry["session"] for entry in json.loads(done.stdout)]


# --------------------------------------------------------------------------- Pythons


def test_nox_runs_the_unit_tests_on_every_supported_python() -> None:
    sessions = default_sessions()
    assert {"tests-3.11", "tests-3.12", "tests-3.13"} <= set(sessions)


def test_the_classifiers_name_the_pythons_nox_tests(noxfile: ModuleType) -> None:
    prefix = "Programming Language :: Python :: 3."
    named = {
        c.removeprefix("Programming Language :: Python :: ")
        for c in PYPROJECT["project"]["classifiers"]
        if c.startswith(prefix)
    }
    assert named == set(noxfile.PYTHONS) == {"3.11", "3.12", "3.13"}
    assert PYPROJECT["project"]["requires-python"] == f">={min(noxfile.PYTHONS)}"


def fake_python(path: Path, works: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\nexit {0 if works else 1}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def test_pyenvs_inactive_pythons_are_made_findable(noxfile: ModuleType, tmp_path: Path) -> None:
    """pyenv's shims start only the active version: nox would skip 3.12 and 3.13 though pyenv
    holds them. The newest patch of each is linked as pythonX.Y, first on PATH."""
    pyenv = tmp_path / "pyenv"
    for version in ("3.12.1", "3.12.10", "3.12.9", "3.13.0"):
        fake_python(pyenv / "versions" / version / "bin" / f"python{version[:4]}")
    path_dir = tmp_path / "path"
    fake_python(path_dir / "python3.11")  # on PATH and working: left alone
    fake_python(path_dir / "python3.12", works=False)  # a shim of an inactive version
    env = {"PYENV_ROOT": str(pyenv), "PATH": str(path_dir)}
    folder = tmp_path / "pythons"

    linked = noxfile.expose_pyenv_pythons(("3.11", "3.12", "3.13", "3.14"), folder, env)

    assert linked == ["3.12", "3.13"]
    assert env["PATH"].split(os.pathsep) == [str(folder), str(path_dir)]
    assert (folder / "python3.12").resolve() == pyenv / "versions/3.12.10/bin/python3.12"
    assert (folder / "python3.13").resolve() == pyenv / "versions/3.13.0/bin/python3.13"
    assert sorted(p.name for p in folder.iterdir()) == ["python3.12", "python3.13"]
    # Again: python3.12 now starts from PATH; nothing changes, PATH does not grow.
    assert noxfile.expose_pyenv_pythons(("3.12",), folder, env) == []
    assert env["PATH"].split(os.pathsep) == [str(folder), str(path_dir)]


# --------------------------------------------------------------------------- gh 2.23


class Stop(Exception):
    """What session.skip and session.error raise in nox."""


class FakeSession:
    """The parts of nox.Session the gh helpers use."""

    def __init__(self, cache: Path) -> None:
        self.cache_dir = cache
        self.env: dict[str, str] = {}
        self.logged: list[str] = []
        self.outcome: tuple[str, str] | None = None

    def skip(self, reason: str) -> NoReturn:
        self.outcome = ("skip", reason)
        raise Stop(reason)

    def error(self, reason: str) -> NoReturn:
        self.outcome = ("error", reason)
        raise Stop(reason)

    def log(self, message: str) -> None:
        self.logged.append(message)

    def run(self, *args: str, **_: Any) -> str:
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def script(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(0o755)


@pytest.fixture
def bare_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH with sh's basics but no gh, apt-get or dpkg-deb."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("sh", "mkdir", "chmod", "printf"):
        found = shutil.which(name)
        assert found is not None, name
        (bin_dir / name).symlink_to(found)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv("CI", raising=False)
    return bin_dir


def fake_debian(bin_dir: Path, version_line: str) -> Path:
    """apt-get download (logs each call) and dpkg-deb -x, unpacking a gh that prints
    ``version_line``."""
    calls = bin_dir.parent / "apt-calls"
    script(
        bin_dir / "apt-get",
        f'printf "%s\\n" "$*" >> {calls}\nprintf deb > gh_2.23.0+dfsg1-1_amd64.deb\n',
    )
    gh = f'#!/bin/sh\\necho "{version_line}"\\n'
    script(
        bin_dir / "dpkg-deb",
        f'mkdir -p "$3/usr/bin"\nprintf \'{gh}\' > "$3/usr/bin/gh"\nchmod 755 "$3/usr/bin/gh"\n',
    )
    return calls


@pytest.mark.parametrize(("ci", "outcome"), [(None, "skip"), ("true", "error")])
def test_without_gh_223_or_apt_the_session_skips_and_under_ci_fails(
    noxfile: ModuleType,
    bare_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    ci: str | None,
    outcome: str,
) -> None:
    if ci is not None:
        monkeypatch.setenv("CI", ci)
    session = FakeSession(tmp_path / "cache")
    with pytest.raises(Stop):
        noxfile.use_gh(session, noxfile.GH_SYSTEM)
    assert session.outcome is not None
    assert session.outcome[0] == outcome
    assert "needs Debian's gh 2.23" in session.outcome[1]
    assert "apt-get and dpkg-deb not found" in session.outcome[1]


def test_debian_gh_is_fetched_unpacked_and_cached(
    noxfile: ModuleType, bare_path: Path, tmp_path: Path
) -> None:
    calls = fake_debian(bare_path, DEBIAN_GH)
    session = FakeSession(tmp_path / "cache")

    found = noxfile.use_gh(session, noxfile.GH_SYSTEM)

    assert found == str(tmp_path / "cache" / "debian-gh" / "usr" / "bin" / "gh")
    assert session.outcome is None
    assert session.env["PATH"].split(os.pathsep)[0] == str(Path(found).parent)
    assert calls.read_text(encoding="utf-8").split() == ["download", "-q", "gh"]
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name != "debian-gh"]
    # The next session takes it from the cache.
    again = FakeSession(tmp_path / "cache")
    assert noxfile.use_gh(again, noxfile.GH_SYSTEM) == found
    assert len(calls.read_text(encoding="utf-8").splitlines()) == 1


def test_a_gh_on_path_that_is_223_is_used_as_it_is(
    noxfile: ModuleType, bare_path: Path, tmp_path: Path
) -> None:
    script(bare_path / "gh", f'echo "{DEBIAN_GH}"\n')
    session = FakeSession(tmp_path / "cache")
    assert noxfile.use_gh(session, noxfile.GH_SYSTEM) == str(bare_path / "gh")
    assert session.env == {} and not (tmp_path / "cache").exists()


def test_a_debian_package_of_another_gh_is_refused(
    noxfile: ModuleType, bare_path: Path, tmp_path: Path
) -> None:
    """Another distribution's gh (or another gh on PATH) is not the 2.23 the sessions test."""
    script(bare_path / "gh", 'echo "gh version 2.46.0 (2024-03-01)"\n')
    fake_debian(bare_path, "gh version 2.45.0 (2024-03-04 Ubuntu 2.45.0-1ubuntu0.2)")
    session = FakeSession(tmp_path / "cache")
    with pytest.raises(Stop):
        noxfile.use_gh(session, noxfile.GH_SYSTEM)
    assert session.outcome is not None and session.outcome[0] == "skip"
    assert "gh version 2.45.0" in session.outcome[1]


# --------------------------------------------------------------------------- CI and the license


def ci_lanes() -> list[list[str]]:
    """The sessions of each `lane NAME -s ...` line of .ci/run."""
    lanes = []
    for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines():
        if line.startswith("lane "):
            words = shlex.split(line.split("&")[0])
            assert words[2] == "-s", line
            lanes.append(words[3:])
    return lanes


def test_ci_runs_every_default_session_once() -> None:
    lanes = ci_lanes()
    assert len(lanes) == 2  # the CI machine has two cores
    every = [session for lane in lanes for session in lane]
    assert sorted(every) == sorted(default_sessions())


def test_ci_does_not_install_gh() -> None:
    """The gh 2.23 sessions fetch their gh themselves; CI relies on that."""
    text = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert not [line for line in text.splitlines() if "apt-get install" in line and " gh" in line]


def test_the_license_is_the_mit_license_pyproject_declares() -> None:
    assert PYPROJECT["project"]["license"] == {"text": "MIT"}
    assert "License :: OSI Approved :: MIT License" in PYPROJECT["project"]["classifiers"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) 2026 the learnlib authors\n")
    assert "Permission is hereby granted, free of charge" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in text
