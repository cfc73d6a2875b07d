"""Landing over a faked gh: every refusal, the plan issue, the merge, learning, and the task."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from pytest_subprocess import fake_process

from learnlib.gh.prs import PR_FIELDS
from learnlib.gh.runner import GitHubCli
from learnlib.rules.records import PullRequest
from learnlib.tasks.render import land_payload
from learnlib.usecases.land import LandOptions, LandResult, find_plan_issue, land_pull_request
from tests.gh_outputs import gh_json
from tests.unit.conftest import PLAN_BODY, FakeGh, run_task

PR = 7
PLAN = 5406
OID = "a1b2c3d4" * 5
BRANCH = "P5406-add-trigger-async-learn"
RUN_URL = "https://github.com/o/r/actions/runs/99"
HEAD_REF_ARGS = ["-f", fake_process.FakeProcess.any(min=1, max=1)]
HEAD_REF_ARGS += ["-f", "owner=o", "-f", "name=r", "-F", f"number={PR}"]
BAD_GATEWAY = "HTTP 502: Bad Gateway (https://api.github.com/graphql)\n"


def pr_output(number: int = PR, **changes: Any) -> str:
    values: dict[str, Any] = {
        "number": number,
        "title": "Add trigger for async learn",
        "body": "Implements the plan.\n\nCloses #5406\n",
        "state": "OPEN",
        "isDraft": False,
        "mergeable": "MERGEABLE",
        "mergeStateStatus": "CLEAN",
        "headRefName": BRANCH,
        "baseRefName": "main",
        "headRefOid": OID,
        "url": f"https://github.com/o/r/pull/{number}",
    }
    values.update(changes)
    return gh_json({name: values[name] for name in sorted(values)})


def pull_request(head: str = BRANCH, body: str = "") -> PullRequest:
    return PullRequest(
        number=PR,
        title="t",
        body=body,
        state="OPEN",
        is_draft=False,
        mergeable="MERGEABLE",
        merge_state_status="CLEAN",
        head_ref_name=head,
        base_ref_name="main",
        head_ref_oid=OID,
        url="u",
    )


@dataclass
class LandGh(FakeGh):
    """FakeGh with pull requests, and the calls of a whole trigger."""

    asked: list[int] = field(default_factory=list)

    def pr_view(self, number: int | None = PR, **changes: Any) -> None:
        selector = [] if number is None else [str(number)]
        self.fp.register(
            ["gh", "pr", "view", *selector, "--json", PR_FIELDS],
            stdout=pr_output(PR if number is None else number, **changes),
        )

    def pr_view_fails(self, number: int | None, stderr: str) -> None:
        selector = [] if number is None else [str(number)]
        self.fp.register(
            ["gh", "pr", "view", *selector, "--json", PR_FIELDS], stderr=stderr, returncode=1
        )

    def pr_merge(
        self,
        method: str = "squash",
        *,
        delete_branch: bool = False,
        stderr: str = "",
        returncode: int = 0,
        then: str = "MERGED",
        branch_left: bool = False,
    ) -> None:
        """A merge; when gh succeeds, the PR read back afterwards is in state ``then``, and
        with --delete-branch GitHub is asked whether the head branch is gone."""
        argv = ["gh", "pr", "merge", str(PR), f"--{method}"]
        argv += ["--delete-branch"] if delete_branch else []
        self.fp.register([*argv, "--match-head-commit", OID], stderr=stderr, returncode=returncode)
        if returncode == 0:
            self.pr_view(PR, state=then)
            if delete_branch and then == "MERGED":
                self.head_ref(exists=branch_left)

    def head_ref(self, *, exists: bool, stderr: str = "", repo: list[str] | None = None) -> None:
        head = {"name": BRANCH} if exists else None
        data = {"data": {"repository": {"pullRequest": {"headRef": head}}}}
        self.fp.register(
            ["gh", "api", "graphql", "--hostname", "github.com", *HEAD_REF_ARGS],
            stdout="" if stderr else gh_json(data),
            stderr=stderr,
            returncode=1 if stderr else 0,
        )

    def merges(self) -> int:
        return self.count("pr", "merge", self.fp.any())

    def trigger(self, *, dispatch_stderr: str = "") -> None:
        """The calls of a successful trigger (or one whose dispatch is refused)."""
        self.issue_view(PLAN)
        if dispatch_stderr:
            self.workflow_run(PLAN, stderr=dispatch_stderr, returncode=1)
            return
        self.workflow_run(PLAN, stdout=RUN_URL + "\n")
        self.issue_body(PLAN, PLAN_BODY)
        self.issue_edit(PLAN)

    def ask(self, answer: bool) -> Callable[[int], bool]:
        def ask(plan_issue: int) -> bool:
            self.asked.append(plan_issue)
            return answer

        return ask


@pytest.fixture
def fake(gh_fake: FakeGh) -> LandGh:
    """On the same fake as conftest's gh_fake, with whatever it registers for every trigger."""
    return LandGh(gh_fake.fp)


