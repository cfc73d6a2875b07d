"""Adapters over the GitHub CLI: one runner, one small module per gh area."""

from learnlib.gh.runner import (
    Deadline,
    GhAuthRequired,
    GhBadOutput,
    GhError,
    GhNotFound,
    GhNotInstalled,
    GhRejected,
    GhTimeout,
    GhUnavailable,
    GitHubCli,
)

__all__ = [
    "Deadline",
    "GhAuthRequired",
    "GhBadOutput",
    "GhError",
    "GhNotFound",
    "GhNotInstalled",
    "GhRejected",
    "GhTimeout",
    "GhUnavailable",
    "GitHubCli",
]
