"""Demo data: the repository ``learnlib-demo/plans`` with plan issues, a learn workflow and PRs.

Issues show each case the learn trigger must handle:

- #5406 a plan with remote session data (success; the header exactly as the planning tool writes it)
- #5407 not labelled ``erk-plan`` (refused)
- #5408 a plan with no session data (refused)
- #5409 a plan whose header YAML does not parse (refused)
- #5410 a plan already ``learn_status: pending`` (refused)
- #5411 a hand-edited CRLF header with comments and odd quoting, with local session data (success)
- #5412 a plan with session data and no ``learn_status`` key at all (success; the key is inserted)

Landed (closed) plans, for learn-backlog: #5401 never learned (its PR #10 is merged, so
``trigger-async-learn --pr 10`` finds it), #5402 learned, #5403 pending with a failed learn run,
#5404 whose session artifact expired (its implementation run is 45 days old).

Pull requests: #7 open and clean (closes #5406), #8 draft, #9 conflicting, #10 already merged
(closes #5401), #11 closed without merging.

The implementation runs the headers name (erk-impl.yml) hold ``session-<id>`` artifacts kept 30
days, dated from today.
"""

from __future__ import annotations

import time
import uuid

from learnlib.sandbox.plans import many_plans
from learnlib.sandbox.state import (
    DAY,
    Artifact,
    Issue,
    Label,
    PullRequest,
    Repo,
    Run,
    SandboxState,
    Workflow,
    iso_time,
)
from learnlib.sandbox.texts import (
    DEMO_REPO,
    HEADER_OPEN,
    IMPL_WORKFLOW,
    IMPL_YAML,
    LEARN_WORKFLOW,
    LEARN_YAML,
    PLAN_LABEL,
    plan_body,
    plan_header,
)

__all__ = [
    "DEMO_REPO",
    "IMPL_WORKFLOW",
    "LEARN_WORKFLOW",
    "LEARN_YAML",
    "demo_state",
    "many_plans",
    "plan_header",
]

