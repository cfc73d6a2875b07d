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

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

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


def _issue(number: int, title: str, body: str, *, plan: bool = True) -> Issue:
    labels = [_PLAN_LABEL] if plan else [Label("bug", "d73a4a", "Something isn't working")]
    day = 20 + (number - 5406)
    stamp = f"2026-01-{day:02d}T09:12:44Z"
    return Issue(number, title, body, labels, created_at=stamp, updated_at=stamp)


#: The demo plans implemented remotely, and the implementation run each header names.
_DEMO_IMPL_RUNS = {5406: 21203500990, 5410: 21203500997, 5412: 21203500999}


def _demo_impl_run(impl: Workflow, number: int, run_id: int) -> Run:
    """Plan ``number``'s implementation run, three days old, its session artifact live."""
    at = time.time() - 3 * DAY
    stamp = iso_time(at)
    session = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{DEMO_REPO}#{number}"))
    return Run(
        run_id,
        impl.id,
        f"Implement #{number}",
        number - 5400,
        status="completed",
        conclusion="success",
        created_at=stamp,
        updated_at=stamp,
        inputs={"issue_number": str(number)},
        artifacts=[Artifact(run_id * 10, f"session-{session}", iso_time(at + 600), 30)],
    )


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
    impl = Workflow(221500003, "Implement plan", f".github/workflows/{IMPL_WORKFLOW}", IMPL_YAML)
    runs += [_demo_impl_run(impl, number, run_id) for number, run_id in _DEMO_IMPL_RUNS.items()]
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
        workflows=[learn, ci, impl],
        runs=runs,
        pull_requests=prs,
    )
    return SandboxState([repo])


# ---------------------------------------------------------------------------------- at scale

#: The session data a plan's header names: a live artifact, an expired one, an implementation run
#: that was deleted, a run without a session artifact, a local session, or none at all.
SESSIONS = ("live", "expired", "deleted", "missing", "local", "none")
#: What a learn run of ``many_plans`` can be: a conclusion, a status, or deleted.
LEARN_RUN_STATES = {
    "success": ("completed", "success"),
    "failure": ("completed", "failure"),
    "cancelled": ("completed", "cancelled"),
    "timed_out": ("completed", "timed_out"),
    "startup_failure": ("completed", "startup_failure"),
    "queued": ("queued", None),
    "in_progress": ("in_progress", None),
    "deleted": ("completed", "success"),
}
_ANCHOR_NUMBER = 5400  # plan n of many_plans is dated (n - 5400) minutes after the anchor


