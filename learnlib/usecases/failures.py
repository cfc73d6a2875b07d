"""The one place a gh error, a header error or a refusal becomes a :class:`Failure`.

A step that cannot go on raises :class:`Refusal` (it carries the Failure); the use case catches it
and returns its result with :func:`failed`. Errors of the lower layers (GhError, PlanHeaderError,
BodyTooLong) are turned into a Failure here and nowhere else.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from learnlib.gh.runner import GhError, GhNotFound, GhRepoNotFound
from learnlib.rules.failure import Failure
from learnlib.rules.learn_state import BodyTooLong
from learnlib.rules.plan_header import PlanHeaderError

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

HEADER_UPDATE_FAILED = "header_update_failed"


class Refusal(Exception):
    """A step decided the request cannot go on; carries its :class:`Failure`."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.error)
        self.failure = failure

    @property
    def error(self) -> str:
        return self.failure.error

    @property
    def error_type(self) -> str:
        return self.failure.error_type

    @property
    def detail(self) -> str:
        return self.failure.detail


def refuse(error: str, error_type: str, detail: str = "") -> Refusal:
    """A Refusal to raise: ``raise refuse(...)``."""
    return Refusal(Failure(error, error_type, detail))


def read_failure(error: GhError, *, noun: str, key: str, which: str) -> Failure:
    """Reading one thing (an issue, a pull request) failed: the repository or the thing is
    missing (``repo_not_found``, ``{key}_not_found``), or gh failed otherwise (its kind)."""
    if isinstance(error, GhRepoNotFound):
        return Failure("Repository not found", "repo_not_found", error.detail)
    if isinstance(error, GhNotFound):
        return Failure(f"{noun} not found", f"{key}_not_found", error.detail)
    return Failure(f"Failed to read {which}", error.kind, error.detail)


def issue_read_failure(error: GhError, number: int) -> Failure:
    return read_failure(error, noun="Issue", key="issue", which=f"issue #{number}")


def header_failure(error: PlanHeaderError | BodyTooLong) -> Failure:
    """The header cannot be read or edited (``invalid_plan_header``), or the edited body would be
    too long for GitHub (``body_too_long``)."""
    if isinstance(error, PlanHeaderError):
        return Failure(str(error), "invalid_plan_header", error.reason)
    return Failure("The plan header cannot be updated", "body_too_long", str(error))


def write_failure(detail: str) -> Failure:
    """Writing the header failed (after it was checked): ``header_update_failed``."""
    return Failure("The plan header could not be updated", HEADER_UPDATE_FAILED, detail)


R = TypeVar("R", bound="DataclassInstance")


def failed(base: R, failure: Failure) -> R:
    """A result (the trigger's, record-learn's, land's) that failed with ``failure``."""
    return replace(base, success=False, failure=failure)
