"""The texts the sandbox serves: plan-header and plan-body blocks as erk writes them, and the
workflow files of the learn and implementation workflows."""

from __future__ import annotations

from learnlib.sandbox.state import Label

DEMO_REPO = "learnlib-demo/plans"
LEARN_WORKFLOW = "learn-async.yml"

PLAN_LABEL = Label("erk-plan", "0e8a16", "An implementation plan written by erk")


#: A plan-header block as erk opens it, up to its YAML.
HEADER_OPEN = (
    "<!-- WARNING: Machine-generated. Manual edits may break erk tooling. -->\n"
    "<!-- erk:metadata-block:plan-header -->\n"
    "<details>\n"
    "<summary><code>plan-header</code></summary>\n"
    "\n"
    "```yaml\n"
    "\n"
)


def plan_header(
    *,
    created_at: str = "2026-01-20T09:12:44.512031+00:00",
    created_by: str = "someone",
    last_remote_impl_run_id: str = "'21203500990'",
    last_local_impl_session: str = "null",
    learn_status: str = "null",
    last_remote_impl_session_id: str | None = None,
    learn_run_id: str | None = None,
) -> str:
    """A plan-header block as the planning tool writes it (values are YAML text, as written).

    ``last_remote_impl_session_id`` and ``learn_run_id`` (None: no such line) follow the run id
    and ``learn_status``.
    """
    session = (
        ""
        if last_remote_impl_session_id is None
        else f"last_remote_impl_session_id: {last_remote_impl_session_id}\n"
    )
    learn_run = "" if learn_run_id is None else f"learn_run_id: {learn_run_id}\n"
    return (
        HEADER_OPEN + "schema_version: '2'\n"
        f"created_at: '{created_at}'\n"
        f"created_by: {created_by}\n"
        f"last_remote_impl_run_id: {last_remote_impl_run_id}\n"
        f"{session}"
        f"last_local_impl_session: {last_local_impl_session}\n"
        f"learn_status: {learn_status}\n"
        f"{learn_run}"
        "\n"
        "```\n"
        "\n"
        "</details>\n"
        "<!-- /erk:metadata-block:plan-header -->\n"
    )


def plan_body(summary: str, steps: list[str]) -> str:
    listed = "".join(f"{i}. {step}\n" for i, step in enumerate(steps, 1))
    return (
        "<!-- erk:metadata-block:plan-body -->\n"
        "<details>\n"
        "<summary><code>plan-body</code></summary>\n"
        "\n"
        f"## Summary\n\n{summary}\n\n## Steps\n\n{listed}"
        "\n"
        "</details>\n"
        "<!-- /erk:metadata-block:plan-body -->\n"
    )


#: The demo's learn workflow: the skeleton's trigger, inputs and run-name (its jobs left out).
LEARN_YAML = """\
name: Learn async
run-name: "Learn #${{ inputs.issue_number }} ${{ inputs.distinct_id }}"
on:
  workflow_dispatch:
    inputs:
      issue_number:
        description: Plan issue number
        required: true
        type: string
      distinct_id:
        description: Names the run in its title, so that the trigger finds its own run
        required: false
        type: string
jobs:
  learn:
    runs-on: ubuntu-latest
    steps:
      - run: echo "Learning from plan #${{ inputs.issue_number }}"
"""


#: erk's implementation workflow: it uploads the session as ``session-<session id>``, kept 30 days.
IMPL_WORKFLOW = "erk-impl.yml"
SESSION_RETENTION_DAYS = 30
IMPL_YAML = """\
name: Implement plan
run-name: "Implement #${{ inputs.issue_number }}"
on:
  workflow_dispatch:
    inputs:
      issue_number:
        required: true
        type: string
jobs:
  implement:
    runs-on: ubuntu-latest
    steps:
      - run: echo "Implementing plan #${{ inputs.issue_number }}"
      # then: actions/upload-artifact with name session-<session id>, retention-days: 30
"""