_BODY_5406 = (
    plan_header()
    + "\n"
    + plan_body(
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
    + plan_body("Rename the `plans` module.", ["Rename it.", "Fix the imports."])
)

_BODY_5409 = (
    HEADER_OPEN + "schema_version: '2'\n"
    "created_at: '2026-01-23T15:45:00+00:00\n"
    "created_by: [someone\n"
    "last_remote_impl_run_id: '21203500995'\n"
    "  learn_status: null\n"
    "\n"
    "```\n"
    "\n"
    "</details>\n"
    "<!-- /erk:metadata-block:plan-header -->\n"
    "\n" + plan_body("Someone broke the header by hand.", ["Fix the header."])
)

_BODY_5410 = (
    plan_header(
        created_at="2026-01-24T10:00:00.000000+00:00",
        last_remote_impl_run_id="'21203500997'",
        learn_status="pending",
    )
    + "\n"
    + plan_body("Cache the workflow id.", ["Cache it."])
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


def _closed_plan(number: int, title: str, impl_run: int, **header: str) -> Issue:
    """A landed plan (closed), its header naming implementation run ``impl_run``."""
    day = number - 5396  # 5401 on January 5th ...
    stamp = f"2026-01-{day:02d}T08:00:00Z"
    text = plan_header(
        created_at=stamp.replace("Z", "+00:00"), last_remote_impl_run_id=f"'{impl_run}'", **header
    )
    body = text + "\n" + plan_body(title + ".", ["Do it.", "Test it."])
    issue = Issue(number, title, body, [PLAN_LABEL], created_at=stamp, updated_at=stamp)
    closed = f"2026-01-{day + 7:02d}T09:55:00Z"
    issue.state, issue.state_reason, issue.closed_at = "CLOSED", "COMPLETED", closed
    return issue


def _closed_plans() -> list[Issue]:
    """Landed plans for learn-backlog: never learned (#5401, whose PR #10 is merged), learned
    (#5402), whose learn run failed (#5403), whose session artifact expired (#5404)."""
    return [
        _closed_plan(5401, "Add a plan header parser", 21203500980),
        _closed_plan(
            5402,
            "Parse plan bodies",
            21203500982,
            learn_status="completed_no_plan",
            learn_run_id="'21203400001'",
        ),
        _closed_plan(
            5403,
            "Quote run ids in headers",
            21203500984,
            learn_status="pending",
            learn_run_id="'21203400002'",
        ),
        _closed_plan(5404, "An old plan whose session expired", 21203500986),
    ]


def _issue(number: int, title: str, body: str, *, plan: bool = True) -> Issue:
    labels = [PLAN_LABEL] if plan else [Label("bug", "d73a4a", "Something isn't working")]
    day = 20 + (number - 5406)
    stamp = f"2026-01-{day:02d}T09:12:44Z"
    return Issue(number, title, body, labels, created_at=stamp, updated_at=stamp)


#: The demo plans implemented remotely, the implementation run each header names and its age in
#: days: its session artifact is kept 30 days, so #5404's has expired.
_DEMO_IMPL_RUNS = {
    5401: (21203500980, 3),
    5402: (21203500982, 3),
    5403: (21203500984, 3),
    5404: (21203500986, 45),
    5406: (21203500990, 3),
    5410: (21203500997, 3),
    5412: (21203500999, 3),
}


def _run(
    wf: Workflow,
    ids: tuple[int, int],
    title: str,
    times: tuple[str, str],
    *,
    conclusion: str = "success",
    event: str = "workflow_dispatch",
) -> Run:
    """A completed run of ``wf``: (id, run number), title, (created, updated)."""
    inputs = {"issue_number": title.rsplit("#", 1)[-1]} if "#" in title else {}
    run_id, number = ids
    created, updated = times
    return Run(run_id, wf.id, title, number, event, "completed", conclusion,
               created_at=created, updated_at=updated, inputs=inputs)  # fmt: skip


def _impl_runs(impl: Workflow) -> list[Run]:
    """Each remotely implemented demo plan's run, its session artifact made when it ran."""
    runs = []
    for number, (run_id, age) in _DEMO_IMPL_RUNS.items():
        at = time.time() - age * DAY
        ids, stamp = (run_id, number - 5400), iso_time(at)
        run = _run(impl, ids, f"Implement #{number}", (stamp, stamp))
        session = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{DEMO_REPO}#{number}"))
        run.artifacts = [Artifact(run_id * 10, f"session-{session}", iso_time(at + 600), 30)]
        runs.append(run)
    return runs


def _workflows() -> tuple[Workflow, Workflow, Workflow]:
    """The demo's learn workflow, its CI, and erk's implementation workflow."""
    return (
        Workflow(221500001, "Learn async", f".github/workflows/{LEARN_WORKFLOW}", LEARN_YAML),
        Workflow(221500002, "CI", ".github/workflows/ci.yml", "name: CI\non: [push]\n"),
        Workflow(221500003, "Implement plan", f".github/workflows/{IMPL_WORKFLOW}", IMPL_YAML),
    )


def _runs(learn: Workflow, ci: Workflow, impl: Workflow) -> list[Run]:
    return [
        _run(learn, (21203400001, 1), "Learn #5402",
             ("2026-01-12T10:00:00Z", "2026-01-12T10:04:31Z")),
        _run(learn, (21203400002, 2), "Learn #5403",
             ("2026-01-15T14:30:00Z", "2026-01-15T14:31:12Z"), conclusion="failure"),
        _run(ci, (21203400003, 57), "Add plan header parser",
             ("2026-01-16T09:00:00Z", "2026-01-16T09:06:00Z"), event="push"),
        *_impl_runs(impl),
    ]  # fmt: skip


def _pull_requests() -> list[PullRequest]:
    return [
        PullRequest(7, "Add trigger for async learn", "P5406-add-trigger-async-learn",
                    body="Implements the plan.\n\nCloses #5406\n"),
        PullRequest(8, "WIP: rename the plans module", "P5408-rename-plans",
                    body="Part of #5408", is_draft=True, merge_state_status="DRAFT"),
        PullRequest(9, "Cache the workflow id", "P5410-cache-workflow-id", body="Closes #5410",
                    mergeable="CONFLICTING", merge_state_status="DIRTY"),
        PullRequest(10, "Add a plan header parser", "P5401-plan-header-parser",
                    body="Closes #5401", state="MERGED", mergeable="UNKNOWN",
                    merge_state_status="UNKNOWN", merged_at="2026-01-12T09:55:00Z",
                    closed_at="2026-01-12T09:55:00Z"),
        PullRequest(11, "Try a looser header parser", "P5409-loose-parser",
                    body="Superseded by a stricter approach.", state="CLOSED",
                    mergeable="UNKNOWN", merge_state_status="UNKNOWN",
                    closed_at="2026-01-14T08:00:00Z"),
    ]  # fmt: skip


def demo_state(*, landed: bool = True) -> SandboxState:
    """A fresh copy of the demo repository (safe to mutate); ``landed=False`` leaves out its
    landed plans #5401-#5404 (for tests whose closed plans must be their own)."""
    learn, ci, impl = _workflows()
    issues = [
        *(_closed_plans() if landed else []),
        _issue(5406, "Add trigger for async learn", _BODY_5406),
        _issue(5407, "Flaky dispatch test", _BODY_5407, plan=False),
        _issue(5408, "Rename the plans module", _BODY_5408),
        _issue(5409, "Plan with a broken header", _BODY_5409),
        _issue(5410, "Cache the workflow id", _BODY_5410),
        _issue(5411, "Support details-open headers", _BODY_5411),
        _issue(5412, "Older plan without learn_status", _BODY_5412),
    ]
    branches = ["P5406-add-trigger-async-learn", "P5408-rename-plans", "P5410-cache-workflow-id"]
    repo = Repo(
        owner="learnlib-demo",
        name="plans",
        default_branch="main",
        branches=["main", *branches],
        issues=issues,
        workflows=[learn, ci, impl],
        runs=_runs(learn, ci, impl),
        pull_requests=_pull_requests(),
    )
    return SandboxState([repo])
