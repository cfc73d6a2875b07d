"""Demo data: the repository ``learnlib-demo/plans`` with plan issues, a learn workflow and PRs.

Issues show each case the learn trigger must handle:

- #5406 a plan with remote session data (success; the header exactly as the planning tool writes it)
- #5407 not labelled ``erk-plan`` (refused)
- #5408 a plan with no session data (refused)
- #5409 a plan whose header YAML does not parse (refused)
- #5410 a plan already ``learn_status: pending`` (refused)
- #5411 a hand-edited CRLF header with comments and odd quoting, with local session data (success)
- #5412 a plan with session data and no ``learn_status`` key at all (success; the key is inserted)

Pull requests: #7 open and clean (closes #5406), #8 draft, #9 conflicting, #10 already merged,
#11 closed without merging.
"""

from __future__ import annotations

from learnlib.sandbox.state import Issue, Label, PullRequest, Repo, Run, SandboxState, Workflow

__all__ = ["DEMO_REPO", "LEARN_WORKFLOW", "LEARN_YAML", "demo_state", "many_plans", "plan_header"]

DEMO_REPO = "learnlib-demo/plans"
LEARN_WORKFLOW = "learn-async.yml"

_PLAN_LABEL = Label("erk-plan", "0e8a16", "An implementation plan written by erk")


def plan_header(
    *,
    created_at: str = "2026-01-20T09:12:44.512031+00:00",
    created_by: str = "someone",
    last_remote_impl_run_id: str = "'21203500990'",
    last_local_impl_session: str = "null",
    learn_status: str = "null",
) -> str:
    """A plan-header block as the planning tool writes it (values are YAML text, as written)."""
    return (
        "<!-- WARNING: Machine-generated. Manual edits may break erk tooling. -->\n"
        "<!-- erk:metadata-block:plan-header -->\n"
        "<details>\n"
        "<summary><code>plan-header</code></summary>\n"
        "\n"
        "```yaml\n"
        "\n"
        "schema_version: '2'\n"
        f"created_at: '{created_at}'\n"
        f"created_by: {created_by}\n"
        f"last_remote_impl_run_id: {last_remote_impl_run_id}\n"
        f"last_local_impl_session: {last_local_impl_session}\n"
        f"learn_status: {learn_status}\n"
        "\n"
        "```\n"
        "\n"
        "</details>\n"
        "<!-- /erk:metadata-block:plan-header -->\n"
    )


def _plan_body(summary: str, steps: list[str]) -> str:
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


_BODY_5406 = (
    plan_header()
    + "\n"
    + _plan_body(
        "Add an invoke task that dispatches the async learn workflow for a plan issue once its "
        "implementation PR has landed, and records `learn_status: pending` in the plan header.",
        [
            "Read the plan issue with `gh issue view --json body,labels`.",
            "Refuse issues that are not plans or have no session data.",
            "Dispatch `learn-async.yml` with `issue_number` and find the new run.",
            "Write `learn_status: pending` back, changing one line of the body.",
        ],
    )
    + "\n"
    + "The workflow is declared like this (for reference, not a header):\n"
    + "\n"
    + "```yaml\n"
    + "on:\n"
    + "  workflow_dispatch:\n"
    + "    inputs:\n"
    + "      issue_number:\n"
    + "        required: true\n"
    + "learn_status: not-a-header-field\n"
    + "```\n"
    + "\n"
    + "Notes from the session: keep the header diff to one line. Ünïcödé stays intact — ✓.\n"
)

_BODY_5407 = (
    "Flaky test in `test_dispatch.py` when the runner is slow.\n"
    "\n"
    "This is a bug report, not a plan, even though it quotes a header:\n"
    "\n" + plan_header(created_at="2026-01-21T08:00:00+00:00")
)

_BODY_5408 = (
    plan_header(
        created_at="2026-01-22T11:30:05.000000+00:00",
        last_remote_impl_run_id="null",
    )
    + "\n"
    + _plan_body("Rename the `plans` module.", ["Rename it.", "Fix the imports."])
)