def run(gh: GitHubCli, **options: Any) -> LandResult:
    ask = options.pop("ask", None)
    return land_pull_request(gh, LandOptions(**{"learn": False, **options}), ask=ask)


# --------------------------------------------------------------------------- refusals


@pytest.mark.gh_optional("repo_view", "side_reads")
@pytest.mark.parametrize(
    ("changes", "error_type", "words"),
    [
        ({"state": "CLOSED"}, "pr_closed", "is closed"),
        ({"state": "MERGED", "mergeStateStatus": "UNKNOWN"}, "pr_already_merged", "already merged"),
        ({"isDraft": True, "mergeStateStatus": "DRAFT"}, "pr_draft", "is a draft"),
        ({"mergeable": "CONFLICTING"}, "pr_not_mergeable", "merge conflicts with main"),
        ({"mergeStateStatus": "DIRTY"}, "pr_not_mergeable", "merge conflicts with main"),
        ({"mergeStateStatus": "BLOCKED"}, "pr_not_mergeable", "required checks are failing"),
        ({"mergeStateStatus": "BEHIND"}, "pr_not_mergeable", "behind main"),
    ],
    ids=["closed", "merged", "draft", "conflicting", "dirty", "blocked", "behind"],
)
def test_unmergeable_pull_requests_are_refused_and_not_merged(
    gh: GitHubCli, fake: LandGh, changes: dict[str, Any], error_type: str, words: str
) -> None:
    fake.pr_view(**changes)
    # No `gh pr merge` is registered: calling it would fail the test.

    result = run(gh, pr_number=PR, learn=True)

    assert (result.success, result.merged, result.error_type) == (False, False, error_type)
    assert words in (result.error or "") and f"#{PR}" in (result.error or "")
    assert result.detail and result.learn is None
    assert fake.merges() == 0


@pytest.mark.gh_optional("repo_view", "side_reads")
@pytest.mark.parametrize(
    ("number", "stderr"),
    [
        (42, "GraphQL: Could not resolve to a PullRequest with the number of 42. (repository)\n"),
        (None, 'no pull requests found for branch "main"\n'),
    ],
    ids=["numbered", "current-branch"],
)
def test_missing_pull_request_is_pr_not_found(
    gh: GitHubCli, fake: LandGh, number: int | None, stderr: str
) -> None:
    fake.pr_view_fails(number, stderr)

    result = run(gh, pr_number=number)

    assert (result.error, result.error_type, result.merged) == (
        "Pull request not found",
        "pr_not_found",
        False,
    )
    assert fake.merges() == 0


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_unstable_checks_merge_with_a_warning(gh: GitHubCli, fake: LandGh) -> None:
    fake.pr_view(mergeStateStatus="UNSTABLE")
    fake.pr_merge()

    result = run(gh, pr_number=PR)

    assert result.success and result.merged
    assert any("not required" in warning for warning in result.warnings)


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_unknown_mergeability_lets_github_decide(gh: GitHubCli, fake: LandGh) -> None:
    fake.pr_view(mergeable="UNKNOWN", mergeStateStatus="UNKNOWN")
    fake.pr_merge()

    result = run(gh, pr_number=PR)

    assert result.success and result.merged and result.warnings == ()


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_the_current_branch_pull_request_is_read_without_a_number(
    gh: GitHubCli, fake: LandGh
) -> None:
    fake.pr_view(None)
    fake.pr_merge()

    result = run(gh)

    assert result.merged and result.pr_number == PR


# --------------------------------------------------------------------------- the plan issue


def test_option_wins_over_branch_and_body() -> None:
    pr = pull_request(head="P5406-x", body="Closes #12")
    assert find_plan_issue(pr, 99) == (99, "option")


