"""A fake gh for unit tests on pytest-subprocess: register answers, read back what was sent."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from invoke.config import Config

from learnlib.gh.issues import ISSUE_FIELDS
from learnlib.gh.runner import Deadline, GitHubCli
from learnlib.gh.runs import RUN_FIELDS
from learnlib.rules.schedule import Schedule
from learnlib.tasks.collection import ns
from learnlib.tasks.program import LearnlibConfig, LearnlibProgram
from tests.gh_outputs import gh_json, issue_view_output, run_list_output
from tests.virtual_time import VirtualTime

PLAN_BODY = """<!-- WARNING: Machine-generated. Manual edits may break erk tooling. -->
<!-- erk:metadata-block:plan-header -->
<details>
<summary><code>plan-header</code></summary>

```yaml

schema_version: '2'
created_at: '2026-01-20T09:12:44.512031+00:00'
created_by: someone
last_remote_impl_run_id: '21203500990'
last_local_impl_session: null
learn_status: null

```

</details>
<!-- /erk:metadata-block:plan-header -->

# Plan: make the thing

Some prose.
"""

RUN_LIST = ("gh", "run", "list", "--workflow")
SESSION_RUN = 21203500990  # PLAN_BODY's last_remote_impl_run_id
LIVE_SESSION = {
    "id": 1,
    "name": "session-abc",
    "expired": False,
    "expires_at": "2099-01-01T00:00:00Z",
}
# A learn workflow that takes the trigger's dispatch (no distinct_id: the dispatch argv is fixed).
LEARN_WORKFLOW = """name: Learn
run-name: "Learn #${{ inputs.issue_number }}"
on:
  workflow_dispatch:
    inputs:
      issue_number: {required: true, type: string}