_BODY_5409 = (
    "<!-- WARNING: Machine-generated. Manual edits may break erk tooling. -->\n"
    "<!-- erk:metadata-block:plan-header -->\n"
    "<details>\n"
    "<summary><code>plan-header</code></summary>\n"
    "\n"
    "```yaml\n"
    "\n"
    "schema_version: '2'\n"
    "created_at: '2026-01-23T15:45:00+00:00\n"
    "created_by: [someone\n"
    "last_remote_impl_run_id: '21203500995'\n"
    "  learn_status: null\n"
    "\n"
    "```\n"
    "\n"
    "</details>\n"
    "<!-- /erk:metadata-block:plan-header -->\n"
    "\n" + _plan_body("Someone broke the header by hand.", ["Fix the header."])
)

_BODY_5410 = (
    plan_header(
        created_at="2026-01-24T10:00:00.000000+00:00",
        last_remote_impl_run_id="'21203500997'",
        learn_status="pending",
    )
    + "\n"
    + _plan_body("Cache the workflow id.", ["Cache it."])
)

_BODY_5411 = "\r\n".join(
    [
        "Hand-edited in the web editor; keep my notes above the header.",
        "",
        "<!-- erk:metadata-block:plan-header -->",
        "<details open>",
        "<summary><code>plan-header</code></summary>",
        "",
        "```yaml",
        "# edited by hand after the local session",
        'schema_version: "2"',
        "created_at: 2026-01-25T16:20:00+00:00   # unquoted timestamp",
        "created_by:   someone",
        "",
        "last_remote_impl_run_id: ~",
        'last_local_impl_session: "sess-3f9a\'b2"  # local run',
        "learn_status:   ~",
        "",
        "```",
        "",
        "</details>",
        "<!-- /erk:metadata-block -->",
        "",
        "<!-- erk:metadata-block:plan-body -->",
        "<details>",
        "<summary><code>plan-body</code></summary>",
        "",
        "Support `<details open>` headers.",
        "",
        "</details>",
        "<!-- /erk:metadata-block:plan-body -->",
        "",
    ]
)

