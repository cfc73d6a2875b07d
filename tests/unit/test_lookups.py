"""Reads beyond one listing: a run by id looked at twice when fresh, the session artifact, and
the plans with the runs their decisions need, at a bounded number of requests."""

from __future__ import annotations

from typing import Any

from learnlib.gh.issues import issue_from_rest
from learnlib.gh.runner import GitHubCli
from learnlib.gh.runs import rest_run as to_run
from learnlib.rules import plan_header
from learnlib.rules.decision import decide
from learnlib.usecases.lookups import (
    look_up_run,
    named_run,
    read_plans,
    read_session,
    read_sessions,
)
from tests.gh_outputs import gh_json
from tests.unit.conftest import PLAN_BODY
from tests.unit.test_rest_lists import ISSUES, NOT_FOUND, RUNS, rest_issue, rest_run
from tests.virtual_time import VirtualTime

RUN = "repos/{owner}/{repo}/actions/runs/{id}"
ARTIFACTS = "repos/{owner}/{repo}/actions/runs/21203500990/artifacts?per_page=100"
HEADER = dict(plan_header.read_header(PLAN_BODY))


def run_url(run_id: int) -> list[str]:
    return ["gh", "api", RUN.format(owner="{owner}", repo="{repo}", id=run_id)]


def test_a_404_for_a_run_that_may_be_fresh_is_asked_again_after_a_pause(
    fp: Any, gh: GitHubCli
) -> None:
    fp.register(run_url(7), stderr=NOT_FOUND, returncode=1)
    fp.register(run_url(7), stdout=gh_json(rest_run(7)))
    slept: list[float] = []

    found = look_up_run(gh, 7, maybe_fresh=True, recheck_after=2.5, sleep=slept.append)

    assert found is not None and found.id == 7 and slept == [2.5]


def test_a_404_for_a_run_older_than_a_listed_one_is_gone_at_once(fp: Any, gh: GitHubCli) -> None:
    fp.register(run_url(7), stderr=NOT_FOUND, returncode=1)
    slept: list[float] = []
    assert look_up_run(gh, 7, maybe_fresh=False, sleep=slept.append) is None
    assert slept == [] and fp.call_count(run_url(7)) == 1


def artifacts(fp: Any, items: list[dict[str, Any]]) -> None:
    fp.register(
        ["gh", "api", ARTIFACTS], stdout=gh_json({"total_count": len(items), "artifacts": items})
    )


def test_a_local_session_needs_no_request(fp: Any, gh: GitHubCli) -> None:
    local = dict(HEADER, last_local_impl_session="abc")
    assert read_session(gh, local) is None
    assert not fp.calls  # no gh call was made


def test_the_session_verdicts(fp: Any, gh: GitHubCli) -> None:
    artifacts(
        fp, [{"id": 1, "name": "session-x", "expired": True, "expires_at": "2026-10-01T00:00:00Z"}]
    )
    check = read_session(gh, HEADER)
    assert check is not None and check.verdict == "expired" and "2026-10-01" in check.detail


def test_an_artifacts_404_with_the_run_gone_is_run_gone(fp: Any, gh: GitHubCli) -> None:
    fp.register(["gh", "api", ARTIFACTS], stderr=NOT_FOUND, returncode=1)
    fp.register(run_url(21203500990), stderr=NOT_FOUND, returncode=1)
    check = read_session(gh, HEADER)
    assert check is not None and check.verdict == "run_gone"


def test_an_artifacts_404_with_the_run_there_is_unreadable(fp: Any, gh: GitHubCli) -> None:
    fp.register(["gh", "api", ARTIFACTS], stderr=NOT_FOUND, returncode=1)
    fp.register(run_url(21203500990), stdout=gh_json(rest_run(21203500990)))
    check = read_session(gh, HEADER)
    assert check is not None and check.verdict == "unreadable" and not check.gone


def test_artifacts_that_cannot_be_read_are_unreadable(fp: Any, gh: GitHubCli) -> None:
    fp.register(
        ["gh", "api", ARTIFACTS],
        stderr="HTTP 403: Resource not accessible by integration (https://x)\n",
        returncode=1,
    )
    check = read_session(gh, HEADER)
    assert check is not None and check.verdict == "unreadable" and "403" in check.detail


def pending_body(run_id: int) -> str:
    return plan_header.set_values(
        PLAN_BODY, {"learn_status": "pending", "learn_run_id": str(run_id)}
    )


def test_300_pending_plans_old_failed_runs_and_deleted_ones_in_few_requests(
    fp: Any, gh: GitHubCli
) -> None:
    # plans 1..300; plan n's run is 10_000 + n; the 150 even plans' runs succeeded and are the
    # newest; the 150 odd plans' runs failed and are older; five odd plans' runs were deleted
    deleted = {10_001, 10_003, 10_005, 10_007, 10_009}
    issues = [rest_issue(n, body=pending_body(10_000 + n)) for n in range(300, 0, -1)]
    for page in (1, 2, 3):
        fp.register(
            ["gh", "api", ISSUES.format(page=page, owner="{owner}", repo="{repo}")],
            stdout=gh_json(issues[(page - 1) * 100 : page * 100]),
        )
    fp.register(["gh", "api", ISSUES.format(page=4, owner="{owner}", repo="{repo}")], stdout="[]\n")
    succeeded = [rest_run(10_000 + n, n) for n in range(300, 0, -2)]
    failed = [
        rest_run(10_000 + n, n, conclusion="failure")
        for n in range(299, 0, -2)
        if 10_000 + n not in deleted
    ]
    runs = sorted(succeeded, key=lambda r: -r["id"]) + sorted(failed, key=lambda r: -r["id"])
    for page in (1, 2, 3):
        answer = {"total_count": len(runs), "workflow_runs": runs[(page - 1) * 100 : page * 100]}
        fp.register(
            ["gh", "api", RUNS.format(page=page, owner="{owner}", repo="{repo}")],
            stdout=gh_json(answer),
        )
    for run_id in deleted:
        fp.register(run_url(run_id), stderr=NOT_FOUND, returncode=1)

    listing = read_plans(
        gh,
        label="erk-plan",
        workflow="learn-async.yml",
        state="closed",
        limit=500,
        sleep=lambda _: None,
    )

    assert listing.requests <= 20 and listing.complete and listing.gone == deleted
    actions = {}
    for issue in listing.issues:
        decision = decide(
            issue,
            listing.runs_for(issue),
            label="erk-plan",
            gone=listing.gone,
            complete=listing.runs_complete,
        )
        actions[issue.number] = decision.action
    assert all(actions[n] == "none" for n in range(2, 301, 2))
    assert all(actions[n] == "redispatch" for n in range(1, 300, 2))


