"""The sandbox at scale, without gh: Link headers, search's cap, many_plans, targeted faults."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from learnlib.rules.plan_header import read_header
from learnlib.sandbox.core import Core
from learnlib.sandbox.schema import answer
from learnlib.sandbox.seed import DEMO_REPO, IMPL_WORKFLOW, demo_state, many_plans
from learnlib.sandbox.server import SandboxGitHub
from learnlib.sandbox.state import Repo, SandboxState
from tests.sandbox.test_sandbox import _api

ISSUES = f"/repos/{DEMO_REPO}/issues"
SEARCH = """query($q: String!, $after: String) {
  search(query: $q, type: ISSUE, first: 100, after: $after) {
    issueCount nodes { ... on Issue { number } } pageInfo { hasNextPage endCursor } } }"""


@pytest.fixture
def state() -> SandboxState:
    return demo_state()


@pytest.fixture
def sandbox(state: SandboxState) -> Iterator[SandboxGitHub]:
    with SandboxGitHub(state) as double:
        yield double


def test_rest_pages_carry_next_and_last_links(state: SandboxState, sandbox: SandboxGitHub) -> None:
    many_plans(state, 250)
    first = _api(sandbox, "GET", f"{ISSUES}?labels=erk-plan&state=closed&per_page=100")
    base = f"http://api.github.localhost{ISSUES}?labels=erk-plan&state=closed&per_page=100"
    assert first.headers["Link"] == f'<{base}&page=2>; rel="next", <{base}&page=3>; rel="last"'
    last = _api(sandbox, "GET", f"{ISSUES}?labels=erk-plan&state=closed&per_page=100&page=3")
    assert len(last.data) == 54 and 'rel="next"' not in last.headers["Link"]
    big = _api(sandbox, "GET", f"{ISSUES}?state=closed&per_page=500")
    assert len(big.data) == 100  # per_page is at most 100
    past = _api(sandbox, "GET", f"{ISSUES}?state=closed&per_page=100&page=9")
    assert past.data == []


def test_search_returns_at_most_1000_and_counts_them_all(state: SandboxState) -> None:
    many_plans(state, 1200)
    core, q = Core(state), f"repo:{DEMO_REPO} label:erk-plan state:closed"
    seen, after = [], None
    for _ in range(11):
        page = answer(core, SEARCH, {"q": q, "after": after}, None)["data"]["search"]
        assert page["issueCount"] == 1204  # and the demo's 4 landed plans
        seen += [n["number"] for n in page["nodes"]]
        after = page["pageInfo"]["endCursor"] or after
    assert len(seen) == 1000 == len(set(seen))
    assert page == {"issueCount": 1204, "nodes": [], "pageInfo": {"hasNextPage": False,
                                                                  "endCursor": None}}  # fmt: skip


def test_many_plans_makes_thousands(state: SandboxState) -> None:
    many_plans(state, 2000, learn_runs=("success",))
    many_plans(state, 3000)
    repo = state.repos[0]
    assert len(repo.issues) == 5011
    learn = repo.workflow("learn-async.yml")
    assert learn is not None
    assert sum(1 for r in repo.runs if r.workflow_id == learn.id) == 2002


def _header(repo: Repo, count: int, **options: object) -> dict[str, object]:
    [plan] = many_plans(repo, count, **options)  # type: ignore[arg-type]
    return read_header(plan.body)


def test_many_plans_session_kinds(state: SandboxState) -> None:
    repo, now = state.repos[0], time.time()
    impl = repo.workflow(IMPL_WORKFLOW)
    assert impl is not None
    for kind, expired in (("live", False), ("expired", True)):
        header = _header(repo, 1, session=kind)
        run = repo.run(int(str(header["last_remote_impl_run_id"])))
        assert run is not None and run.workflow_id == impl.id
        [artifact] = run.artifacts
        assert artifact.name == f"session-{header['last_remote_impl_session_id']}"
        assert (artifact.retention_days, artifact.expired(now)) == (30, expired)
    deleted = _header(repo, 1, session="deleted")
    assert repo.run(int(str(deleted["last_remote_impl_run_id"]))) is None
    missing = repo.run(int(str(_header(repo, 1, session="missing")["last_remote_impl_run_id"])))
    assert missing is not None and missing.artifacts == []
    local = _header(repo, 1, session="local")
    assert local["last_remote_impl_run_id"] is None and local["last_local_impl_session"]


def test_many_plans_learn_runs_oldest_first_and_the_header_names_the_last(
    state: SandboxState,
) -> None:
    repo = state.repos[0]
    header = _header(repo, 1, learn_runs=("failure", "timed_out", "in_progress"))
    assert header["learn_status"] == "pending"
    runs = [r for r in repo.runs if r.display_title == "Learn #5413"]
    assert [(r.status, r.conclusion) for r in runs] == [
        ("completed", "failure"),
        ("completed", "timed_out"),
        ("in_progress", None),
    ]
    assert runs == sorted(runs, key=lambda r: (r.created_at, r.id))
    assert header["learn_run_id"] == str(runs[-1].id)
    gone = _header(repo, 1, learn_runs=("deleted",))
    assert repo.run(int(str(gone["learn_run_id"]))) is None
    with pytest.raises(ValueError, match="learn_runs"):
        many_plans(repo, 1, learn_runs=("lost",))
    with pytest.raises(ValueError, match="session"):
        many_plans(repo, 1, session="gone")


def test_a_fault_for_one_page_or_one_run_leaves_the_others_alone(
    state: SandboxState, sandbox: SandboxGitHub
) -> None:
    many_plans(state, 300)
    sandbox.fail_next("issue_list", 503, page=3)
    assert _api(sandbox, "GET", f"{ISSUES}?state=closed&per_page=100&page=2").status == 200
    assert _api(sandbox, "GET", f"{ISSUES}?state=closed&per_page=100&page=3").status == 503
    assert _api(sandbox, "GET", f"{ISSUES}?state=closed&per_page=100&page=3").status == 200
    runs = f"/repos/{DEMO_REPO}/actions/runs"
    sandbox.fail_next("run_view", 404, run_id=21203400002)
    assert _api(sandbox, "GET", f"{runs}/21203400001").status == 200
    assert _api(sandbox, "GET", f"{runs}/21203400002").status == 404
    assert _api(sandbox, "GET", f"{runs}/21203400002").status == 200


def test_a_deleted_run_answers_404(sandbox: SandboxGitHub) -> None:
    runs = f"/repos/{DEMO_REPO}/actions/runs"
    assert _api(sandbox, "DELETE", f"{runs}/21203400001").status == 204
    assert _api(sandbox, "GET", f"{runs}/21203400001").status == 404
    assert _api(sandbox, "GET", f"{runs}/21203400001/artifacts").status == 404
    assert _api(sandbox, "DELETE", f"{runs}/21203400001").status == 404
