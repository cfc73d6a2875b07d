"""GitHub repositories through gh: the default branch, so `gh workflow run` skips that lookup."""

from __future__ import annotations

from learnlib.gh.runner import GitHubCli, field_of


def default_branch(gh: GitHubCli) -> str:
    """`gh repo view [REPO] --json defaultBranchRef`.

    `gh repo view` takes the repository as an argument and ignores GH_REPO, so pass --repo's or
    GH_REPO's value positionally; with neither, gh reads the git remote as every other command does.
    """
    action = "reading the repository's default branch"
    args = ["repo", "view"]
    if repo := gh.target_repo():
        args.append(repo)
    data = gh.run_json([*args, "--json", "defaultBranchRef"], action=action, with_repo=False)
    branch = field_of(
        field_of(data, "defaultBranchRef", dict, action=action), "name", str, action=action
    )
    return branch
