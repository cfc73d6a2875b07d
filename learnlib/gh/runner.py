"""Run the GitHub CLI: one place for argv, timeouts, retries and typed errors.

Every gh call in learnlib goes through :meth:`GitHubCli.run`. It never uses a shell, always has a
timeout (bounded by the task's deadline), sends the body on stdin as UTF-8 bytes, and turns a
failure into a :class:`GhError` subclass that says what was being done.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from learnlib import defaults
from learnlib.rules.schedule import Schedule

T = TypeVar("T")

INSTALL_HINT = (
    "install the GitHub CLI from https://cli.github.com (Debian/Ubuntu: apt-get install gh), "
    "or into this Python environment: pip install 'learnlib[gh]'"
)
AUTH_HINT = "run `gh auth login` or set GH_TOKEN"

# Environment for every gh call: never prompt, never nag, plain text.
_QUIET_ENV = {"GH_PROMPT_DISABLED": "1", "GH_NO_UPDATE_NOTIFIER": "1", "NO_COLOR": "1"}

_TOKEN_PATTERN = re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9_]{16,}|github_pat_[A-Za-z0-9_]{20,})")
_HTTP_STATUS = re.compile(r"\b(?:HTTP|status code:) (\d{3})\b")
_RETRY_AFTER = re.compile(r"retry[- ]after[:=]?\s*(\d+(?:\.\d+)?)", re.IGNORECASE)
_REPO_NOT_FOUND = "Could not resolve to a Repository"
_NOT_FOUND_TEXT = ("Could not resolve to", "NOT_FOUND", "not found")
_TRANSIENT_TEXT = (
    "rate limit",
    "error connecting to",
    "connection refused",
    "connection reset",
    "i/o timeout",
    "TLS handshake timeout",
    "unexpected EOF",
    "Bad Gateway",
    "Service Unavailable",
    "Gateway Timeout",
)


class GhError(Exception):
    """A gh call failed. ``action`` says what learnlib was doing, ``detail`` what gh said."""

    kind: ClassVar[str] = "gh_failed"
    transient: ClassVar[bool] = False

    def __init__(
        self,
        action: str,
        detail: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{action}: {detail}" if detail else action)
        self.action = action
        self.detail = detail
        self.status = status
        self.retry_after = retry_after


class GhNotInstalled(GhError):
    kind = "gh_not_installed"


class GhAuthRequired(GhError):
    kind = "gh_auth_required"


class GhNotFound(GhError):
    kind = "not_found"


class GhRepoNotFound(GhNotFound):
    """gh cannot resolve the repository itself (`Could not resolve to a Repository ...`)."""

    kind = "repo_not_found"


class GhRejected(GhError):
    """GitHub understood the request and refused it (422, 403 that is not a rate limit...)."""

    kind = "gh_rejected"


class GhUnavailable(GhError):
    """5xx, rate limits, network failures: worth another try."""

    kind = "gh_unavailable"
    transient = True


class GhTimeout(GhUnavailable):
    kind = "gh_timeout"


class GhBadOutput(GhError):
    """gh exited 0 but printed something we cannot read."""

    kind = "gh_bad_output"


def redact(text: str, env: Mapping[str, str] | None = None) -> str:
    """Remove anything that looks like a token, and the values of the token variables."""
    env = os.environ if env is None else env
    for name in ("GH_TOKEN", "GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN"):
        value = env.get(name, "")
        if len(value) >= 4:
            text = text.replace(value, "***")
    return _TOKEN_PATTERN.sub("***", text)


def find_gh(executable: str, search_path: str | None) -> str:
    """The gh to run: ``executable`` itself when ``search_path`` (a PATH value) has it, a gh on
    PATH always winning; else the one beside the running interpreter (the venv's bin/, where
    ``pip install 'learnlib[gh]'`` puts it, so ``.venv/bin/invoke`` works without activating);
    else ``executable`` unchanged, and running it reports gh missing. A path is taken as given.

    The interpreter's path is not resolved: a venv's ``bin/python`` is a symlink to the base
    interpreter, and the gh sits beside the link.
    """
    if os.sep in executable or (os.altsep and os.altsep in executable):
        return executable
    if shutil.which(executable, path=search_path) is not None:
        return executable
    here = Path(sys.executable).parent
    for name in (executable, f"{executable}.exe") if os.name == "nt" else (executable,):
        beside = here / name
        if beside.is_file() and os.access(beside, os.X_OK):
            return str(beside)
    return executable


def classify(action: str, returncode: int, stderr: str) -> GhError:
    """Turn gh's exit code and stderr into a typed error (stderr matters more than the code)."""
    detail = shorten(" ".join(stderr.split()), 2000) or f"gh exited with status {returncode}"
    match = _HTTP_STATUS.search(stderr)
    status = int(match.group(1)) if match else None
    retry = _RETRY_AFTER.search(stderr)
    retry_after = float(retry.group(1)) if retry else None
    lowered = stderr.lower()
    error_class: type[GhError]
    if returncode == 4 or status == 401 or "gh auth login" in stderr or "Bad credentials" in stderr:
        error_class = GhAuthRequired
        detail = f"{detail} ({AUTH_HINT})"
    elif _is_transient(status, lowered):
        error_class = GhUnavailable
    elif _REPO_NOT_FOUND in stderr:
        error_class = GhRepoNotFound
    elif status == 404 or any(text in stderr for text in _NOT_FOUND_TEXT):
        error_class = GhNotFound
    elif status is not None and 400 <= status < 500:
        error_class = GhRejected
    else:
        error_class = GhError
    return error_class(action, detail, status=status, retry_after=retry_after)