def _anchor() -> float:
    """20 days before today (UTC midnight): many_plans' dates are stable within a day, in the
    past for plans numbered up to ~34,000, and live sessions are younger than 30 days."""
    return (time.time() // DAY) * DAY - 20 * DAY


def workflow_of(repo: Repo, file: str) -> Workflow:
    """The repository's workflow ``file`` (learn-async.yml or erk-impl.yml), added if missing."""
    found = repo.workflow(file)
    if found is not None:
        return found
    names = {
        LEARN_WORKFLOW: ("Learn async", LEARN_YAML),
        IMPL_WORKFLOW: ("Implement plan", IMPL_YAML),
    }
    name, text = names[file]
    wf = Workflow(221500001 + len(repo.workflows), name, f".github/workflows/{file}", text)
    if repo.workflow(wf.id) is not None:
        wf.id = max(w.id for w in repo.workflows) + 1
    repo.workflows.append(wf)
    return wf


class _RunMaker:
    """Makes many runs fast: ids and run numbers counted here, not searched for each run."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.numbers: dict[int, int] = {}

    def make(self, file: str, title: str, number: int, at: float, state: str = "success") -> Run:
        wf = workflow_of(self.repo, file)
        if wf.id not in self.numbers:
            self.numbers[wf.id] = max(
                (r.run_number for r in self.repo.runs if r.workflow_id == wf.id), default=0
            )
        self.numbers[wf.id] += 1
        status, conclusion = LEARN_RUN_STATES[state]
        stamp = iso_time(at)
        run = Run(
            self.repo.next_run_id,
            wf.id,
            title,
            self.numbers[wf.id],
            status=status,
            conclusion=conclusion,
            created_at=stamp,
            updated_at=stamp,
            inputs={"issue_number": str(number)},
        )
        self.repo.next_run_id += 1
        if state != "deleted":
            self.repo.runs.append(run)
        return run


def add_impl_run(
    repo: Repo,
    number: int,
    *,
    at: float,
    session_id: str | None,
    retention_days: int = SESSION_RETENTION_DAYS,
    maker: _RunMaker | None = None,
) -> Run:
    """A successful implementation run of plan ``number`` at ``at`` (epoch seconds), with the
    artifact ``session-<session_id>`` kept ``retention_days`` (None: no session artifact)."""
    run = (maker or _RunMaker(repo)).make(IMPL_WORKFLOW, f"Implement #{number}", number, at)
    if session_id is not None:
        stamp = iso_time(at + 600)
        run.artifacts.append(Artifact(run.id * 10, f"session-{session_id}", stamp, retention_days))
    return run


def many_plans(
    target: SandboxState | Repo,
    count: int,
    *,
    state: str = "CLOSED",
    learn_status: str | None = None,
    first_number: int | None = None,
    session: str = "live",
    learn_runs: Sequence[str] = (),
) -> list[Issue]:
    """Add ``count`` plan issues (``erk-plan``) to ``target`` (a repository, or the first one of
    a state), numbered after its last issue or pull request; fast enough for thousands.

    ``state``: OPEN or CLOSED (a landed plan, the default). ``session``: what the header's
    session data is (see ``SESSIONS``): ``live`` names an implementation run (erk-impl.yml) a
    day old whose ``session-<id>`` artifact is kept 30 days, ``expired`` one 40 days old,
    ``deleted`` a run that no longer exists, ``missing`` a run without a session artifact,
    ``local`` a local session, ``none`` nothing. ``learn_runs``: the plan's learn runs, oldest
    first (see ``LEARN_RUN_STATES``, e.g. ``("failure", "failure")``); then the header is
    ``pending`` with the last one's ``learn_run_id`` unless ``learn_status`` says otherwise.
    Plan n is dated (n - 5400) minutes after an anchor 20 days back; its learn runs a few seconds
    later, so later plans' runs are newer and every run is older than a dispatch made now.
    """
    if state not in {"OPEN", "CLOSED"}:
        raise ValueError(f"state must be OPEN or CLOSED, not {state!r}")
    if session not in SESSIONS:
        raise ValueError(f"session must be one of {SESSIONS}, not {session!r}")
    unknown = sorted(set(learn_runs) - set(LEARN_RUN_STATES))
    if unknown or len(learn_runs) > 30:
        raise ValueError(f"learn_runs: at most 30 of {sorted(LEARN_RUN_STATES)}, not {unknown}")
    repo = target.repos[0] if isinstance(target, SandboxState) else target
    numbers = [i.number for i in repo.issues] + [p.number for p in repo.pull_requests]
    start = first_number if first_number is not None else max(numbers, default=0) + 1
    maker, anchor = _RunMaker(repo), _anchor()
    spec = _PlanSpec(session, tuple(learn_runs), learn_status)
    added = [
        _plan(maker, n, anchor + (n - _ANCHOR_NUMBER) * 60, spec)
        for n in range(start, start + count)
    ]
    for issue in added if state == "CLOSED" else ():
        issue.state, issue.state_reason, issue.closed_at = "CLOSED", "COMPLETED", issue.updated_at
    repo.issues.extend(added)
    return added


@dataclass(frozen=True)
class _PlanSpec:
    session: str
    learn_runs: tuple[str, ...]
    learn_status: str | None


def _plan(maker: _RunMaker, n: int, at: float, spec: _PlanSpec) -> Issue:
    """Plan ``n``, dated ``at``, with its implementation run and learn runs (see many_plans)."""
    created = at - (40 * DAY if spec.session == "expired" else DAY)
    fields = {
        "created_at": iso_time(created - 3600).replace("Z", "+00:00"),
        **_session_fields(maker, n, created, spec.session),
    }
    runs = [
        maker.make(LEARN_WORKFLOW, f"Learn #{n}", n, at + j, kind)
        for j, kind in enumerate(spec.learn_runs)
    ]
    if runs:
        fields["learn_run_id"] = f"'{runs[-1].id}'"
    fields["learn_status"] = spec.learn_status or ("pending" if runs else "null")
    body = plan_header(**fields) + "\n" + _plan_body(f"Plan {n}.", [f"Do step {n}."])
    stamp = iso_time(created - 3600)
    return Issue(n, f"Plan {n}", body, [_PLAN_LABEL], created_at=stamp, updated_at=stamp)


def _session_fields(maker: _RunMaker, n: int, at: float, session: str) -> dict[str, str]:
    """The header's session lines for plan ``n`` implemented at ``at``, the run made."""
    session_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{maker.repo.full_name}#{n}"))
    if session in {"local", "none"}:
        local = f"'{session_id}'" if session == "local" else "null"
        return {"last_remote_impl_run_id": "null", "last_local_impl_session": local}
    if session == "deleted":
        impl = maker.make(IMPL_WORKFLOW, f"Implement #{n}", n, at, "deleted")
    else:
        kept = None if session == "missing" else session_id
        impl = add_impl_run(maker.repo, n, at=at, session_id=kept, maker=maker)
    return {
        "last_remote_impl_run_id": f"'{impl.id}'",
        "last_remote_impl_session_id": f"'{session_id}'",
    }