jobs: {}
"""


@dataclass
class FakeGh:
    """Registers gh answers with pytest-subprocess and records the bodies written."""

    fp: Any
    edited: list[str] = field(default_factory=list)

    def issue_view(self, number: int, body: str = PLAN_BODY, **kwargs: Any) -> None:
        self.fp.register(
            ["gh", "issue", "view", str(number), "--json", ISSUE_FIELDS],
            stdout=issue_view_output(number, body, **kwargs),
        )

    def issue_view_fails(self, number: int, stderr: str, returncode: int = 1) -> None:
        self.fp.register(
            ["gh", "issue", "view", str(number), "--json", ISSUE_FIELDS],
            stderr=stderr,
            returncode=returncode,
        )

    def issue_body(self, number: int, body: str, occurrences: int = 1) -> None:
        self.fp.register(
            ["gh", "issue", "view", str(number), "--json", "body"],
            stdout=gh_json({"body": body}),
            occurrences=occurrences,
        )

    def issue_edit(self, number: int, *, returncode: int = 0, stderr: str = "") -> None:
        def capture(data: bytes | str) -> None:
            self.edited.append(data.decode("utf-8") if isinstance(data, bytes) else data)

        self.fp.register(
            ["gh", "issue", "edit", str(number), "--body-file", "-"],
            returncode=returncode,
            stderr=stderr,
            stdin_callable=capture,
        )

    def workflow_run(
        self,
        issue: int,
        *,
        workflow: str = "learn-async.yml",
        ref: str | None = "main",
        stdout: str = "",
        stderr: str = "",
        returncode: int = 0,
    ) -> None:
        argv = ["gh", "workflow", "run", workflow, "-f", f"issue_number={issue}"]
        if ref:
            argv += ["--ref", ref]
        self.fp.register(argv, stdout=stdout, stderr=stderr, returncode=returncode)

    def run_list(
        self,
        runs: list[dict[str, Any]],
        *,
        workflow: str = "learn-async.yml",
        occurrences: int = 1,
        stderr: str = "",
        returncode: int = 0,
        limit: int = 20,
    ) -> None:
        self.fp.register(
            [*RUN_LIST, workflow, "--json", RUN_FIELDS, "--limit", str(limit)],
            stdout=run_list_output(runs) if returncode == 0 else "",
            stderr=stderr,
            returncode=returncode,
            occurrences=occurrences,
        )

    def workflow_file(
        self,
        text: str | None,
        *,
        workflow: str = "learn-async.yml",
        ref: str | None = None,
        repo: str = "{owner}/{repo}",
        stderr: str = "HTTP 404: Not Found (https://api.github.com/repos/o/r/contents)\n",
    ) -> None:
        """`gh api repos/O/R/contents/.github/workflows/W[?ref=R]`; None answers a 404."""
        endpoint = f"repos/{repo}/contents/.github/workflows/{workflow}"
        if ref:
            endpoint += f"?ref={ref}"
        if text is None:
            self.fp.register(["gh", "api", endpoint], stderr=stderr, returncode=1)
            return
        content = base64.b64encode(text.encode("utf-8")).decode("ascii")
        self.fp.register(
            ["gh", "api", endpoint],
            stdout=gh_json({"encoding": "base64", "content": content, "name": workflow}),
        )

    def repo_view(
        self, branch: str = "main", occurrences: int = 10, *, optional: bool = False
    ) -> None:
        """The default-branch lookup beside every issue read without a ref.

        ``optional``: the test declared (``gh_optional("repo_view")``) that it may not happen.
        """
        argv = ["gh", "repo", "view", "--json", "defaultBranchRef"]
        self.fp.register(
            argv, stdout=gh_json({"defaultBranchRef": {"name": branch}}), occurrences=occurrences
        )
        if optional:
            may_not_be_called(self.fp, argv)

    def side_reads(self, occurrences: int = 10, *, optional: bool = False) -> None:
        """What every trigger reads beside the issue: no runs yet, a workflow that takes it.

        ``optional``: the test declared (``gh_optional("side_reads")``) that they may not happen
        (a refused landing, say, triggers nothing).
        """
        any_one = self.fp.any(min=1, max=1)
        run_list = [*RUN_LIST, any_one, "--json", RUN_FIELDS, "--limit", "100", self.fp.any()]
        self.fp.register(run_list, stdout="[]\n", occurrences=occurrences)
        content = base64.b64encode(LEARN_WORKFLOW.encode("utf-8")).decode("ascii")
        api = ["gh", "api", any_one]
        self.fp.register(
            api,
            stdout=gh_json({"encoding": "base64", "content": content}),
            occurrences=occurrences,
        )
        if optional:
            may_not_be_called(self.fp, run_list)
            may_not_be_called(self.fp, api)

    def session_artifacts(
        self,
        artifacts: list[dict[str, Any]] | None = None,
        *,
        run_id: int = SESSION_RUN,
        repos: tuple[str, ...] = ("{owner}/{repo}", "o/r"),
        stderr: str = "",
        occurrences: int = 10,
        optional: bool = False,
    ) -> None:
        """The artifacts of PLAN_BODY's implementation run (default: a live session artifact),
        read before a dispatch of a plan whose session data is remote only; ``stderr``: fails."""
        items = [LIVE_SESSION] if artifacts is None else artifacts
        for repo in repos:
            argv = ["gh", "api", f"repos/{repo}/actions/runs/{run_id}/artifacts?per_page=100"]
            register_first(
                self.fp,
                argv,
                stdout="" if stderr else gh_json({"total_count": len(items), "artifacts": items}),
                stderr=stderr,
                returncode=1 if stderr else 0,
                occurrences=occurrences,
            )
            if optional or len(repos) > 1:
                may_not_be_called(self.fp, argv)

    def count(self, *argv: str) -> int:
        return int(self.fp.call_count(["gh", *argv]))


def register_first(fp: Any, argv: list[Any], **answer: Any) -> None:
    """Register ``argv`` ahead of every earlier registration (pytest-subprocess answers with the
    first that matches, and gh_fake's `gh api ANY` would otherwise answer every REST read)."""
    fp.register(argv, **answer)
    items = list(fp.definitions.items())
    mine = [item for item in items if list(item[0].command) == list(argv)]  # not ANY's match
    fp.definitions.clear()
    for command, processes in [*mine, *(item for item in items if item not in mine)]:
        fp.definitions[command] = processes


def may_not_be_called(fp: Any, argv: list[Any]) -> None:
    """Exempt one registration from the check that every registered gh call is made."""
    fp.optional_calls = [*getattr(fp, "optional_calls", []), _shown(argv)]


@contextmanager
def tripwires(fp: Any) -> Iterator[None]:
    """Registrations made inside answer calls that must NOT happen, so a test can count them.

    They are exempt from the every-registration-is-used check: their use is the failure.
    """
    before = [id(command) for command in fp.definitions]
    yield
    for command in fp.definitions:
        if id(command) not in before:
            may_not_be_called(fp, command.command)


def _shown(argv: Any) -> str:
    return " ".join(str(part) for part in argv)


@pytest.fixture(autouse=True)
def _every_registered_gh_call_is_made(request: pytest.FixtureRequest) -> Iterator[None]:
    """A fake gh answer registered but never asked for fails its test: the test meant it."""
    if "fp" not in request.fixturenames:
        yield
        return
    fp = request.getfixturevalue("fp")
    yield
    optional = getattr(fp, "optional_calls", [])
    never = [
        _shown(command.command)
        for command in fp.definitions
        if _shown(command.command) not in optional and not any(command == call for call in fp.calls)
    ]
    assert not never, f"registered gh calls that were never made: {never}"


def run_task(
    capsys: pytest.CaptureFixture[str], *argv: str, binary: str = "invoke"
) -> tuple[int, dict[str, Any], str]:
    """Run `invoke ARGV` (INVOKE_* environment) or `learnlib ARGV` (LEARNLIB_*) in-process, as
    learnlib's Program; stdout must be exactly one JSON object."""
    config_class = Config if binary == "invoke" else LearnlibConfig
    program = LearnlibProgram(namespace=ns, version="test", config_class=config_class)
    code = 0
    try:
        program.run([binary, *argv])
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 1, f"stdout must be exactly one JSON object, got {out!r}"
    return code, json.loads(lines[0]), err


#: The fake gh calls the gh_fake fixture registers for every test; each must be made, unless the
#: test names it in ``@pytest.mark.gh_optional(...)``.
DEFAULT_FAKES = frozenset({"repo_view", "side_reads"})


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "gh_optional(*names): gh_fake's default calls (repo_view, side_reads) this test may "
        "leave unmade",
    )