def test_branch_prefix_wins_over_body() -> None:
    assert find_plan_issue(pull_request(head="P5406-x", body="Closes #12"), None) == (
        5406,
        "branch",
    )


@pytest.mark.parametrize(
    "head", ["feature/P5406-x", "p5406-x", "P5406", "Px-5406", "P0-zero", "PR5406-x"]
)
def test_branches_without_a_plan_prefix_fall_back_to_the_body(head: str) -> None:
    assert find_plan_issue(pull_request(head=head, body="Fixes #12"), None) == (12, "pr_body")


KEYWORDS = ["close", "closes", "closed", "fix", "fixes", "fixed", "resolve", "resolves", "resolved"]


@pytest.mark.parametrize("keyword", KEYWORDS + [k.upper() for k in KEYWORDS] + ["Closes", "fiXeD"])
@pytest.mark.parametrize("separator", [" ", ": ", ":", "  "])
def test_every_closing_keyword_form_is_found_in_the_body(keyword: str, separator: str) -> None:
    body = f"Implements the plan.\n\n{keyword}{separator}#5406, see also #1\n"
    assert find_plan_issue(pull_request(head="feature", body=body), None) == (5406, "pr_body")


@pytest.mark.parametrize(
    "body",
    [
        "Closes other/repo#5406",
        "Closes owner/name#5406",
        "Part of #5406",
        "Closing #5406",
        "prefixes #5406",
        "Closes 5406",
        "Closes #",
        "",
    ],
)
def test_other_references_are_not_plan_issues(body: str) -> None:
    assert find_plan_issue(pull_request(head="feature", body=body), None) == (None, None)


def test_first_bare_closing_reference_wins() -> None:
    body = "Closes other/repo#1\nFixes #22\nResolves #33\n"
    assert find_plan_issue(pull_request(head="feature", body=body), None) == (22, "pr_body")


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_plan_issue_source_is_reported(gh: GitHubCli, fake: LandGh) -> None:
    fake.pr_view(headRefName="feature", body="Resolves: #5406")
    fake.pr_merge()

    result = run(gh, pr_number=PR)

    assert (result.plan_issue, result.plan_issue_source) == (5406, "pr_body")


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_no_plan_issue_lands_without_learning_and_says_so(gh: GitHubCli, fake: LandGh) -> None:
    fake.pr_view(headRefName="feature", body="No reference here")
    fake.pr_merge()

    result = run(gh, pr_number=PR, learn=True, ask=fake.ask(True))

    assert result.success and result.merged
    assert (result.plan_issue, result.plan_issue_source, result.learn) == (None, None, None)
    assert "no plan issue" in (result.learn_skipped or "")
    assert fake.asked == []


# --------------------------------------------------------------------------- the merge


@pytest.mark.gh_optional("repo_view", "side_reads")
@pytest.mark.parametrize("method", ["squash", "merge", "rebase"])
@pytest.mark.parametrize("delete_branch", [False, True])
def test_merge_argv_pins_the_checked_head(
    gh: GitHubCli, fake: LandGh, method: str, delete_branch: bool
) -> None:
    fake.pr_view()
    fake.pr_merge(method, delete_branch=delete_branch)

    result = run(gh, pr_number=PR, merge_method=method, delete_branch=delete_branch)

    assert result.success and result.merged and result.merge_method == method
    assert fake.merges() == 1


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_transient_merge_failure_then_merged_pr_counts_as_merged(
    gh: GitHubCli, fake: LandGh
) -> None:
    fake.pr_view()
    fake.pr_merge(stderr=BAD_GATEWAY, returncode=1)
    fake.pr_view(state="MERGED", mergeable="UNKNOWN", mergeStateStatus="UNKNOWN")

    result = run(gh, pr_number=PR)

    assert result.success and result.merged
    assert fake.merges() == 1
    assert any("Bad Gateway" in warning for warning in result.warnings)


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_transient_merge_failure_on_an_open_pr_is_not_retried(gh: GitHubCli, fake: LandGh) -> None:
    fake.pr_view()
    fake.pr_merge(stderr=BAD_GATEWAY, returncode=1)
    fake.pr_view()

    result = run(gh, pr_number=PR)

    assert (result.success, result.merged, result.error_type) == (False, False, "merge_failed")
    assert "not retried" in (result.detail or "")
    assert fake.merges() == 1


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_rejected_merge_is_not_looked_at_again(gh: GitHubCli, fake: LandGh) -> None:
    fake.pr_view()
    fake.issue_view(PLAN)  # the check before the merge (--learn)
    message = "GraphQL: Head branch was modified. Review and try the merge again. (mergePr)\n"
    fake.pr_merge(stderr=message, returncode=1)

    result = run(gh, pr_number=PR, learn=True)

    assert (result.merged, result.error, result.error_type) == (
        False,
        f"Failed to merge pull request #{PR}",
        "merge_failed",
    )
    assert "Head branch was modified" in (result.detail or "") and result.learn is None
    assert fake.count("pr", "view", str(PR), "--json", PR_FIELDS) == 1


