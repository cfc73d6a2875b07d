"""GitHub Actions workflows through gh: dispatch one."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from learnlib.gh.runner import GhRejected, GitHubCli

# gh >= 2.87 prints the new run's html_url alone on a line when stdout is not a terminal.
_RUN_URL = re.compile(r"^(https?://\S+/actions/runs/(\d+))\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Dispatch:
    """What gh said about the run a dispatch created (nothing, on gh < 2.87)."""

    run_id: int | None
    run_url: str | None


def dispatch_workflow(
    gh: GitHubCli, workflow: str, inputs: Mapping[str, str], *, ref: str | None = None
) -> Dispatch:
    """`gh workflow run W -f k=v ... [--ref REF]`. Never retried here: see learn.dispatch."""
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
