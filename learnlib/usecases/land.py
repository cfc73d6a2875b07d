"""Land a plan's pull request: check it, merge it, then trigger async learn for its plan.

Small steps over the gh adapters: read the PR, refuse what GitHub would refuse, find the plan
issue, merge once (a transient failure is checked, never retried), and learn in-process with the
trigger's own function. No printing: progress goes to a callback, questions to ``ask``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

from learnlib import defaults
from learnlib.gh.prs import MERGE_FLAGS, head_ref_exists, merge_pr, view_pr
from learnlib.gh.runner import GhError, GitHubCli
from learnlib.rules.failure import Failed, Failure
from learnlib.rules.records import PullRequest
from learnlib.timing import Progress, silent
from learnlib.usecases.failures import Refusal, failed, read_failure, refuse
from learnlib.usecases.trigger import LearnOptions, TriggerResult, trigger_plan

MERGE_METHODS = tuple(MERGE_FLAGS)
#: Where the plan issue came from: --issue, the head branch's P<N>- prefix, a closing reference.
PlanSource = Literal["option", "branch", "pr_body"]
Ask = Callable[[int], bool]

_BRANCH_PLAN = re.compile(r"^P(\d+)-")
# GitHub's closing keywords, any case, an optional colon, then a bare #N (not other/repo#N).
_CLOSING_REFERENCE = re.compile(
    r"\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)(?::\s*|\s+)#(\d+)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class LandOptions:
    pr_number: int | None = None
    plan_issue: int | None = None
    learn: bool | None = None  # --learn / --no-learn; None: ask, or learn_on_land when no one can
    learn_on_land: bool = defaults.LEARN_ON_LAND
    merge_method: str = defaults.MERGE_METHOD
    delete_branch: bool = defaults.DELETE_BRANCH
    dry_run: bool = False
    learn_options: LearnOptions = field(default_factory=LearnOptions)


@dataclass(frozen=True)
class LandResult(Failed):
    success: bool
    merged: bool
    merge_method: str
    pr_number: int | None = None
    plan_issue: int | None = None
    plan_issue_source: PlanSource | None = None
    learn: TriggerResult | None = None
    learn_skipped: str | None = None
    failure: Failure | None = None
    warnings: tuple[str, ...] = ()
    dry_run: bool = False
    branch_deleted: bool | None = None  # None: not known (not merged yet, or not checkable)
    interrupted: bool = False  # Ctrl-C after the merge: the landing stands, learning was skipped


def land_pull_request(
    gh: GitHubCli, options: LandOptions, *, ask: Ask | None = None, progress: Progress = silent
) -> LandResult:
    """The whole landing. ``ask`` is given only when someone can answer a question.

    Ctrl-C after the merge (at the prompt, or while learning) does not lose the landing: the
    result says merged, learning skipped as interrupted, and ``interrupted`` is set.
    """
    base = LandResult(
        success=False,
        merged=False,
        merge_method=options.merge_method,
        dry_run=options.dry_run,
        pr_number=options.pr_number,
    )
    try:
        pr = read_pr(gh, options.pr_number)
        base = replace(base, pr_number=pr.number)
        warnings = refuse_unmergeable(pr)
        plan_issue, source = find_plan_issue(pr, options.plan_issue)
        base = replace(base, plan_issue=plan_issue, plan_issue_source=source)
        if options.learn and not options.dry_run:
            check_plan_first(gh, plan_issue, options, progress)
        merged, deleted = False, None
        if not options.dry_run:
            progress(f"Merging pull request #{pr.number} ({options.merge_method}): {pr.title}")
            merged, merge_warnings = merge(gh, pr, options)
            warnings += merge_warnings
            progress(f"Merged {pr.url}" if merged else f"Queued to merge: {pr.url}")
            deleted = branch_deleted(gh, pr, options, merged, warnings)
        else:
            progress(f"Dry run: {pr.url} would be merged ({options.merge_method}); nothing changed")
    except Refusal as refusal:
        return failed(base, refusal.failure)
    landed = replace(
        base, success=True, merged=merged, warnings=tuple(warnings), branch_deleted=deleted
    )
    if not merged and not options.dry_run:
        return replace(landed, learn_skipped=SKIPPED_QUEUED)
    try:
        learned, skipped = learn_plan(gh, plan_issue, options, ask, progress)
    except KeyboardInterrupt:
        if not merged:
            raise  # nothing landed: the face reports the interruption itself
        return replace(landed, learn_skipped=SKIPPED_INTERRUPTED, interrupted=True)
    return replace(landed, learn=learned, learn_skipped=skipped)


def check_plan_first(
    gh: GitHubCli, plan_issue: int | None, options: LandOptions, progress: Progress
) -> None:
    """--learn asks for the learning: a plan the trigger would refuse (or could not read) is a
    Refusal before the merge, so nothing is merged. A dry run of the trigger finds it. Without
    a plan issue there is nothing to check: the landing says why it did not learn, as before."""
    if plan_issue is None:
        return
    progress(f"Checking plan #{plan_issue} before the merge (--learn)")
    check = _trigger(gh, plan_issue, replace(options.learn_options, dry_run=True), progress)
    if not check.success:
        raise refuse(
            f"Plan #{plan_issue} cannot be learned ({check.error}); nothing was merged",
            check.error_type or "refused",
            check.detail or "",
        )


#: learn_skipped when Ctrl-C came after the merge.
SKIPPED_INTERRUPTED = (
    "interrupted (Ctrl-C) after the merge; if a learn run was dispatched, check the plan "
    "header, else run trigger-async-learn for the plan"
)


def read_pr(gh: GitHubCli, number: int | None) -> PullRequest:
    """The pull request (the current branch's when ``number`` is None); Refusal otherwise."""
    try:
        return view_pr(gh, number)
    except GhError as error:
        which = "the current branch's pull request" if number is None else f"pull request #{number}"
        failure = read_failure(error, noun="Pull request", key="pr", which=which)
        raise Refusal(failure) from None


def refuse_unmergeable(pr: PullRequest) -> list[str]:
    """Refuse what GitHub would refuse; return warnings for what merges anyway."""
    n, base, status = pr.number, pr.base_ref_name, pr.merge_state_status
    detail = f"state: {pr.state}, mergeable: {pr.mergeable}, mergeStateStatus: {status}"
    if pr.state == "MERGED":
        raise refuse(f"Pull request #{n} is already merged", "pr_already_merged", detail)
    if pr.state != "OPEN":
        raise refuse(f"Pull request #{n} is closed", "pr_closed", detail)
    if pr.is_draft or status == "DRAFT":
        raise refuse(
            f"Pull request #{n} is a draft; mark it ready for review first", "pr_draft", detail
        )
    if pr.mergeable == "CONFLICTING" or status == "DIRTY":
        reason = f"has merge conflicts with {base}"
    elif status == "BLOCKED":
        reason = "is blocked: required checks are failing or required reviews are missing"
    elif status == "BEHIND":
        reason = f"is behind {base} and must be updated with it first"
    elif status == "UNSTABLE":
        return [f"pull request #{n} has failing checks that are not required; merging anyway"]
    else:  # CLEAN, HAS_HOOKS, UNKNOWN...: GitHub decides at merge time
        return []
    raise refuse(f"Pull request #{n} {reason}", "pr_not_mergeable", detail)


def plan_of_merged_pr(gh: GitHubCli, number: int) -> int:
    """The plan issue of a merged pull request, by the same rule as land; Refusal otherwise."""
    pr = read_pr(gh, number)
    if pr.state != "MERGED":
        raise refuse(
            f"Pull request #{pr.number} is not merged (it is {pr.state.lower()}); "
            "async learn follows a merged pull request",
            "pr_not_merged",
            f"state: {pr.state}",
        )
    plan_issue, _ = find_plan_issue(pr, None)
    if plan_issue is None:
        raise refuse(
            f"Pull request #{pr.number} names no plan issue",
            "no_plan_issue",
            f"branch {pr.head_ref_name!r} has no P<N>- prefix and the body has no closing "
            "reference (Closes #N, Fixes #N, Resolves #N)",
        )
    return plan_issue


def find_plan_issue(pr: PullRequest, explicit: int | None) -> tuple[int | None, PlanSource | None]:
    """The plan issue and where it came from: the option, the branch's P<N>- prefix, the body."""
    if explicit is not None:
        return explicit, "option"
    branch = _BRANCH_PLAN.match(pr.head_ref_name)
    if branch and int(branch.group(1)) > 0:
        return int(branch.group(1)), "branch"
    for match in _CLOSING_REFERENCE.finditer(pr.body):
        if int(match.group(1)) > 0:
            return int(match.group(1)), "pr_body"
    return None, None


def merge(gh: GitHubCli, pr: PullRequest, options: LandOptions) -> tuple[bool, list[str]]:
    """Merge once, pinned to the head that was checked; then look: merged, or only queued?

    gh exits 0 both when it merged and when a merge queue or auto-merge only took the request;
    learning must wait for the real merge. After a transient failure, look again instead of
    retrying.
    """
    try:
        merge_pr(
            gh,
            pr.number,
            method=options.merge_method,
            delete_branch=options.delete_branch,
            head_oid=pr.head_ref_oid,
        )
    except GhError as error:
        merge_failed = f"Failed to merge pull request #{pr.number}"
        if not error.transient:
            raise refuse(merge_failed, "merge_failed", error.detail) from None
        try:
            state = view_pr(gh, pr.number).state
        except GhError as again:
            detail = f"{error.detail}; whether it merged could not be checked: {again.detail}"
            raise refuse(merge_failed, "merge_failed", detail) from None
        if state != "MERGED":
            detail = f"{error.detail} (the pull request is still {state}; not retried)"
            raise refuse(merge_failed, "merge_failed", detail) from None
        return True, [f"the merge request failed ({error.detail}), but the pull request is merged"]
    try:
        state = view_pr(gh, pr.number).state
    except GhError as error:
        return True, [
            f"gh merged the pull request; its state could not be read back: {error.detail}"
        ]
    if state == "MERGED":
        return True, []
    return False, [
        f"pull request #{pr.number} is {state}: gh queued the merge, it has not happened"
    ]


def branch_deleted(
    gh: GitHubCli, pr: PullRequest, options: LandOptions, merged: bool, warnings: list[str]
) -> bool | None:
    """Whether the head branch is gone, as GitHub says after the merge (gh 2.102 exits 0 even
    when its DELETE failed); None when it cannot be told."""
    if not options.delete_branch:
        return False
    if not merged:
        return None  # queued: gh deletes the branch (or not) when the merge happens
    try:
        exists = head_ref_exists(gh, pr)
    except GhError as error:
        warnings.append(f"whether the head branch was deleted could not be checked: {error.detail}")
        return None
    if exists:
        warnings.append(f"--delete-branch was given, but branch {pr.head_ref_name!r} still exists")
    return not exists


#: learn_skipped when gh only queued the merge.
SKIPPED_QUEUED = (
    "the merge is queued (merge queue or auto-merge); learn once it merges, for example with "
    "examples/workflows/learn-on-merge.yml"
)


def decide_learning(plan_issue: int | None, options: LandOptions, interactive: bool) -> str | None:
    """Why learning is skipped, or None when it goes ahead (perhaps after asking)."""
    if plan_issue is None:
        return "no plan issue: no --issue, no P<N>- branch prefix, no closing reference in the body"
    if options.learn is False:
        return "--no-learn was given"
    if options.learn is None and not interactive and not options.learn_on_land:
        return "configuration learn.on_land is false"
    return None


def learn_plan(
    gh: GitHubCli, plan_issue: int | None, options: LandOptions, ask: Ask | None, progress: Progress
) -> tuple[TriggerResult | None, str | None]:
    """The trigger's result, or why there is none. A dry run only checks the plan."""
    skipped = decide_learning(plan_issue, options, ask is not None)
    if skipped is not None or plan_issue is None:
        return None, skipped
    learn_options = options.learn_options
    asking = options.learn is None and ask is not None
    if options.dry_run or asking:
        # Check first, so that a plan that needs no learning (or is no plan) is not asked about.
        check = _trigger(gh, plan_issue, replace(learn_options, dry_run=True), progress)
        if options.dry_run or not check.success or check.action not in ("dispatch", "redispatch"):
            return check, None
        if ask is not None and not ask(plan_issue):
            return None, "declined at the prompt"
    progress(f"Triggering async learn for plan #{plan_issue}")
    return _trigger(gh, plan_issue, replace(learn_options, dry_run=False), progress), None


def _trigger(
    gh: GitHubCli, plan_issue: int, options: LearnOptions, progress: Progress
) -> TriggerResult:
    """The trigger task's own function (it turns every gh failure into its result)."""
    return trigger_plan(gh, plan_issue, options, progress)
