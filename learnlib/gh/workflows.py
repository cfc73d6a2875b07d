"""GitHub Actions workflows through gh: read one's file, dispatch one."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from urllib.parse import quote

from learnlib.gh.rest import get_json
from learnlib.gh.runner import GhBadOutput, GhRejected, GitHubCli, field_of
from learnlib.rules.records import Dispatch

# gh >= 2.87 prints the new run's html_url alone on a line when stdout is not a terminal.
_RUN_URL = re.compile(r"^(https?://\S+/actions/runs/(\d+))\s*$", re.MULTILINE)


def dispatch_workflow(
    gh: GitHubCli, workflow: str, inputs: Mapping[str, str], *, ref: str | None = None
) -> Dispatch:
    """`gh workflow run W -f k=v ... [--ref REF]`. Never retried here: see
    learnlib.usecases.dispatch.dispatch_learn."""
    action = f"dispatching workflow {workflow}"
    for value in (workflow, ref or ""):
        if value.startswith(
            "-"
        ):  # gh would read it as a flag (`--help` exits 0, dispatching nothing)
            raise GhRejected(action, f"{value!r} looks like a command-line flag, not a name")
    args = ["workflow", "run", workflow]
    for name, value in inputs.items():
        args += ["-f", f"{name}={value}"]
    if ref:
        args += ["--ref", ref]
    output = gh.run(args, action=action, retry=False)
    return parse_dispatch_output(output)


def parse_dispatch_output(output: str) -> Dispatch:
    match = _RUN_URL.search(output)
    if match is None:
        return Dispatch(run_id=None, run_url=None)
    return Dispatch(run_id=int(match.group(2)), run_url=match.group(1))


def is_workflow_file(workflow: str) -> bool:
    """A workflow named by its file (learn-async.yml), not by its name or numeric id."""
    return workflow.endswith((".yml", ".yaml")) and "/" not in workflow


def read_workflow_file(gh: GitHubCli, workflow: str, ref: str | None) -> str:
    """The workflow file's text on ``ref`` (the default branch when None): one REST request.

    `gh api repos/O/R/contents/.github/workflows/FILE?ref=REF`. `gh api` takes no --repo: the
    repository goes into the path, or gh fills `{owner}/{repo}` from GH_REPO or the git remote; a
    HOST/ prefix becomes --hostname. `gh workflow view --yaml` would first look the workflow up
    (two requests, and a listing on a miss).
    """
    action = f"reading workflow file {workflow}"
    if not is_workflow_file(workflow):
        raise GhRejected(action, f"{workflow!r} is not a workflow file name")
    endpoint = f"contents/.github/workflows/{quote(workflow)}"
    if ref:
        endpoint += f"?ref={quote(ref, safe='')}"
    data = get_json(gh, endpoint, action=action)
    if not isinstance(data, dict) or data.get("encoding") != "base64":
        raise GhBadOutput(action, "the contents API did not answer with a base64 file")
    content = field_of(data, "content", str, action=action)
    try:
        return base64.b64decode(content).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise GhBadOutput(action, "the workflow file is not base64-encoded UTF-8 text") from None