# --------------------------------------------------------------------------- learning


def test_learn_triggers_the_plan_after_the_merge(gh: GitHubCli, fake: LandGh) -> None:
    fake.pr_view()
    fake.issue_view(PLAN)  # the check before the merge (--learn)
    fake.pr_merge()
    fake.trigger()

    result = run(gh, pr_number=PR, learn=True, ask=fake.ask(False))

    assert result.merged and result.learn is not None
    assert (result.learn.success, result.learn.workflow_triggered, result.learn.run_id) == (
        True,
        True,
        99,
    )
    assert fake.asked == [] and len(fake.edited) == 1


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_no_learn_skips_learning(gh: GitHubCli, fake: LandGh) -> None:
    fake.pr_view()
    fake.pr_merge()

    result = run(gh, pr_number=PR, learn=False, ask=fake.ask(True))

    assert result.merged and result.learn is None and result.learn_skipped
    assert fake.asked == []


def test_interactive_yes_checks_then_asks_then_triggers(gh: GitHubCli, fake: LandGh) -> None:
    fake.pr_view()
    fake.pr_merge()
    fake.issue_view(PLAN)  # the dry-run check before the question
    fake.trigger()

    result = run(gh, pr_number=PR, learn=None, ask=fake.ask(True))

    assert fake.asked == [PLAN]
    assert result.learn is not None and result.learn.workflow_triggered
    assert not result.learn.dry_run


def test_interactive_no_does_not_trigger(gh: GitHubCli, fake: LandGh) -> None:
    fake.pr_view()
    fake.pr_merge()
    fake.issue_view(PLAN)

    result = run(gh, pr_number=PR, learn=None, ask=fake.ask(False))

    assert fake.asked == [PLAN]
    assert result.merged and result.learn is None
    assert result.learn_skipped == "declined at the prompt"
    assert fake.count("workflow", "run", fake.fp.any()) == 0


@pytest.mark.parametrize(
    ("body", "labels", "field_name", "expected"),
    [
        (
            PLAN_BODY.replace("learn_status: null", "learn_status: pending"),
            ("erk-plan",),
            "reason",
            "pending",
        ),
        (PLAN_BODY, ("bug",), "error_type", "not_a_plan"),
    ],
    ids=["already-pending", "not-a-plan"],
)
def test_interactive_does_not_ask_about_a_plan_that_cannot_learn(
    gh: GitHubCli,
    fake: LandGh,
    body: str,
    labels: tuple[str, ...],
    field_name: str,
    expected: str,
) -> None:
    fake.pr_view()
    fake.pr_merge()
    fake.issue_view(PLAN, body=body, labels=labels)

    result = run(gh, pr_number=PR, learn=None, ask=fake.ask(True))

    assert fake.asked == [] and result.success and result.merged
    assert result.learn is not None and not result.learn.workflow_triggered
    assert expected in str(getattr(result.learn, field_name))


def test_non_interactive_follows_learn_on_land(gh: GitHubCli, fake: LandGh) -> None:
    fake.pr_view()
    fake.pr_merge()
    fake.trigger()

    result = run(gh, pr_number=PR, learn=None, learn_on_land=True)

    assert result.learn is not None and result.learn.workflow_triggered


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_non_interactive_with_learn_on_land_off_skips(gh: GitHubCli, fake: LandGh) -> None:
    fake.pr_view()
    fake.pr_merge()

    result = run(gh, pr_number=PR, learn=None, learn_on_land=False)

    assert result.learn is None and "learn.on_land" in (result.learn_skipped or "")