_BODY_5412 = (
    "<!-- erk:metadata-block:plan-header -->\n"
    "<details>\n"
    "<summary><code>plan-header</code></summary>\n"
    "\n"
    "```yaml\n"
    "schema_version: '2'\n"
    "created_at: '2026-01-26T09:00:00.000000+00:00'\n"
    "created_by: someone\n"
    "worktree_name: P5412-older-schema\n"
    "last_remote_impl_run_id: '21203500999'\n"
    "```\n"
    "\n"
    "</details>\n"
    "<!-- /erk:metadata-block:plan-header -->\n"
    "\n"
    "An older plan written before `learn_status` existed.\n"
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


def _issue(number: int, title: str, body: str, *, plan: bool = True) -> Issue:
    labels = [_PLAN_LABEL] if plan else [Label("bug", "d73a4a", "Something isn't working")]
    day = 20 + (number - 5406)
    stamp = f"2026-01-{day:02d}T09:12:44Z"
    return Issue(number, title, body, labels, created_at=stamp, updated_at=stamp)


def demo_state() -> SandboxState:
    """A fresh copy of the demo repository (safe to mutate)."""
    learn = Workflow(221500001, "Learn async", ".github/workflows/learn-async.yml", LEARN_YAML)
    ci = Workflow(221500002, "CI", ".github/workflows/ci.yml", "name: CI\non: [push]\n")
    runs = [
        Run(
            id=21203400001,
            workflow_id=learn.id,
            display_title="Learn #5300",
            run_number=1,
            status="completed",
            conclusion="success",
            created_at="2026-01-12T10:00:00Z",
            updated_at="2026-01-12T10:04:31Z",
            inputs={"issue_number": "5300"},
        ),
        Run(
            id=21203400002,
            workflow_id=learn.id,
            display_title="Learn #5311",
            run_number=2,
            status="completed",
            conclusion="failure",
            created_at="2026-01-15T14:30:00Z",
            updated_at="2026-01-15T14:31:12Z",
            inputs={"issue_number": "5311"},
        ),
        Run(
            id=21203400003,
            workflow_id=ci.id,
            display_title="Add plan header parser",
            run_number=57,
            event="push",
            status="completed",
            conclusion="success",
            created_at="2026-01-16T09:00:00Z",
            updated_at="2026-01-16T09:06:00Z",
        ),
    ]
    issues = [
        _issue(5406, "Add trigger for async learn", _BODY_5406),
        _issue(5407, "Flaky dispatch test", _BODY_5407, plan=False),
        _issue(5408, "Rename the plans module", _BODY_5408),
        _issue(5409, "Plan with a broken header", _BODY_5409),
        _issue(5410, "Cache the workflow id", _BODY_5410),
        _issue(5411, "Support details-open headers", _BODY_5411),
        _issue(5412, "Older plan without learn_status", _BODY_5412),
    ]
    prs = [
        PullRequest(
            7,
            "Add trigger for async learn",
            "P5406-add-trigger-async-learn",
            body="Implements the plan.\n\nCloses #5406\n",
        ),
        PullRequest(
            8,
            "WIP: rename the plans module",
            "P5408-rename-plans",
            body="Part of #5408",
            is_draft=True,
            merge_state_status="DRAFT",
        ),
        PullRequest(
            9,
            "Cache the workflow id",
            "P5410-cache-workflow-id",
            body="Closes #5410",
            mergeable="CONFLICTING",
            merge_state_status="DIRTY",
        ),
        PullRequest(
            10,
            "Add plan header parser",
            "P5300-plan-header-parser",
            body="Closes #5300",
            state="MERGED",
            mergeable="UNKNOWN",
            merge_state_status="UNKNOWN",
            merged_at="2026-01-12T09:55:00Z",
            closed_at="2026-01-12T09:55:00Z",
        ),
        PullRequest(
            11,
            "Try a looser header parser",
            "P5409-loose-parser",
            body="Superseded by a stricter approach.",
            state="CLOSED",
            mergeable="UNKNOWN",
            merge_state_status="UNKNOWN",
            closed_at="2026-01-14T08:00:00Z",
        ),
    ]
    repo = Repo(
        owner="learnlib-demo",
        name="plans",
        default_branch="main",
        branches=[
            "main",
            "P5406-add-trigger-async-learn",
            "P5408-rename-plans",
            "P5410-cache-workflow-id",
        ],
        issues=issues,
        workflows=[learn, ci],
        runs=runs,
        pull_requests=prs,
    )
    return SandboxState([repo])


def many_plans(
    target: SandboxState | Repo,
    count: int,
    *,
    state: str = "CLOSED",
    learn_status: str = "null",
    first_number: int | None = None,
) -> list[Issue]:
    """Add ``count`` plan issues, ready to learn from (session data, ``erk-plan``), to ``target``
    (a repository, or the first one of a state), numbered after its last issue or pull request.

    ``state``: OPEN or CLOSED (a landed plan, the default). One minute apart, oldest first.
    """
    if state not in {"OPEN", "CLOSED"}:
        raise ValueError(f"state must be OPEN or CLOSED, not {state!r}")
    repo = target.repos[0] if isinstance(target, SandboxState) else target
    numbers = [i.number for i in repo.issues] + [p.number for p in repo.pull_requests]
    start = first_number if first_number is not None else max(numbers, default=0) + 1
    added = []
    for n in range(start, start + count):
        minutes = n - start
        stamp = f"2026-02-{1 + minutes // 1440:02d}T{minutes // 60 % 24:02d}:{minutes % 60:02d}:00Z"
        header = plan_header(
            created_at=stamp.replace("Z", "+00:00"),
            last_remote_impl_run_id=f"'{21204000000 + n}'",
            learn_status=learn_status,
        )
        body = header + "\n" + _plan_body(f"Plan {n}.", [f"Do step {n}."])
        issue = Issue(n, f"Plan {n}", body, [_PLAN_LABEL], created_at=stamp, updated_at=stamp)
        if state == "CLOSED":
            issue.state, issue.state_reason, issue.closed_at = "CLOSED", "COMPLETED", stamp
        repo.issues.append(issue)
        added.append(issue)
    return added
