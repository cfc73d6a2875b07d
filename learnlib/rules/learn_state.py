"""The learn fields of a plan header: when a plan needs no run, and the edit that records one."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from enum import StrEnum

from learnlib.rules import plan_header

LEARN_KEYS = ("learn_status", "learn_run_id")

# erk's vocabulary, exactly: its validator refuses any other value, so learnlib writes no other.
NOT_STARTED = "not_started"
PENDING = "pending"
LEARNED = ("completed_no_plan", "completed_with_plan", "pending_review", "plan_completed")
LEARN_STATUSES = (NOT_STARTED, PENDING, *LEARNED)


class Stage(StrEnum):
    """What a header's learn_status says: never learned, a run dispatched, learned, or invalid."""

    NEVER = "never"
    PENDING = "pending"
    LEARNED = "learned"
    INVALID = "invalid"


def stage(status: object) -> Stage:
    """Absent, null, blank and ``not_started`` mean never learned; any unknown value is invalid."""
    if plan_header.is_empty(status) or status == NOT_STARTED:
        return Stage.NEVER
    if status == PENDING:
        return Stage.PENDING
    if isinstance(status, str) and status in LEARNED:
        return Stage.LEARNED
    return Stage.INVALID


def invalid_status_sentence(status: object) -> str:
    """The error for a learn_status outside erk's six values."""
    valid = ", ".join(LEARN_STATUSES)
    return f"learn_status {status!r} is not one of erk's values ({valid}, or null)"


def _unchanged_header(
    first_header: Mapping[str, object], fresh: str, when: str, warnings: list[str]
) -> Mapping[str, object] | None:
    """The fresh body's header, or None (and a warning) when someone else changed its learn
    fields since ``first_header`` was read: the lost-update rule every write follows."""
    header = plan_header.read_header(fresh)
    changed = [key for key in LEARN_KEYS if header.get(key) != first_header.get(key)]
    if changed:
        warnings.append(
            f"someone else changed {', '.join(changed)} {when} "
            f"(learn_status is now {header.get('learn_status')!r}); the header was left as it is"
        )
        return None
    return header


def updated_body(
    first_header: Mapping[str, object], fresh: str, run_id: int | None, warnings: list[str]
) -> str | None:
    """The fresh body with the learn state set, or None when it must be left as it is."""
    header = _unchanged_header(first_header, fresh, "while the dispatch ran", warnings)
    if header is None:
        return None
    updated = with_learn_state(fresh, header, run_id, warnings)
    return None if updated == fresh else updated


def updated_with(
    first_header: Mapping[str, object],
    fresh: str,
    updates: Mapping[str, str | None],
    warnings: list[str],
) -> str | None:
    """The lost-update rule for a repair: ``updates`` applied to the fresh body, or None.

    None when the learn fields changed since the first read (someone else wrote them: left alone,
    with a warning) or when the body already holds the values.
    """
    if _unchanged_header(first_header, fresh, "since it was read", warnings) is None:
        return None
    updated = _within_limit(plan_header.set_values(fresh, updates))
    return None if updated == fresh else updated


def with_run_id(fresh: str, run_id: int, warnings: list[str]) -> str | None:
    """The second write on gh < 2.87: learn_run_id of the run found, on the fresh body, or None.

    Written only while the header still says ``pending`` with no run (what the first write left);
    already naming this run (a concurrent trigger repaired it) is fine; anything else was written
    by someone else and is left alone.
    """
    header = plan_header.read_header(fresh)
    current = header.get("learn_run_id")
    if str(current).strip() == str(run_id):
        return None
    if header.get("learn_status") != PENDING or not plan_header.is_empty(current):
        warnings.append(
            f"learn_run_id was not recorded: someone else changed the header meanwhile "
            f"(learn_status {header.get('learn_status')!r}, learn_run_id {current!r})"
        )
        return None
    return _within_limit(plan_header.set_values(fresh, {"learn_run_id": str(run_id)}))


def with_learn_state(
    body: str, header: Mapping[str, object], run_id: int | None, warnings: list[str]
) -> str:
    """``learn_status: pending``, and ``learn_run_id`` set to the new run or cleared if stale.

    When the run id cannot be written (a header shape the editor refuses to extend, or a body
    that would pass GitHub's size limit), the status alone is written and a warning says so.
    Raises PlanHeaderError or BodyTooLong when even the status cannot be written.
    """
    run_update: dict[str, str | None] = {}
    if run_id is not None:
        run_update["learn_run_id"] = str(run_id)
    elif not plan_header.is_empty(header.get("learn_run_id")):
        run_update["learn_run_id"] = None  # the recorded run is not this one
    if run_update:
        try:
            return _within_limit(
                plan_header.set_values(body, {"learn_status": PENDING, **run_update})
            )
        except (plan_header.PlanHeaderError, BodyTooLong) as error:
            warnings.append(f"learn_run_id was not written: {error}")
    return _within_limit(plan_header.set_values(body, {"learn_status": PENDING}))


class BodyTooLong(ValueError):
    """GitHub refuses issue bodies longer than 65,536 characters."""


BODY_LIMIT = 65_536


def checked_size(body: str) -> str:
    """The body, or BodyTooLong when GitHub would refuse it."""
    return _within_limit(body)


def _within_limit(body: str) -> str:
    if len(body) > BODY_LIMIT:
        raise BodyTooLong(
            f"the new body would have {len(body):,} characters, over GitHub's limit of "
            f"{BODY_LIMIT:,}"
        )
    return body


def body_diff(before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        "issue body",
        "issue body (new)",
    )
    return "".join(lines)