def shorten(value: object, limit: int = 200) -> str:
    """A value for an error message, cut to ``limit`` characters (gh output can be megabytes)."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def _is_transient(status: int | None, lowered_stderr: str) -> bool:
    if status == 429 or (status is not None and status >= 500):
        return True
    return any(text.lower() in lowered_stderr for text in _TRANSIENT_TEXT)


class Deadline:
    """The time a whole task may take; every gh timeout and retry wait is clipped to it."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._end = clock() + seconds

    def remaining(self) -> float:
        return max(0.0, self._end - self._clock())

    def expired(self) -> bool:
        return self.remaining() <= 0.0


#: Transient gh failures: 4 tries, waits of 0.25 s doubling to 4 s (gh's Retry-After wins).
RETRY = Schedule(
    first=defaults.GH_RETRY_FIRST,
    growth=defaults.BACKOFF_GROWTH,
    longest=defaults.GH_RETRY_LONGEST,
    attempts=defaults.GH_RETRY_ATTEMPTS,
)


@dataclass
class GitHubCli:
    """The gh binary as learnlib uses it: one repository choice, one deadline, one timeout."""

    repo: str | None = None
    timeout: float = defaults.GH_TIMEOUT
    deadline: Deadline = field(default_factory=lambda: Deadline(defaults.DEADLINE))
    executable: str = "gh"
    env: Mapping[str, str] | None = None
    retry: Schedule = RETRY
    #: The client's time: its retries sleep with ``sleep``, and every wait built on gh calls
    #: (run discovery, lookups, --wait) takes ``sleep`` and ``clock`` from here unless given.
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    def run(
        self,
        args: Sequence[str],
        *,
        action: str,
        stdin: str | None = None,
        with_repo: bool = True,
        retry: bool = True,
    ) -> str:
        """Run ``gh ARGS`` and return its stdout; retry transient failures when ``retry``.

        Output that is not UTF-8 is decoded with replacement characters: gh exited 0, so what it
        did stands (a dispatch happened even if its words cannot be read).
        """
        output = self._run_retrying(
            args, action=action, stdin=stdin, with_repo=with_repo, retry=retry
        )
        return output.decode("utf-8", errors="replace")

    def run_json(self, args: Sequence[str], *, action: str, with_repo: bool = True) -> Any:
        """Run a gh command that prints JSON and return the decoded value (strict UTF-8)."""
        output = self._run_retrying(
            args, action=action, stdin=None, with_repo=with_repo, retry=True
        )
        try:
            return json.loads(output.decode("utf-8"))
        except UnicodeDecodeError:
            raise GhBadOutput(action, "gh printed output that is not valid UTF-8") from None
        except ValueError:
            raise GhBadOutput(
                action, f"gh printed something that is not JSON: {shorten(output)}"
            ) from None

    def _run_retrying(
        self,
        args: Sequence[str],
        *,
        action: str,
        stdin: str | None,
        with_repo: bool,
        retry: bool,
    ) -> bytes:
        attempt = 1
        while True:
            try:
                return self._run_once(args, action=action, stdin=stdin, with_repo=with_repo)
            except GhError as error:
                attempt += 1
                if not (retry and error.transient and self.retry.allows(attempt)):
                    raise
                wait = (
                    self.retry.wait(attempt - 2) if error.retry_after is None else error.retry_after
                )
                if wait >= self.deadline.remaining():
                    raise
                self.sleep(wait)

    def target_repo(self) -> str | None:
        """The repository gh will use when one is named: --repo, else GH_REPO."""
        return self.repo or self._environment().get("GH_REPO") or None

    def _argv(self, args: Sequence[str], with_repo: bool) -> list[str]:
        argv = [find_gh(self.executable, self._environment().get("PATH", os.defpath)), *args]
        if with_repo and self.repo:
            argv += ["--repo", self.repo]
        return argv

    def _environment(self) -> dict[str, str]:
        return {**os.environ, **(self.env or {}), **_QUIET_ENV}

    def _run_once(
        self, args: Sequence[str], *, action: str, stdin: str | None, with_repo: bool
    ) -> bytes:
        timeout = min(self.timeout, self.deadline.remaining())
        if timeout <= 0:
            raise GhTimeout(action, "the task's deadline passed before gh could run")
        env = self._environment()
        try:
            completed = subprocess.run(
                self._argv(args, with_repo),
                input=None if stdin is None else stdin.encode("utf-8"),
                stdin=subprocess.DEVNULL if stdin is None else None,
                capture_output=True,
                timeout=timeout,
                env=env,
                check=False,
            )
        except FileNotFoundError:
            named = os.sep in self.executable
            where = "" if named else f" on PATH nor in {Path(sys.executable).parent}"
            raise GhNotInstalled(
                action, f"`{self.executable}` was not found{where}; {INSTALL_HINT}"
            ) from None
        except subprocess.TimeoutExpired:
            raise GhTimeout(action, f"gh did not answer within {timeout:g} s") from None
        stderr = redact(completed.stderr.decode("utf-8", errors="replace"), env)
        if completed.returncode != 0:
            raise classify(action, completed.returncode, stderr)
        return completed.stdout


def field_of(data: Any, name: str, kind: type[T], *, action: str) -> T:
    """``data[name]`` checked to be a ``kind``; anything else is a :class:`GhBadOutput`."""
    if not isinstance(data, dict) or name not in data:
        raise GhBadOutput(action, f"gh's JSON has no field {name!r}")
    value = data[name]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise GhBadOutput(
            action, f"gh's JSON field {name!r} is not a {kind.__name__}: {shorten(value)}"
        )
    return value
