"""What the gh under test does, probed once by running it against the sandbox GitHub.

Tests state their expectations by capability, never by comparing version strings:

    def test_x(gh_caps: GhCapabilities) -> None:
        if gh_caps.prints_dispatched_run: ...

``gh_caps`` is a session fixture (tests/conftest.py); :func:`gh_capabilities` gives the same
object to code outside a test (it probes on first use, once a process). The gh probed is the one
learnlib's runner would run: the first on PATH, else the one beside the interpreter.

Each probe is one or two gh commands against a fresh sandbox in a throwaway directory (its own
GH_CONFIG_DIR, TMPDIR and XDG_CACHE_HOME), about half a second in all. ``gh --version`` is read
here only to label reports; no behaviour is derived from it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from learnlib.gh.runner import find_gh
from learnlib.sandbox.seed import DEMO_REPO, demo_state
from learnlib.sandbox.server import SandboxGitHub

PROBE_ISSUE = 5406
PROBE_PR = 7  # open, mergeable, its head branch deletable
SEPARATOR = "|"  # between the controls of the probe's body; never part of caret text
INTROSPECTED = re.compile(r'__type\(name: *\\?"(\w+)')  # in a GraphQL request's JSON body


class ProbeFailed(RuntimeError):
    """gh did not do what a probe needs (a sandbox gap, or no gh at all): capabilities unknown."""


@dataclass(frozen=True)
class GhCapabilities:
    """Behaviours of one gh binary that learnlib's tests depend on."""

    gh: str  # the binary probed, as run
    version_line: str  # `gh --version`'s first line, for reports only
    prints_dispatched_run: bool  # `gh workflow run` prints the new run's URL (asks for it)
    # the control characters (C0, DEL, C1) this gh rewrites in API answers, and what it prints
    # instead (NUL -> "^@"; on gh 2.86+ also U+0085 -> "^E"); which C0 ones it keeps varies
    sanitized: Mapping[str, str]
    pr_merge_introspects: frozenset[str]  # the types `gh pr merge` asks __type about (uncached)
    encodes_branch_slash_on_delete: bool  # DELETE .../git/refs/heads%2F<branch>

    @property
    def sanitizes_c0(self) -> bool:
        """C0 controls in API answers come out as caret text (NUL -> ^@)."""
        return any(ord(char) < 0x20 for char in self.sanitized)

    @property
    def sanitizes_c1(self) -> bool:
        """C1 controls (U+0080..U+009F) come out as caret text (U+0085 -> ^E)."""
        return any(0x80 <= ord(char) <= 0x9F for char in self.sanitized)

    def as_gh_shows(self, text: str) -> str:
        """``text`` as this gh prints it when it comes from an API answer (a body, a title)."""
        return "".join(self.sanitized.get(char, char) for char in text)


CONTROLS = "".join(chr(code) for code in (*range(0x20), 0x7F, *range(0x80, 0xA0)))


def caret(char: str) -> str:
    """Caret notation for a C0 or C1 control character (NUL -> ^@, ESC -> ^[, U+0085 -> ^E)."""
    code = ord(char)
    return "^" + chr(0x40 + (code - 0x80 if code >= 0x80 else code))


def probe_env(sandbox: SandboxGitHub, tmp: Path) -> dict[str, str]:
    """gh's environment for one sandbox: its own config, TMPDIR and XDG cache (gh 2.23 caches
    under $TMPDIR, gh 2.86+ under $XDG_CACHE_HOME/gh: a shared cache replays another double's
    answers)."""
    env = sandbox.gh_env(tmp)
    cache_dir = tmp / "xdg-cache"
    cache_dir.mkdir(exist_ok=True)
    return env | {"XDG_CACHE_HOME": str(cache_dir)}


def _gh(binary: str, env: dict[str, str], cwd: Path, *args: str) -> str:
    done = subprocess.run(
        [binary, *args, "--repo", DEMO_REPO],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise ProbeFailed(f"`gh {' '.join(args)}` failed ({done.returncode}): {done.stderr}")
    return done.stdout


def probe(binary: str) -> GhCapabilities:
    """Run ``binary`` against fresh sandboxes and record what it did."""
    version = subprocess.run(
        [binary, "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    with tempfile.TemporaryDirectory(prefix="gh-probe-") as name:
        tmp = Path(name)
        with SandboxGitHub(demo_state()) as sandbox:
            env = probe_env(sandbox, tmp)
            printed = _gh(
                binary,
                env,
                tmp,
                "workflow",
                "run",
                "learn-async.yml",
                "--ref",
                "main",
                "-f",
                "issue_number=1",
            )
            with sandbox.lock:
                sandbox.issue(PROBE_ISSUE).body = SEPARATOR.join(CONTROLS)
            shown = _gh(binary, env, tmp, "issue", "view", str(PROBE_ISSUE), "--json", "body")
            shown_controls = json.loads(shown)["body"].split(SEPARATOR)
        with SandboxGitHub(demo_state()) as sandbox:  # a fresh double: nothing cached yet
            env = probe_env(sandbox, tmp / "merge")
            _gh(binary, env, tmp, "pr", "merge", str(PROBE_PR), "--squash", "--delete-branch")
            requests = sandbox.requests
    deletes = [request.path for request in requests if request.method == "DELETE"]
    if len(shown_controls) != len(CONTROLS):
        raise ProbeFailed(f"gh showed the controls as {shown_controls!r}")
    if not deletes:
        raise ProbeFailed("`gh pr merge --delete-branch` sent no DELETE to the sandbox")
    return GhCapabilities(
        gh=binary,
        version_line=(version.stdout.splitlines() or ["gh: no version"])[0],
        prints_dispatched_run="/actions/runs/" in printed,
        sanitized={
            char: shown
            for char, shown in zip(CONTROLS, shown_controls, strict=True)
            if shown != char
        },
        pr_merge_introspects=frozenset(
            name for request in requests for name in INTROSPECTED.findall(request.body)
        ),
        encodes_branch_slash_on_delete=any("heads%2f" in path.lower() for path in deletes),
    )


def gh_under_test() -> str | None:
    """The gh learnlib's runner would run here (its full path), or None when there is none."""
    found = find_gh("gh", os.environ.get("PATH", os.defpath))
    return shutil.which(found)


@cache
def gh_capabilities() -> GhCapabilities:
    """The capabilities of the gh under test, probed on first use (raises ProbeFailed)."""
    binary = gh_under_test()
    if binary is None:
        raise ProbeFailed("no gh on PATH nor beside the interpreter")
    return probe(binary)