def plan(number: int, body: str) -> Any:
    return issue_from_rest(rest_issue(number, body=body), "test")


def test_the_named_run_is_asked_for_only_when_the_listing_lacks_it(fp: Any, gh: GitHubCli) -> None:
    listed = [to_run(rest_run(90, 1), "t")]
    assert named_run(gh, plan(1, pending_body(90)), listed).runs == tuple(listed)  # no request
    assert named_run(gh, plan(1, PLAN_BODY), listed).runs == ()  # not pending: no request
    fp.register(run_url(50), stdout=gh_json(rest_run(50, 1, conclusion="failure")))
    found = named_run(gh, plan(1, pending_body(50)), listed)
    assert [run.id for run in found.runs] == [50] and not found.gone
    assert fp.call_count(run_url(50)) == 1


def test_a_named_run_newer_than_every_listed_run_is_looked_at_again(fp: Any, gh: GitHubCli) -> None:
    listed = [to_run(rest_run(90, 1), "t")]
    fp.register(run_url(95), stderr=NOT_FOUND, returncode=1, occurrences=3)
    slept: list[float] = []
    gone = named_run(gh, plan(1, pending_body(95)), listed, sleep=slept.append)
    assert gone.gone == {95} and len(slept) == 2 and fp.call_count(run_url(95)) == 3
    fp.register(run_url(60), stderr=NOT_FOUND, returncode=1)
    assert named_run(gh, plan(1, pending_body(60)), listed, sleep=slept.append).gone == {60}
    assert len(slept) == 2  # older than a listed run: one 404 is enough


def test_read_sessions_reads_only_remote_only_plans(fp: Any, gh: GitHubCli) -> None:
    local = plan_header.set_values(PLAN_BODY, {"last_local_impl_session": "abc"})
    artifacts(fp, [{"id": 1, "name": "session-x", "expired": False, "expires_at": None}])
    checks = read_sessions(gh, [plan(1, PLAN_BODY), plan(2, local)])
    assert list(checks) == [1] and checks[1].verdict == "live"


def test_a_run_that_may_be_fresh_is_looked_at_three_times_before_it_counts_as_gone(
    fp: Any, gh: GitHubCli
) -> None:
    """GitHub can take seconds to know a run just dispatched: 404, 404, then found."""
    fp.register(run_url(7), stderr=NOT_FOUND, returncode=1)
    fp.register(run_url(7), stderr=NOT_FOUND, returncode=1)
    fp.register(run_url(7), stdout=gh_json(rest_run(7)))
    slept: list[float] = []

    found = look_up_run(gh, 7, maybe_fresh=True, recheck_after=2.5, sleep=slept.append)

    assert found is not None and found.id == 7 and slept == [2.5, 5.0]


def test_a_run_that_stays_unknown_through_every_look_is_gone(fp: Any, gh: GitHubCli) -> None:
    fp.register(run_url(7), stderr=NOT_FOUND, returncode=1, occurrences=3)
    slept: list[float] = []

    assert look_up_run(gh, 7, maybe_fresh=True, recheck_after=2.5, sleep=slept.append) is None
    assert slept == [2.5, 5.0] and fp.call_count(run_url(7)) == 3


def test_a_run_that_cannot_be_looked_up_makes_the_listing_incomplete(
    fp: Any, gh: GitHubCli
) -> None:
    """A pending plan whose named run could not be read by id (not a 404) is decided without it:
    the listing says so instead of looking whole."""
    fp.register(
        ["gh", "api", ISSUES.format(page=1, owner="{owner}", repo="{repo}")],
        stdout=gh_json([rest_issue(1, body=pending_body(5))]),
    )
    answer = {"total_count": 1, "workflow_runs": [rest_run(90, 2)]}
    fp.register(
        ["gh", "api", RUNS.format(page=1, owner="{owner}", repo="{repo}")], stdout=gh_json(answer)
    )
    fp.register(run_url(5), stderr="HTTP 403: Resource not accessible (https://x)\n", returncode=1)

    listing = read_plans(
        gh, label="erk-plan", workflow="learn-async.yml", state="closed", limit=500
    )

    assert not listing.complete and listing.gone == frozenset()
    assert any("run 5" in why and "403" in why for why in listing.why), listing.why


def test_the_pause_before_asking_again_is_the_clients(
    fp: Any, gh: GitHubCli, virtual_time: VirtualTime
) -> None:
    fp.register(run_url(7), stderr=NOT_FOUND, returncode=1)
    fp.register(run_url(7), stdout=gh_json(rest_run(7)))

    found = look_up_run(gh, 7, maybe_fresh=True, recheck_after=2.5)

    assert found is not None and virtual_time.waits == [2.5]