def test_failed_learn_keeps_the_landing(gh: GitHubCli, fake: LandGh) -> None:
    fake.pr_view()
    fake.issue_view(PLAN)  # the check before the merge (--learn)
    fake.pr_merge()
    fake.trigger(dispatch_stderr="HTTP 422: Workflow does not have 'workflow_dispatch' trigger\n")

    result = run(gh, pr_number=PR, learn=True)

    assert (result.success, result.merged) == (True, True)
    assert result.learn is not None
    assert (result.learn.success, result.learn.error_type) == (False, "dispatch_failed")
    payload = land_payload(result)
    assert payload["success"] is True and payload["learn"]["error_type"] == "dispatch_failed"


# --------------------------------------------------------------------------- dry run


def test_dry_run_checks_everything_and_merges_nothing(gh: GitHubCli, fake: LandGh) -> None:
    fake.pr_view()
    fake.issue_view(PLAN)

    result = run(gh, pr_number=PR, learn=None, dry_run=True, ask=fake.ask(True))

    assert (result.success, result.merged, result.dry_run) == (True, False, True)
    assert result.learn is not None and result.learn.dry_run and result.learn.diff
    assert fake.merges() == 0 and fake.asked == [] and fake.edited == []


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_dry_run_still_refuses(gh: GitHubCli, fake: LandGh) -> None:
    fake.pr_view(isDraft=True)

    result = run(gh, pr_number=PR, dry_run=True)

    assert (result.success, result.error_type, result.dry_run) == (False, "pr_draft", True)


# --------------------------------------------------------------------------- the JSON


def test_payload_of_a_landing_with_learning_skipped() -> None:
    result = LandResult(
        success=True,
        merged=True,
        merge_method="squash",
        pr_number=PR,
        plan_issue=PLAN,
        plan_issue_source="branch",
        learn_skipped="--no-learn was given",
        branch_deleted=True,
    )
    assert land_payload(result) == {
        "success": True,
        "pr_number": PR,
        "merged": True,
        "merge_method": "squash",
        "branch_deleted": True,
        "plan_issue": PLAN,
        "plan_issue_source": "branch",
        "learn": None,
        "learn_skipped": "--no-learn was given",
    }


# --------------------------------------------------------------------------- the task


def invoke(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any], str]:
    return run_task(capsys, "land", *argv)


def test_task_lands_and_learns(capsys: pytest.CaptureFixture[str], fake: LandGh) -> None:
    fake.pr_view()
    fake.issue_view(PLAN)  # the check before the merge (--learn)
    fake.pr_merge()
    fake.trigger()

    code, payload, err = invoke(capsys, "--pr", "7", "--learn")

    assert code == 0
    assert payload == {
        "success": True,
        "pr_number": PR,
        "merged": True,
        "merge_method": "squash",
        "branch_deleted": False,
        "plan_issue": PLAN,
        "plan_issue_source": "branch",
        "learn": {
            "success": True,
            "issue_number": PLAN,
            "workflow_triggered": True,
            "workflow": "learn-async.yml",
            "run_id": 99,
            "workflow_run_url": RUN_URL,
            "action": "dispatch",
        },
    }
    assert RUN_URL in err


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_task_passes_repo_method_and_delete_branch(
    capsys: pytest.CaptureFixture[str], fake: LandGh
) -> None:
    fake.fp.register(
        ["gh", "pr", "view", "7", "--json", PR_FIELDS, "--repo", "o/r"], stdout=pr_output()
    )
    merge = ["gh", "pr", "merge", "7", "--rebase", "--delete-branch", "--match-head-commit", OID]
    fake.fp.register([*merge, "--repo", "o/r"])
    fake.fp.register(
        ["gh", "pr", "view", "7", "--json", PR_FIELDS, "--repo", "o/r"],
        stdout=pr_output(state="MERGED"),
    )
    fake.head_ref(exists=False)

    code, payload, _ = invoke(
        capsys, "--pr=#7", "--repo=o/r", "--merge-method=rebase", "--delete-branch", "--no-learn"
    )

    assert code == 0 and payload["merged"] is True and payload["merge_method"] == "rebase"
    assert payload["branch_deleted"] is True


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_task_refusal_exits_1(capsys: pytest.CaptureFixture[str], fake: LandGh) -> None:
    fake.pr_view(mergeable="CONFLICTING", mergeStateStatus="DIRTY")

    code, payload, err = invoke(capsys, "--pr", "7")

    assert code == 1
    assert payload == {
        "success": False,
        "pr_number": PR,
        "merged": False,
        "merge_method": "squash",
        "error": "Pull request #7 has merge conflicts with main",
        "error_type": "pr_not_mergeable",
        "detail": "state: OPEN, mergeable: CONFLICTING, mergeStateStatus: DIRTY",
    }
    assert "merge conflicts" in err