def optional_fakes(request: pytest.FixtureRequest) -> frozenset[str]:
    """The default fake calls the test declared it may not make (``gh_optional``)."""
    names = frozenset(
        name for marker in request.node.iter_markers("gh_optional") for name in marker.args
    )
    unknown = names - DEFAULT_FAKES
    assert not unknown, f"gh_optional names no default fake call: {sorted(unknown)}"
    return names


@pytest.fixture
def gh_fake(fp: Any, request: pytest.FixtureRequest) -> Iterator[FakeGh]:
    """The fake gh with what a trigger reads beside the issue: the default-branch lookup (made
    unless a ref is given), the run listing and the workflow file. Each must be made unless the
    test declares it optional with ``@pytest.mark.gh_optional("repo_view", "side_reads")``."""
    optional = optional_fakes(request)
    fake = FakeGh(fp)
    fake.repo_view(optional="repo_view" in optional)
    fake.session_artifacts(optional=True)  # registered before side_reads' `gh api ANY`
    fake.side_reads(optional="side_reads" in optional)
    yield fake


@pytest.fixture
def virtual_time() -> VirtualTime:
    return VirtualTime()


@pytest.fixture
def gh(virtual_time: VirtualTime) -> GitHubCli:
    """A client with no retry waits, whose other waits (run discovery, lookups) pass at once
    on its virtual clock (tests/virtual_time.py), the deadline's too."""
    return GitHubCli(
        deadline=Deadline(30.0, virtual_time.clock),
        retry=Schedule(first=0.0, longest=0.0, attempts=3),
        sleep=virtual_time.sleep,
        clock=virtual_time.clock,
    )
