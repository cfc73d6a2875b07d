"""Options as the tasks read them: the flag, else the configuration, checked under its own name.

:func:`resolve` is the one way a task reads a value that has both a flag and a configuration key.
A check (:func:`count`, :func:`choice`, ...) raises :class:`Invalid` with the words after the
name ("must be one of ..., got 'x'"); :func:`resolve` puts the flag's name in front (a
UsageError), or the key's and where it was set (a ConfigError).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from learnlib.tasks.errors import ConfigError, UsageError

if TYPE_CHECKING:
    from learnlib.tasks import Flags
    from learnlib.tasks.config import Settings
    from learnlib.usecases.trigger import LearnOptions

T = TypeVar("T")
Check = Callable[[object], T]  # a value's check: the value it means, or Invalid

MAX_NUMBER = 2**31 - 1  # GitHub's issue and pull request numbers are GraphQL Int
MAX_RUN_ID = 2**63 - 1  # Actions run ids are 64-bit (they passed 2**31 long ago)
_REPOSITORY = re.compile(
    r"^(?:[A-Za-z0-9][A-Za-z0-9.-]*/)?[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9_.-]+$"
)


class Invalid(ValueError):
    """A value a check refuses; the message is what follows the value's name."""


def given(value: object, option: str) -> str:
    """A value option's text (declared optional, so a bare `--issue` reaches us as True);
    None, not given, is ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise UsageError(f"{option} needs a value")
    return str(value)


def resolve(
    flag: object, option: str | None, settings: Settings, key: str, check: Callable[[object], T]
) -> T:
    """The flag's value when it is given, else the configured ``key``'s, through ``check``.

    An error names the flag (UsageError), or the key and where it was set (ConfigError).
    """
    if option is not None and (text := given(flag, option).strip()):
        try:
            return check(text)
        except Invalid as why:
            raise UsageError(f"{option} {why}") from None
    try:
        return check(settings.value(key))
    except Invalid as why:
        raise ConfigError(f"configuration {key} {why}{settings.origin(key)}") from None


def flag_value(value: object, option: str, check: Callable[[object], T]) -> T | None:
    """An option without a configuration key: None when it is not given."""
    text = given(value, option).strip()
    if not text:
        return None
    try:
        return check(text)
    except Invalid as why:
        raise UsageError(f"{option} {why}") from None


# --- checks -------------------------------------------------------------------------------------


def count(value: object, *, largest: int = MAX_NUMBER) -> int:
    """A whole number from 1 to ``largest`` (a leading # allowed: `#5406`)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= largest:
        return value
    digits = str(value).strip().lstrip("#")
    if not digits.isascii() or not digits.isdigit() or not 0 < int(digits) <= largest:
        raise Invalid(f"must be a positive integer up to {largest}, got {value!r}")
    return int(digits)


def run_id(value: object) -> int:
    return count(value, largest=MAX_RUN_ID)


def choice(allowed: tuple[str, ...]) -> Callable[[object], str]:
    """One of ``allowed``, in any case."""

    def check(value: object) -> str:
        text = str(value).strip()
        if text.lower() not in allowed:
            raise Invalid(f"must be one of {', '.join(allowed)}, got {text!r}")
        return text.lower()

    return check


def seconds(value: object) -> float:
    """A finite number of seconds greater than 0."""
    number = _number(value)
    if number is None or number <= 0:
        raise Invalid(f"must be a finite number of seconds greater than 0, got {value!r}")
    return number


def rate(value: object) -> float | None:
    """Dispatches a minute: a finite number > 0, or 0 for no limit (None)."""
    number = _number(value)
    if number is None or number < 0:
        raise Invalid(f"must be a number of dispatches a minute (0: no limit), got {value!r}")
    return number or None


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value) if isinstance(value, int | float | str) else math.nan
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def repository(value: object) -> str:
    """An optional [HOST/]OWNER/NAME, checked before gh sees it; empty lets gh resolve it."""
    text = str(value).strip()
    if text and (not _REPOSITORY.match(text) or text.rsplit("/", 1)[1] in {".", ".."}):
        raise Invalid(f"must look like OWNER/NAME or HOST/OWNER/NAME, got {text!r}")
    return text


def gh_name(what: str, *, spaces: bool, required: str = "") -> Callable[[object], str]:
    """A workflow or ref handed to gh: never read as a flag, no control characters; ``required``
    names what an empty value fails to name."""

    def check(value: object) -> str:
        text = str(value).strip()
        bad = text.startswith("-") or any(ord(ch) < 32 or ch == "\x7f" for ch in text)
        if bad or (not spaces and any(ch.isspace() for ch in text)):
            raise Invalid(f"is not a usable {what} name: {text!r}")
        return nonempty(required)(text) if required else text

    return check


def nonempty(what: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        text = str(value).strip()
        if not text:
            raise Invalid(f"must name {what}, got ''")
        return text

    return check


# --- what several tasks read ------------------------------------------------------------------


def positive_int(value: object, option: str, *, largest: int = MAX_NUMBER) -> int:
    """A required number option (--issue, --pr): a positive integer up to ``largest``."""
    number = flag_value(value, option, lambda text: count(text, largest=largest))
    if number is None:
        raise UsageError(f"{option} is required (a positive integer, e.g. {option} 5406)")
    return number


def number_or_none(value: object) -> int | None:
    """The number an option asked about, for the JSON of a refusal; None when it is not one."""
    try:
        return count(value) if isinstance(value, int | str) else None
    except Invalid:
        return None


def configured(flags: Flags, name: str, settings: Settings, key: str, check: Check[T]) -> T:
    """:func:`resolve` for a task's option ``name`` (`wait_timeout` is --wait-timeout)."""
    return resolve(flags[name], "--" + name.replace("_", "-"), settings, key, check)


def repository_of(flags: Flags, settings: Settings) -> str:
    """--repo, else learn.repo (not with --sandbox: it names a real repository, the sandbox has
    its own); empty lets gh resolve it."""
    if flags.on("sandbox"):
        return flag_value(flags["repo"], "--repo", repository) or ""
    return configured(flags, "repo", settings, "learn.repo", repository)


def learn_options(settings: Settings, flags: Flags | None = None, **switches: bool) -> LearnOptions:
    """The trigger's options: --workflow and --ref (when the task has them), else their configured
    values, checked under their own names; ``switches``: force, dry_run."""
    from learnlib.usecases.trigger import LearnOptions

    workflow = gh_name("workflow", spaces=True, required="a workflow file")
    ref = gh_name("ref", spaces=False)
    given = (flags["workflow"], flags["ref"]) if flags is not None else (None, None)
    return LearnOptions(
        workflow=resolve(given[0], "--workflow", settings, "learn.workflow", workflow),
        ref=resolve(given[1], "--ref", settings, "learn.ref", ref) or None,
        label=resolve(None, None, settings, "learn.label", nonempty("a label")),
        run_discovery_timeout=settings.number("learn.run_discovery_timeout"),
        max_failed_runs=settings.count("learn.max_failed_runs"),
        check_session_artifact=settings.flag("learn.check_session_artifact"),
        **switches,
    )