@pytest.mark.gh_optional("side_reads")
def test_task_with_learn_refuses_a_plan_the_trigger_would_refuse_before_merging(
    capsys: pytest.CaptureFixture[str], fake: LandGh
) -> None:
    """--learn asks for the learning: a plan the trigger would refuse stops the landing first."""
    fake.pr_view()
    fake.issue_view(PLAN, labels=("bug",))

    code, payload, err = invoke(capsys, "--pr", "7", "--learn")

    assert code == 1 and payload["merged"] is False and fake.merges() == 0
    assert payload["error_type"] == "not_a_plan"
    assert payload["error"].startswith("Plan #5406 cannot be learned (Issue is not an erk-plan)")
    assert "nothing was merged" in payload["error"] and "not an erk-plan" in err


def test_task_without_learn_still_merges_when_learning_fails(
    capsys: pytest.CaptureFixture[str], fake: LandGh, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only --learn checks first; learn.on_land's learning that fails leaves the merge standing."""
    monkeypatch.setenv("INVOKE_LEARN_ON_LAND", "true")
    fake.pr_view()
    fake.pr_merge()
    fake.issue_view(PLAN, labels=("bug",))

    code, payload, err = invoke(capsys, "--pr", "7")

    assert code == 0 and payload["merged"] is True
    assert payload["learn"]["error_type"] == "not_a_plan"
    assert "warning: async learn for plan #5406 failed" in err


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_task_non_interactive_default_comes_from_config(
    capsys: pytest.CaptureFixture[str], fake: LandGh, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INVOKE_LEARN_ON_LAND", "false")  # Invoke alone would read it as true
    monkeypatch.setenv("INVOKE_LAND_MERGE_METHOD", "merge")
    fake.pr_view()
    fake.pr_merge("merge")

    code, payload, _ = invoke(capsys, "--pr", "7")

    assert code == 0 and payload["merge_method"] == "merge" and payload["learn"] is None
    assert "learn.on_land" in payload["learn_skipped"]


def test_task_asks_on_a_terminal_and_keeps_stdout_to_json(
    capsys: pytest.CaptureFixture[str], fake: LandGh, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal("n\n"))
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    fake.pr_view()
    fake.pr_merge()
    fake.issue_view(PLAN)

    code, payload, err = invoke(capsys, "--pr", "7")

    assert code == 0 and payload["learn"] is None
    assert payload["learn_skipped"] == "declined at the prompt"
    assert "Trigger async learn for plan #5406? [Y/n] " in err


def test_task_dry_run(capsys: pytest.CaptureFixture[str], fake: LandGh) -> None:
    fake.pr_view()
    fake.issue_view(PLAN)

    code, payload, _ = invoke(capsys, "--pr", "7", "--dry-run")

    assert code == 0 and payload["dry_run"] is True and payload["merged"] is False
    assert payload["learn"]["dry_run"] is True
    assert fake.merges() == 0


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--pr", "7", "--learn", "--no-learn"], "--learn and --no-learn"),
        (["--pr", "7", "--merge-method", "octopus"], "--merge-method"),
        (["--pr", "x7"], "--pr"),
        (["--pr", "7", "--issue", "0"], "--issue"),
        (["--repo", "o/r"], "--pr is required"),
        (["--sandbox"], "--pr is required"),
        (["--pr", "7", "--repo", "not a repo"], "--repo"),
    ],
    ids=["both-learn", "method", "pr", "issue", "repo-without-pr", "sandbox-without-pr", "repo"],
)
def test_task_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], fp: Any, argv: list[str], words: str
) -> None:
    code, payload, err = invoke(capsys, *argv)

    assert code == 2 and payload["error_type"] == "invalid_option"
    assert payload["merged"] is False and words in payload["error"]
    assert "Traceback" not in err


