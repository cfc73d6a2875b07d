"""Plans at scale: ``many_plans`` makes thousands of plan issues, their implementation runs (with
session artifacts that live or expire) and their learn runs, in a fraction of a second."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from learnlib.sandbox.state import DAY, Artifact, Issue, Repo, Run, SandboxState, Workflow, iso_time
from learnlib.sandbox.texts import (
    IMPL_WORKFLOW,
    IMPL_YAML,
    LEARN_WORKFLOW,
    LEARN_YAML,
    PLAN_LABEL,
    SESSION_RETENTION_DAYS,
    plan_body,
    plan_header,
)

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
    body = plan_header(**fields) + "\n" + plan_body(f"Plan {n}.", [f"Do step {n}."])
    stamp = iso_time(created - 3600)
    return Issue(n, f"Plan {n}", body, [PLAN_LABEL], created_at=stamp, updated_at=stamp)


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