def test_task_bad_configured_merge_method_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INVOKE_LAND_MERGE_METHOD", "fast-forward")
    code, payload, _ = invoke(capsys, "--pr", "7")
    assert code == 2 and "land.merge_method" in payload["error"]


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_a_queued_merge_is_not_reported_as_merged_and_learns_nothing(
    gh: GitHubCli, fake: LandGh
) -> None:
    fake.pr_view()
    fake.issue_view(PLAN)  # the check before the merge (--learn)
    fake.pr_merge(then="OPEN")  # a merge queue or auto-merge took the request

    result = land_pull_request(gh, LandOptions(pr_number=PR, learn=True))

    assert (result.success, result.merged, result.learn) == (True, False, None)
    assert "queued" in (result.learn_skipped or "")
    assert any("has not happened" in warning for warning in result.warnings)


# --------------------------------------------------------------- branch_deleted, pr_number, Ctrl-C


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_branch_left_behind_after_delete_branch_is_reported(gh: GitHubCli, fake: LandGh) -> None:
    fake.pr_view()
    fake.pr_merge(delete_branch=True, branch_left=True)  # gh 2.102 exits 0 when DELETE fails

    result = run(gh, pr_number=PR, delete_branch=True)

    assert result.merged and result.branch_deleted is False
    assert any("still exists" in warning for warning in result.warnings)


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_branch_deletion_that_cannot_be_checked_is_null(gh: GitHubCli, fake: LandGh) -> None:
    fake.pr_view()
    fake.fp.register(["gh", "pr", "merge", str(PR), "--squash", "--delete-branch", fake.fp.any()])
    fake.pr_view(PR, state="MERGED")
    fake.head_ref(exists=False, stderr="GraphQL: Field 'headRef' doesn't exist\n")

    result = run(gh, pr_number=PR, delete_branch=True)

    assert result.merged and result.branch_deleted is None
    assert any("could not be checked" in warning for warning in result.warnings)


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_a_pull_request_that_cannot_be_read_still_carries_its_number(
    gh: GitHubCli, fake: LandGh
) -> None:
    fake.pr_view_fails(PR, "GraphQL: Could not resolve to a PullRequest with the number of 7.\n")
    result = run(gh, pr_number=PR)
    assert land_payload(result)["pr_number"] == PR and result.error_type == "pr_not_found"


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_a_repository_gh_cannot_resolve_is_repo_not_found(gh: GitHubCli, fake: LandGh) -> None:
    fake.pr_view_fails(PR, "GraphQL: Could not resolve to a Repository with the name 'o/r'.\n")
    result = run(gh, pr_number=PR)
    assert result.error_type == "repo_not_found" and result.pr_number == PR


def test_task_usage_error_carries_the_pr_number(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload, _ = invoke(capsys, "--pr", "7", "--learn", "--no-learn")
    assert code == 2 and payload["pr_number"] == PR and payload["merged"] is False


def test_ctrl_c_at_the_prompt_after_the_merge_still_reports_the_landing(
    capsys: pytest.CaptureFixture[str], fake: LandGh, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.pr_view()
    fake.pr_merge()
    fake.issue_view(PLAN)  # the check before asking

    def ctrl_c(_plan_issue: int) -> bool:
        raise KeyboardInterrupt

    monkeypatch.setattr("learnlib.tasks.land.ask_on_terminal", ctrl_c)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)

    code, payload, err = invoke(capsys, "--pr", "7")

    assert code == 130
    assert payload["success"] is True and payload["merged"] is True and payload["learn"] is None
    assert payload["learn_skipped"].startswith("interrupted (Ctrl-C) after the merge")
    assert "error: interrupted (Ctrl-C) after the merge" in err


def test_ctrl_c_before_the_merge_is_exit_130(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def ctrl_c(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("learnlib.usecases.land.land_pull_request", ctrl_c)
    code, payload, _ = invoke(capsys, "--pr", "7")
    assert code == 130 and payload["error_type"] == "interrupted" and payload["pr_number"] == PR
    assert payload["merged"] is None


@pytest.mark.gh_optional("repo_view", "side_reads")
def test_plan_of_merged_pr_uses_lands_rule(gh: GitHubCli, fake: LandGh) -> None:
    from learnlib.usecases.land import plan_of_merged_pr

    fake.pr_view(state="MERGED", headRefName="feature", body="Closes:#5406")
    assert plan_of_merged_pr(gh, PR) == PLAN
    assert find_plan_issue(pull_request(head="x", body="fixes: #12"), None) == (12, "pr_body")
