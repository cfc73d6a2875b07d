"""Hostile input and faults: generated bad bodies, options and gh outputs; a fault at each gh step.

Every case runs the trigger once and hands what it saw to :func:`check`, the one place that states
the invariants:

- it ended within its time budget (the GitHubCli's deadline, or less where a case says so);
- the outcome is one clear JSON object: ``success`` is a bool, a failure has a non-empty ``error``
  and a snake_case ``error_type``; it renders through ``trigger_payload`` and ``json.dumps``;
- the issue body is unchanged on every refusal, and on success differs from the original only in
  the ``learn_status`` line (and a ``learn_run_id`` line), line endings included;
- there is never more than one dispatch, none when the trigger refused before dispatching, and
  exactly one when the JSON says a workflow was triggered.

Bodies and faults run the real gh against the sandbox GitHub (skipped without gh); options run the
Invoke task in-process with gh faked by pytest-subprocess, and so do the hostile gh outputs.
Each case is counted in the session tally (tests/hostile/conftest.py), printed at the end.
"""

from __future__ import annotations

import base64
import difflib
import json
import re
import shutil
import socket
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from invoke.program import Program

import tasks
from learnlib.gh.issues import ISSUE_FIELDS
from learnlib.gh.runner import Deadline, GitHubCli
from learnlib.gh.runs import RUN_FIELDS
from learnlib.rules import plan_header
from learnlib.rules.schedule import Schedule
from learnlib.sandbox.core import Fault
from learnlib.sandbox.seed import DEMO_REPO, demo_state
from learnlib.sandbox.server import SandboxGitHub
from learnlib.tasks.render import trigger_payload
from learnlib.usecases.trigger import LearnOptions, trigger_plan
from tests.gh_capabilities import GhCapabilities
from tests.gh_outputs import NOT_FOUND_STDERR, gh_json, issue_view_output, run_output
from tests.hostile.conftest import Tally
from tests.virtual_time import VirtualTime

ISSUE = 5406
DEADLINE = 20.0  # the GitHubCli's deadline, and every case's default time budget
QUICK_RETRY = Schedule(first=0.05, attempts=3)
SANDBOX_OPTIONS = LearnOptions(run_discovery_timeout=1.0, dispatch_confirm_timeout=0.1)
FAKE_OPTIONS = LearnOptions(run_discovery_timeout=0.3, dispatch_confirm_timeout=0.2)
GH_TIMEOUT = 10.0  # seconds per gh call, when a case is not about timeouts
HANG_TIMEOUT = 0.4  # seconds per gh call, when one step hangs

# What a case expects (any other string is the error_type of a failure; None: invariants only).
LEARNED = "learned"  # success, one dispatch, learn_status pending written
ALREADY = "already"  # success, nothing dispatched, nothing written
SAFE = "refused-or-learned"  # refused before dispatching, or learned: both keep the promise
INVALID = "invalid_plan_header"
AFTER_DISPATCH = frozenset({"dispatch_failed", "header_update_failed"})

LEARN_KEYS = frozenset({"learn_status", "learn_run_id"})
TOP_LEVEL_KEY = re.compile(r"""(?:\?\s+)?(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1\s*(?::|$)""")
FLOW_LEARN_STATUS = re.compile(r"""[{,]\s*(['"]?)learn_status\1\s*:""")
SNAKE_CASE = re.compile(r"[a-z]+(?:_[a-z0-9]+)*")
CLEAR_TEXT = 4000  # an error or detail longer than this is not a clear message

needs_gh = pytest.mark.skipif(
    shutil.which("gh") is None,
    reason="needs the real gh to talk to the sandbox GitHub (apt-get install gh); CI installs it",
)


# ---------------------------------------------------------------------------------- cases


@dataclass(frozen=True, kw_only=True)
class Case:
    id: str
    expect: str | None  # LEARNED, ALREADY, SAFE, an error_type, or None
    budget: float = DEADLINE  # seconds the case may take
    keep: tuple[str, ...] = ()  # text that must still be in the body afterwards, verbatim
    exit_code: int | None = None  # for the task run in-process


@dataclass(frozen=True, kw_only=True)
class BodyCase(Case):
    body: str
    control: str = ""  # the control character the body holds, when that is the point of the case


@dataclass(frozen=True, kw_only=True)
class OptionCase(Case):
    argv: tuple[str, ...]
    gh_stderr: str = ""  # what the faked gh says to any call the options let through


@dataclass(frozen=True, kw_only=True)
class SandboxOptionCase(Case):
    workflow: str = "learn-async.yml"
    ref: str = "main"


@dataclass(frozen=True, kw_only=True)
class OutputCase(Case):
    step: str  # a key of FAKE_STEPS
    stdout: str | bytes
    body: str = ""  # the issue body every other step shows (default: the seed's)


@dataclass(frozen=True, kw_only=True)
class FaultCase(Case):
    step: str
    kind: str
    endpoint: str = ""  # for HTTP faults: the sandbox endpoint, and which request to it fails
    nth: int = 1
    body: str | None = None  # issue #5406's body, when not the seed's


def params(cases: Iterable[Case]) -> list[Any]:
    """pytest params with readable ids."""
    return [pytest.param(case, id=case.id) for case in cases]


# ---------------------------------------------------------------- known limitations (strict xfail)

CONTROL_CHARACTERS_BUG = (
    "LIMITATION (gh): gh rewrites control characters in every API answer as caret text (C0 on "
    "every gh: NUL becomes the two characters '^@', ESC '^['; C1 too from gh 2.86: U+0085 becomes "
    "'^E'), `gh api` included, so a body holding one cannot be read exactly through gh and the "
    "rewrite writes the caret text back. learnlib cannot tell gh's '^[' from a regex's '^[a-z]' "
    "in prose, so refusing would turn away ordinary plans; the limitation is documented in "
    "README.md."
)


def known_limitation(case: Case, gh_caps: GhCapabilities | None) -> str | None:
    """Why ``case`` cannot hold with the gh under test (None: it must hold). A body holding a
    control character that this gh rewrites is a known limitation (tests/gh_capabilities.py)."""
    control = getattr(case, "control", "")
    if gh_caps is not None and control and control in gh_caps.sanitized:
        return CONTROL_CHARACTERS_BUG
    return None


def expect_limitation(request: pytest.FixtureRequest, reason: str | None) -> None:
    """Mark the running case a strict xfail: it must fail, for the reason given."""
    if reason is not None:
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


# ---------------------------------------------------------------------------------- the checker


@dataclass
class Observed:
    """What one run of the trigger did, seen from outside."""

    original: str
    payload: str | None = None  # the one JSON object, as rendered or printed
    raised: str | None = None
    elapsed: float = 0.0
    final: str = ""
    written: list[str] = field(default_factory=list)  # bodies our writes sent to GitHub
    dispatches: int = 0
    exit_code: int | None = None
    noticed: list[str] = field(default_factory=list)  # by the harness: stray calls, a dud fault


def check(tally: Tally, category: str, case: Case, seen: Observed) -> None:
    """Assert every invariant for one case, and count the case as tried and (maybe) held (a
    known limitation is a strict xfail marker on its test, pytest's to report)."""
    problems = violations(case, seen)
    tally.record(category, [shorten(problem) for problem in problems])
    assert not problems, "\n".join(problems)


def violations(case: Case, seen: Observed) -> list[str]:
    problems = list(seen.noticed)
    if seen.elapsed > case.budget:
        problems.append(f"took {seen.elapsed:.1f} s, budget {case.budget:g} s")
    if case.exit_code is not None and seen.exit_code != case.exit_code:
        problems.append(f"exit code {seen.exit_code}, expected {case.exit_code}")
    payload: dict[str, Any] | None = None
    if seen.raised is not None:
        problems.append(f"raised {seen.raised}")
    else:
        payload, shape = parse_payload(seen.payload)
        problems += shape
    if payload is not None:
        problems += outcome_problems(case, payload, seen.exit_code)
    problems += dispatch_problems(payload, seen.dispatches)
    problems += body_problems(case, payload, seen)
    return problems


def parse_payload(text: str | None) -> tuple[dict[str, Any] | None, list[str]]:
    if text is None:
        return None, ["printed no JSON object"]
    try:
        text.encode("utf-8")
        payload = json.loads(text)
    except (UnicodeError, ValueError) as error:
        return None, [f"the JSON does not render or read back: {error}"]
    if not isinstance(payload, dict) or not isinstance(payload.get("success"), bool):
        return None, [f"not an object with a boolean success: {text[:200]!r}"]
    problems = []
    if not payload["success"]:
        message, kind = payload.get("error"), payload.get("error_type")
        detail = payload.get("detail")
        if not isinstance(message, str) or not message.strip():
            problems.append(f"a failure without an error message: {message!r}")
        if not isinstance(kind, str) or not SNAKE_CASE.fullmatch(kind):
            problems.append(f"error_type is not snake_case: {kind!r}")
        if not isinstance(detail, str):
            problems.append(f"detail is not a string: {detail!r}")
        elif len(detail) > CLEAR_TEXT or len(str(message)) > CLEAR_TEXT:
            problems.append(f"the error is not a clear message ({len(detail)} characters)")
    return payload, problems


def outcome_problems(case: Case, payload: dict[str, Any], exit_code: int | None) -> list[str]:
    success, triggered = payload["success"], payload.get("workflow_triggered") is True
    kind = payload.get("error_type")
    problems = []
    wanted = 0 if success else 2 if kind == "invalid_option" else 1
    if exit_code is not None and exit_code != wanted:
        problems.append(f"exit code {exit_code} for {'success' if success else kind}")
    if case.expect is None:
        return problems
    got = LEARNED if success and triggered else ALREADY if success else str(kind)
    if case.expect == SAFE:
        ok = got == LEARNED or (not success and kind not in AFTER_DISPATCH)
    else:
        ok = got == case.expect
    if not ok:
        why = f": {payload.get('error')} / {payload.get('detail')}" if not success else ""
        problems.append(f"expected {case.expect}, got {got}{shorten(why)}")
    return problems


def dispatch_problems(payload: dict[str, Any] | None, dispatches: int) -> list[str]:
    if dispatches > 1:
        return [f"{dispatches} dispatches"]
    if payload is None:
        return []
    triggered = payload.get("workflow_triggered") is True
    if triggered and dispatches != 1:
        return [f"reports workflow_triggered but {dispatches} dispatches happened"]
    refused = not payload["success"] and payload.get("error_type") not in AFTER_DISPATCH
    if (refused or (payload["success"] and not triggered)) and dispatches:
        return ["dispatched although it reports that nothing was dispatched"]
    return []


def body_problems(case: Case, payload: dict[str, Any] | None, seen: Observed) -> list[str]:
    run_id = None if payload is None else payload.get("run_id")
    problems = [f"lost {text[:60]!r}" for text in case.keep if text not in seen.final]
    for text in seen.written:
        if text != seen.final and (problem := learn_only_change(seen.original, text, run_id)):
            problems.append(f"a write changed more than the learn state: {problem}")
    triggered = payload is not None and payload.get("workflow_triggered") is True
    if payload is not None and payload["success"] and triggered:
        if problem := learn_only_change(seen.original, seen.final, run_id, written=True):
            problems.append(f"after success: {problem}")
    elif payload is not None and not triggered:
        if seen.final != seen.original or seen.written:
            problems.append("the body was written although nothing was triggered")
    elif problem := learn_only_change(seen.original, seen.final, run_id):
        problems.append(f"after a failure: {problem}")  # at most the right change
    return problems


def learn_only_change(
    before: str, after: str, run_id: object, *, written: bool = False
) -> str | None:
    """None when ``after`` is ``before`` with learn_status set to pending (and maybe learn_run_id).

    Line by line, endings included: only the lines of the learn_status/learn_run_id entries may
    go, only one line of each may come, ending like the line it replaces or, when inserted, like
    the line before it. The header must then read back the same but for those two keys.
    """
    if after == before:
        return "nothing was written" if written else None
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    added_keys: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed = {i: entry_key(old, i) if old[i].strip() else "" for i in range(i1, i2)}
        if stranger := next((i for i, key in removed.items() if key not in LEARN_KEYS), None):
            return f"removed {old[stranger]!r}"
        for j in range(j1, j2):
            key = entry_key(new, j) if new[j].strip() else "a blank line"
            if key not in LEARN_KEYS or key in added_keys:
                return f"added {new[j]!r}"
            added_keys.append(key)
            replaced = [i for i, other in removed.items() if other == key]
            wanted = ending(old[replaced[-1]] if replaced else new[j - 1] if j else "\n")
            if ending(new[j]) != wanted:
                return f"{new[j]!r} ends with {ending(new[j])!r}, not {wanted!r}"
    return header_problem(before, after, run_id)


def header_problem(before: str, after: str, run_id: object) -> str | None:
    try:
        old, new = plan_header.read_header(before), plan_header.read_header(after)
    except plan_header.PlanHeaderError as error:
        return f"the header does not read: {error}"
    if new.get("learn_status") != "pending":
        return f"learn_status reads {new.get('learn_status')!r}"
    recorded = new.get("learn_run_id")
    if run_id is not None and not plan_header.is_empty(recorded) and recorded != str(run_id):
        return f"learn_run_id reads {recorded!r} but the run dispatched is {run_id}"
    others = {key: repr(value) for key, value in old.items() if key not in LEARN_KEYS}
    if others != {key: repr(value) for key, value in new.items() if key not in LEARN_KEYS}:
        return "other header values changed"
    return None


def entry_key(lines: Sequence[str], index: int) -> str:
    """The top-level key of the entry that holds ``lines[index]`` (continuation lines belong to
    the key above; in a one-line flow mapping, the line with learn_status is its entry)."""
    while index > 0 and lines[index][:1] in (" ", "\t", "-", ":", "\r", "\n"):
        index -= 1
    line = lines[index]
    if match := TOP_LEVEL_KEY.match(line):
        return match.group(2)
    return "learn_status" if FLOW_LEARN_STATUS.search(line) else ""


def ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


def shorten(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"


# ---------------------------------------------------------------------------------- bodies

WARNING = "<!-- WARNING: Machine-generated. Manual edits may break erk tooling. -->"
START, END = plan_header.START_MARKER, plan_header.END_MARKERS[0]
SHORT_END = plan_header.END_MARKERS[1]
CANONICAL = (
    "",
    "schema_version: '2'",
    "created_at: '2026-01-20T09:12:44.512031+00:00'",
    "created_by: someone",
    "last_remote_impl_run_id: '21203500990'",
    "last_local_impl_session: null",
    "learn_status: null",
    "",
)
SEED_BODY = next(i.body for i in demo_state().repos[0].issues if i.number == ISSUE)


def block(
    yaml: Sequence[str] = CANONICAL,
    *,
    eol: str = "\n",
    start: str = START,
    end: str = END,
    fence: str = "```yaml",
    warning: bool = True,
) -> str:
    """A plan-header block as the planning tool writes it, around these YAML lines."""
    lines = [WARNING] if warning else []
    lines += [start, "<details>", "<summary><code>plan-header</code></summary>", "", fence]
    lines += [*yaml, "```", "", "</details>", end]
    return "".join(line + eol for line in lines)


PROSE = SEED_BODY.removeprefix(block())  # the seed's plan body, workflow sample and notes


def plan(
    yaml: Sequence[str] = CANONICAL, *, before: str = "", after: str = PROSE, **kw: Any
) -> str:
    return before + block(yaml, **kw) + after


def setting(key: str, *lines: str, yaml: Sequence[str] = CANONICAL) -> tuple[str, ...]:
    """The YAML with ``key``'s line replaced by ``lines`` (none: the key is dropped)."""
    out: list[str] = []
    for line in yaml:
        out += lines if line.startswith(f"{key}:") else [line]
    return tuple(out)


def adding(*lines: str, yaml: Sequence[str] = CANONICAL) -> tuple[str, ...]:
    """The YAML with ``lines`` after the last key."""
    return (*yaml[:-1], *lines, yaml[-1])


FLOW_MAPPING = (
    "{schema_version: '2', last_remote_impl_run_id: '21203500990', learn_status: null}",
)
ANCHORED = setting("created_by", "created_by: &who someone")
ALIAS_AS_LAST_KEY = adding("reviewer: *who", yaml=ANCHORED)


def body(case_id: str, text: str, expect: str | None, **kw: Any) -> BodyCase:
    return BodyCase(id=case_id, body=text, expect=expect, **kw)


def marker_cases() -> Iterator[BodyCase]:
    canonical = plan()
    yield body("start-marker-without-end", canonical.replace(END, ""), INVALID)
    yield body("end-marker-without-start", canonical.replace(START, ""), INVALID)
    for cut in (5, len(START) - 1):
        yield body(f"start-marker-cut-at-{cut}", canonical.replace(START, START[:cut]), INVALID)
    for cut in (6, len(END) - 1):
        yield body(f"end-marker-cut-at-{cut}", canonical.replace(END, END[:cut]), INVALID)
    yield body("end-marker-before-start", END + "\n" + canonical.replace(END, ""), INVALID)
    yield body("short-end-marker", plan(end=SHORT_END), LEARNED)
    yield body("no-yaml-fence", plan(fence="```"), INVALID)
    yield body("yaml-fence-never-closed", plan((*CANONICAL[:-1], "</details>")), INVALID)


def block_cases() -> Iterator[BodyCase]:
    yield body("repeated-block", plan() + block(), INVALID)
    pending = block(setting("learn_status", "learn_status: pending"), warning=False)
    yield body("repeated-block-other-values", plan(after=PROSE + pending), INVALID)
    nested = WARNING + "\n" + START + "\n" + block(warning=False) + END + "\n" + PROSE
    yield body("nested-block", nested, SAFE)
    sample = block(setting("learn_status", "learn_status: null  # quoted sample"))
    quoted = f"A header looks like this:\n\n````markdown\n{sample}````\n\n"
    yield body("header-quoted-in-code-before", plan(before=quoted), LEARNED, keep=(quoted,))
    quoted = f"A header looks like this:\n\n~~~\n{sample}~~~\n"
    yield body("header-quoted-in-code-after", plan(after=PROSE + quoted), LEARNED, keep=(quoted,))
    yield body("header-inside-unclosed-prose-fence", plan(before="```\ncode\n"), INVALID)
    yield body("stray-start-marker-in-prose", plan(after=PROSE + START + "\n"), INVALID)


def anchor_cases() -> Iterator[BodyCase]:
    aliased = adding("reviewer: *who", "learn_run_id: null", yaml=ANCHORED)
    yield body("anchor-and-alias", plan(aliased), LEARNED)
    yield body("alias-as-last-key", plan(ALIAS_AS_LAST_KEY), LEARNED)
    aliased_status = setting("learn_status", "nothing: &n null", "learn_status: *n")
    yield body("learn_status-is-an-alias", plan(aliased_status), INVALID)
    laughs = ["lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        refs = ", ".join([f"*l{level - 1}"] * 9)
        laughs.append(f"lol{level}: &l{level} [{refs}]")
    yield body("billion-laughs", plan(adding(*laughs)), SAFE, budget=5.0)
    deep = "deep: " + "[" * 5000 + "]" * 5000
    yield body("brackets-nested-5000-deep", plan(adding(deep)), SAFE, budget=5.0)


# A character in a note in the prose must survive: learned, or refused when it cannot be kept.
# C0 (NUL, ESC) and C1 (NEXT LINE, CSI) controls: a known limitation wherever the gh under test
# rewrites them (see known_limitation), and must hold where it does not.
IN_PROSE = {
    "nul": ("\x00", SAFE),
    "escape": ("\x1b", SAFE),
    "form-feed": ("\x0c", LEARNED),
    "next-line": ("\x85", SAFE),
    "c1-csi": ("\x9b", SAFE),
    "line-separator": ("\u2028", LEARNED),
}
IN_YAML = {
    "nul": "\x00",
    "delete": "\x7f",
    "next-line": "\x85",
    "c1-csi": "\x9b",
    "paragraph-separator": "\u2029",
}


def character_cases() -> Iterator[BodyCase]:
    for name, (char, expect) in IN_PROSE.items():
        note = f"A note with a{char}b in it.\n"
        text = plan(after=PROSE + note)
        yield body(f"{name}-in-prose", text, expect, keep=(note,), control=char)
    for name, char in IN_YAML.items():
        text = plan(setting("created_by", f"created_by: a{char}b"))
        yield body(f"{name}-in-yaml", text, SAFE, control=char)
    yield body("bom-at-body-start", "\ufeff" + plan(), LEARNED, keep=("\ufeff" + WARNING,))
    yield body("bom-glued-to-start-marker", plan(start="\ufeff" + START, warning=False), SAFE)
    yield body("tab-indented-key", plan(setting("learn_status", "\tlearn_status: null")), INVALID)
    yield body("tab-after-colon", plan(setting("learn_status", "learn_status:\tnull")), SAFE)
    tabbed = PROSE.replace("  ", "\t")
    yield body("tabs-in-prose", plan(after=tabbed), LEARNED, keep=(tabbed,))


def yaml_cases() -> Iterator[BodyCase]:
    yield body("duplicate-learn_status", plan(adding("learn_status: null")), INVALID)
    yield body("duplicate-created_by", plan(adding("created_by: someone-else")), INVALID)
    yield body("duplicate-by-quoting", plan(adding("'learn_status': pending")), INVALID)
    yield body("yaml-is-a-list", plan(("- a", "- b")), INVALID)
    yield body("yaml-is-a-scalar", plan(("just some words",)), INVALID)
    yield body("yaml-is-empty", plan(("", "")), INVALID)
    yield body("yaml-two-documents", plan(adding("---", "a: 1")), INVALID)
    yield body("yaml-flow-mapping", plan(FLOW_MAPPING), LEARNED)
    yield body("unclosed-quote", plan(setting("created_at", "created_at: '2026-01-20")), INVALID)
    yield body("unclosed-bracket", plan(setting("created_by", "created_by: [someone")), INVALID)
    yield body("bad-indentation", plan(setting("learn_status", "  learn_status: null")), INVALID)
    broken = next(i.body for i in demo_state().repos[0].issues if i.number == 5409)
    yield body("the-seeded-broken-header", broken, INVALID)
    no_session = setting("last_remote_impl_run_id", "last_remote_impl_run_id: ''")
    yield body("no-session-data", plan(no_session), "no_session_data")


def filler(text: str, size: int) -> str:
    """``text`` with prose lines appended until it is exactly ``size`` characters long."""
    lines, length, number = [text], len(text), 0
    while length < size:
        line = f"Note {number:05d}: more context from the session, kept verbatim.\n"
        if length + len(line) > size:
            line = line[: size - length - 1] + "\n"
        lines.append(line)
        length, number = length + len(line), number + 1
    return "".join(lines)


def size_cases() -> Iterator[BodyCase]:
    full = filler(plan(), 65_536)  # GitHub's limit for a body
    # At the limit, the three characters "pending" adds over "null" would pass it: refused first.
    yield body("body-of-65536-characters", full, "body_too_long")
    yield body("body-just-under-the-limit", filler(plan(), 65_536 - 3), LEARNED)
    yield body("body-of-65536-characters-broken", full.replace(END, ""), INVALID)
    yield body("very-long-prose-line", plan(after=PROSE + "x" * 60_000 + "\n"), LEARNED)
    long_value = setting("created_by", "created_by: '" + "z" * 60_000 + "'")
    yield body("very-long-yaml-value", plan(long_value), LEARNED)
    yield body("all-crlf", plan().replace("\n", "\r\n"), LEARNED)
    yield body("crlf-header-lf-prose", plan(eol="\r\n"), LEARNED)
    lines = plan().splitlines()
    alternating = "".join(line + ("\r\n" if n % 2 else "\n") for n, line in enumerate(lines))
    yield body("alternating-crlf-and-lf", alternating, LEARNED)
    yield body("crlf-learn_status-absent", plan(setting("learn_status"), eol="\r\n"), LEARNED)
    yield body("cr-only-line-endings", plan().replace("\n", "\r"), SAFE)


LEARN_STATUS_VALUES = {
    "quoted-pending": ("'pending'", ALREADY),
    "folded-block-pending": (">-\n  pending", ALREADY),
    "completed_no_plan": ("completed_no_plan", ALREADY),
    "PENDING": ("PENDING", "invalid_learn_status"),
    "an-int": ("1", "invalid_learn_status"),
    "a-list": ("[pending]", "invalid_learn_status"),
    "literal-block-scalar": ("|\n  pending", "invalid_learn_status"),
    "block-sequence": ("\n  - pending\n  - again", "invalid_learn_status"),
}


def learn_status_cases() -> Iterator[BodyCase]:
    for name, (value, expect) in LEARN_STATUS_VALUES.items():
        lines = f"learn_status: {value}".replace(": \n", ":\n").split("\n")
        yield body(f"learn_status-{name}", plan(setting("learn_status", *lines)), expect)
    quoted_key = setting("learn_status", "'learn_status': null")
    yield body("learn_status-quoted-key", plan(quoted_key), LEARNED)
    yield body("learn_status-absent", plan(setting("learn_status")), LEARNED)
    yield body("learn_run_id-already-set", plan(adding("learn_run_id: '123'")), LEARNED)


def body_cases() -> Iterator[BodyCase]:
    for generate in (
        marker_cases,
        block_cases,
        anchor_cases,
        character_cases,
        yaml_cases,
        size_cases,
        learn_status_cases,
    ):
        yield from generate()


# ---------------------------------------------------------------------------------- the sandbox


@pytest.fixture(scope="module")
def shared_sandbox() -> Iterator[SandboxGitHub]:
    with SandboxGitHub(demo_state()) as double:
        yield double


@pytest.fixture
def sandbox(shared_sandbox: SandboxGitHub) -> SandboxGitHub:
    """The module's double reset to the demo state, no faults, no records: a fresh GitHub for
    each case (one server for the module saves a start and a stop per case)."""
    core = shared_sandbox.core
    with core.lock:
        core.state = demo_state()
        core.faults.clear()
        core.dispatch_edits.clear()
        core.run_delay = 0.0
    shared_sandbox.latency = 0.0
    shared_sandbox.clear_records()
    return shared_sandbox


def client_options(sandbox: SandboxGitHub, tmp_path: Path) -> dict[str, Any]:
    """learnlib's gh client pointed at the sandbox: quick retries, the suite's deadline."""
    env = sandbox.gh_env(tmp_path)
    return {"repo": DEMO_REPO, "env": env, "deadline": Deadline(DEADLINE), "retry": QUICK_RETRY}


def client(sandbox: SandboxGitHub, tmp_path: Path, timeout: float = GH_TIMEOUT) -> GitHubCli:
    return GitHubCli(timeout=timeout, **client_options(sandbox, tmp_path))


def trigger(seen: Observed, gh: GitHubCli, options: LearnOptions) -> None:
    """Trigger once: the JSON object the task would print, or what was raised, and the time."""
    started = gh.clock()
    try:
        result = trigger_plan(gh, ISSUE, options)
        seen.payload = json.dumps(trigger_payload(result), ensure_ascii=False)
    except Exception as error:  # an exception is a broken invariant, reported by check()
        seen.raised = repr(error)
    seen.elapsed = gh.clock() - started


def run_in_sandbox(
    sandbox: SandboxGitHub, gh: GitHubCli, options: LearnOptions, body_text: str | None = None
) -> Observed:
    """Put ``body_text`` in issue #5406 (its label stays), trigger once, record what happened."""
    with sandbox.lock:
        issue = sandbox.issue(ISSUE)
        issue.body = issue.body if body_text is None else body_text
        seen = Observed(original=issue.body)
    trigger(seen, gh, options)
    with sandbox.lock:
        seen.final = sandbox.issue(ISSUE).body
    edits = sandbox.edits
    seen.written = [e.body for e in edits if e.source == "api" and e.number == ISSUE]
    seen.noticed = [f"stray: edited issue #{e.number}" for e in edits if e.number != ISSUE]
    seen.dispatches = len(sandbox.dispatches)
    return seen


@needs_gh
@pytest.mark.parametrize("case", params(body_cases()))
def test_hostile_body(
    case: BodyCase,
    sandbox: SandboxGitHub,
    tmp_path: Path,
    tally: Tally,
    gh_caps: GhCapabilities,
    request: pytest.FixtureRequest,
) -> None:
    limitation = known_limitation(case, gh_caps)
    expect_limitation(request, limitation)
    # --ref spares the default-branch lookup here; the fault cases go through it
    options = replace(SANDBOX_OPTIONS, ref="main")
    seen = run_in_sandbox(sandbox, client(sandbox, tmp_path), options, case.body)
    check(tally, "bodies", case, seen)


# ---------------------------------------------------------------------------------- faults

# How each gh command of one trigger starts (the re-read asks for the body alone).
GH_STEPS = {
    "issue-view": ("issue", "view", str(ISSUE), "--json", ISSUE_FIELDS),
    "repo-view": ("repo", "view"),
    "dispatch": ("workflow", "run"),
    "run-list": ("run", "list"),
    "re-read": ("issue", "view", str(ISSUE), "--json", "body"),
    "issue-edit": ("issue", "edit"),
}
# The request to the double that fails, per step: (endpoint, which request to it). gh workflow run
# and gh run list both look the workflow up first (workflow_get #1 and #2); the issue view, the
# re-read and gh issue edit's own lookup are the IssueByNumber queries #1, #2 and #3.
HTTP_TARGETS = {
    "issue-view": ("issue_view", 1),
    "repo-view": ("repo_info", 1),
    "dispatch-lookup": ("workflow_get", 2),  # #1: the run listing read beside the issue
    "dispatch": ("workflow_dispatch", 1),
    "run-list-lookup": ("workflow_get", 3),
    "run-list": ("run_list", 1),
    "re-read": ("issue_view", 2),
    "issue-edit-lookup": ("issue_view", 3),
    "issue-edit": ("issue_edit", 1),
}
# Where a step that keeps failing leads (a failed issue view is a refusal named after the fault).
STEP_OUTCOME = {
    "repo-view": LEARNED,  # gh workflow run then finds the default branch itself
    "dispatch-lookup": "dispatch_failed",
    "dispatch": "dispatch_failed",
    "run-list-lookup": LEARNED,  # without a run_id, with a warning
    "run-list": LEARNED,
    "re-read": "header_update_failed",
    "issue-edit-lookup": "header_update_failed",
    "issue-edit": "header_update_failed",
}
READ_FAILURE = {
    "gh-missing": "gh_not_installed",
    "timeout": "gh_timeout",
    "connection-refused": "gh_unavailable",
    "401": "gh_auth_required",
    "404": "issue_not_found",
    "422": "gh_rejected",
    "429": "gh_unavailable",
    "502": "gh_unavailable",
}
GH_FAULTS = ("gh-missing", "timeout", "connection-refused")
HTTP_FAULTS = ("401", "404", "422", "429", "502")
RECOVERABLE = ("dispatch", "re-read", "issue-edit")  # also tried with one 502 a retry gets past
# The first `gh run list` is the decision's listing, read beside the issue on every gh; only a gh
# that prints no run lists again after the dispatch, and only there is the workflow looked up a
# third time.
RUN_LIST_STEPS = ("run-list-lookup",)


def fault_case(step: str, kind: str, **kw: Any) -> FaultCase:
    if kind.startswith("502-"):  # once, or after the change was made: the trigger gets past it
        expect = LEARNED
    else:
        expect = READ_FAILURE[kind] if step == "issue-view" else STEP_OUTCOME[step]
    return FaultCase(id=f"{step}-{kind}", step=step, kind=kind, expect=expect, **kw)


def fault_cases() -> Iterator[FaultCase]:
    for step in GH_STEPS:
        for kind in GH_FAULTS:
            yield fault_case(step, kind)
    for step, (endpoint, nth) in HTTP_TARGETS.items():
        # a lookup shares its endpoint with the next step's lookup: only a 404 stays on it
        kinds: tuple[str, ...] = HTTP_FAULTS if step in GH_STEPS else ("404",)
        kinds += ("502-once",) if step in RECOVERABLE else ()
        for kind in kinds:
            yield fault_case(step, kind, endpoint=endpoint, nth=nth)
    for step in ("dispatch", "issue-edit"):  # the change is made, then gh hears 502
        endpoint, nth = HTTP_TARGETS[step]
        yield fault_case(step, "502-after-it-happened", endpoint=endpoint, nth=nth)
    # the run is found after that 502, so learn_run_id goes into the write: not in a flow mapping
    flow = plan(FLOW_MAPPING)
    after = fault_case("dispatch", "502-after-it-happened", endpoint="workflow_dispatch", body=flow)
    yield replace(after, id="dispatch-502-after-it-happened-flow-mapping-header")
    yield FaultCase(
        id="dispatch-lands-after-gh-timed-out",
        step="dispatch",
        kind="slow",
        endpoint="workflow_dispatch",
        expect=LEARNED,
    )


@dataclass
class StepFaultGh(GitHubCli):
    """A GitHubCli that runs ``command`` instead of gh for the calls of one step."""

    step_argv: tuple[str, ...] = ()
    command: tuple[str, ...] = ()
    substituted: int = 0

    def _argv(self, args: Sequence[str], with_repo: bool) -> list[str]:
        argv = super()._argv(args, with_repo)
        if tuple(args[: len(self.step_argv)]) != self.step_argv:
            return argv
        self.substituted += 1
        return [*self.command, *argv[1:]]


def dead_proxy() -> str:
    """An HTTP proxy address on loopback where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def hanging_gh(tmp_path: Path) -> str:
    script = tmp_path / "hanging-gh"
    script.write_text("#!/bin/sh\nexec sleep 30\n")
    script.chmod(0o755)
    return str(script)


def on_request(
    sandbox: SandboxGitHub,
    monkeypatch: pytest.MonkeyPatch,
    endpoint: str,
    nth: int,
    action: Callable[[], None],
) -> Callable[[], bool]:
    """Run ``action`` when the nth request to ``endpoint`` arrives, before the double answers it
    (under the double's lock: a fault armed there applies from exactly that request on).
    Returns whether that request came."""
    take_fault = sandbox.core.take_fault
    arrivals = 0

    def counting(name: str) -> Fault | None:
        nonlocal arrivals
        if name == endpoint:
            arrivals += 1
            if arrivals == nth:
                action()
        return take_fault(name)

    monkeypatch.setattr(sandbox.core, "take_fault", counting)
    return lambda: arrivals >= nth


def faulty_client(
    case: FaultCase, sandbox: SandboxGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[GitHubCli, Callable[[], bool]]:
    """A client for ``case`` (gh itself fails at one step, or the double fails one request), and
    a function that tells, afterwards, whether the fault happened."""
    if case.kind in GH_FAULTS:
        proxy = dead_proxy()
        command = {
            "gh-missing": ("/nonexistent/gh",),
            "timeout": (hanging_gh(tmp_path),),
            "connection-refused": ("env", f"HTTP_PROXY={proxy}", f"http_proxy={proxy}", "gh"),
        }[case.kind]
        timeout = HANG_TIMEOUT if case.kind == "timeout" else GH_TIMEOUT
        step_argv = GH_STEPS[case.step]
        options = client_options(sandbox, tmp_path)
        gh = StepFaultGh(step_argv=step_argv, command=command, timeout=timeout, **options)
        return gh, lambda: gh.substituted > 0
    if case.kind == "slow":  # the dispatch is held past gh's timeout, then made
        came = on_request(sandbox, monkeypatch, case.endpoint, case.nth, lambda: time.sleep(0.9))
        return client(sandbox, tmp_path, timeout=0.6), came
    status = int(case.kind[:3])
    if case.kind == "502-after-it-happened":
        arm = partial(sandbox.fail_after, case.endpoint, status)
    else:  # a transient error keeps failing through every retry, unless it is "once"
        count = (QUICK_RETRY.attempts or 1) if case.kind in ("429", "502") else 1
        retry_after = 1.0 if status == 429 else None
        arm = partial(sandbox.fail_next, case.endpoint, status, count, retry_after=retry_after)
    on_request(sandbox, monkeypatch, case.endpoint, case.nth, arm)

    def answered() -> bool:
        return sandbox.request_count(case.endpoint, status=status) > 0

    return client(sandbox, tmp_path), answered


def reported_run(seen: Observed) -> object:
    """The run_id in the case's JSON object (None when there is none, or no object)."""
    payload, _ = parse_payload(seen.payload)
    return None if payload is None else payload.get("run_id")


def reached(case: FaultCase, gh_caps: GhCapabilities) -> bool:
    """Whether a trigger gets to the case's step with the gh under test: a gh that prints the run
    it dispatched leaves nothing to look up, so it never lists runs."""
    return not (gh_caps.prints_dispatched_run and case.step in RUN_LIST_STEPS)


@needs_gh
@pytest.mark.parametrize("case", params(fault_cases()))
def test_fault(
    case: FaultCase,
    sandbox: SandboxGitHub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    tally: Tally,
    gh_caps: GhCapabilities,
) -> None:
    gh, fired = faulty_client(case, sandbox, tmp_path, monkeypatch)
    # --ref spares the default-branch lookup, except where that lookup is the step that fails
    options = replace(SANDBOX_OPTIONS, ref=None if case.step == "repo-view" else "main")
    seen = run_in_sandbox(sandbox, gh, options, case.body)
    if reached(case, gh_caps) and not fired():
        seen.noticed.append(f"the fault never happened: {case.kind} at the {case.step} step")
    if not reached(case, gh_caps) and fired():
        seen.noticed.append(f"listed runs although gh printed the run ({case.kind} was met)")
    if not reached(case, gh_caps) and reported_run(seen) is None:
        seen.noticed.append("gh printed the run it dispatched, but the result has no run_id")
    check(tally, "faults", case, seen)


# ---------------------------------------------------------------------------------- options

ISSUE_NOT_FOUND = NOT_FOUND_STDERR.format(number=12)
REPO_NOT_FOUND = "GraphQL: Could not resolve to a Repository with the name '{}'. (repository)\n"
HUGE_ISSUE = "99999999999999999999"


def option_case(case_id: str, *argv: str, expect: str | None, **kw: Any) -> OptionCase:
    return OptionCase(id=case_id, argv=("trigger-async-learn", *argv), expect=expect, **kw)


def option_cases() -> Iterator[OptionCase]:
    """--issue and --repo values: malformed ones are exit 2 before gh runs; the rest reach gh."""
    for value in ("abc", "-5", "0", "1e3", "0x10", "", "12.5", "+12", "1_000", "12 13", "#", "-h"):
        yield option_case(
            f"issue={value!r}", f"--issue={value}", expect="invalid_option", exit_code=2
        )
    for value in ("\u0665\u0664\u0660\u0666", "\uff11\uff12", "\u00b2"):  # digits, not ASCII
        yield option_case(
            f"issue={value!r}", f"--issue={value}", expect="invalid_option", exit_code=2
        )
    for argv in (("--issue",), ("--issue=--force",), ("--issue", "--repo", "o/r")):
        # Invoke's parser meets a flag where the value should be
        case_id = " ".join(argv).replace("--issue", "issue-flag")
        yield option_case(case_id, *argv, expect="invalid_option", exit_code=2)
    for value in (" 12 ", "#12", "0012", "\t12\n"):  # read as 12: gh is asked, and finds nothing
        yield option_case(
            f"issue={value!r}",
            f"--issue={value}",
            expect="issue_not_found",
            exit_code=1,
            gh_stderr=ISSUE_NOT_FOUND,
        )
    # a positive integer, so gh gets it and refuses it ("invalid issue format"): a clear failure
    stderr = f'invalid issue format: "{HUGE_ISSUE}"\n'
    yield option_case("issue=huge", f"--issue={HUGE_ISSUE}", expect=None, gh_stderr=stderr)
    malformed = ("x", "a/b/c/d", "a b/c", "-o/r", "o/", "/r", "o//r", "o/r/", "ö/r", "o/r;id")
    for repo in (*malformed, "https://github.com/o/r", "o/r --jq .", "o/r\n-R x/y"):
        yield option_case(
            f"repo={repo!r}", "--issue=12", f"--repo={repo}", expect="invalid_option", exit_code=2
        )
    yield option_case(
        "repo='o/..'", "--issue=12", "--repo=o/..", expect="invalid_option", exit_code=2
    )
    for repo in ("o/r.git", "github.com/o/r", " o/r "):  # well-formed, but no such repo
        yield option_case(
            f"repo={repo!r}",
            "--issue=12",
            f"--repo={repo}",
            expect="repo_not_found",
            exit_code=1,
            gh_stderr=REPO_NOT_FOUND.format(repo.strip()),
        )


def run_task(argv: Sequence[str], fp: Any, capsys: pytest.CaptureFixture[str]) -> Observed:
    """The Invoke task in-process, as `invoke ARGV` runs it (gh faked by pytest-subprocess)."""
    seen = Observed(original="", final="")
    program = Program(namespace=tasks.ns, version="test")
    started = time.monotonic()
    try:
        program.run(["invoke", *argv])
        seen.exit_code = 0
    except SystemExit as exit_:
        seen.exit_code = exit_.code if isinstance(exit_.code, int) else 1
    except Exception as error:
        seen.raised = repr(error)
    seen.elapsed = time.monotonic() - started
    out, err = capsys.readouterr()
    lines = out.splitlines()
    seen.payload = lines[0] if len(lines) == 1 else None
    if len(lines) > 1:
        seen.noticed.append(f"stdout has {len(lines)} lines")
    if "Traceback" in err:
        seen.noticed.append("a traceback on stderr")
    calls = [[str(arg) for arg in call] for call in fp.calls]
    seen.dispatches = sum(call[1:3] == ["workflow", "run"] for call in calls)
    edits = [call for call in calls if call[1:3] == ["issue", "edit"]]
    seen.noticed += [f"stray: ran {' '.join(call)}" for call in edits]
    return seen


@pytest.mark.parametrize("case", params(option_cases()))
def test_hostile_option(
    case: OptionCase, fp: Any, capsys: pytest.CaptureFixture[str], tally: Tally
) -> None:
    fp.register(["gh", fp.any()], stderr=case.gh_stderr, returncode=1, occurrences=20)
    check(tally, "options", case, run_task(case.argv, fp, capsys))


WORKFLOW_VALUES = {
    "missing": "missing.yml",
    "no-dispatch-trigger": "ci.yml",
    "id-of-another-workflow": "221500002",
    "empty": "",
    "path-traversal": "../learn-async.yml",
    "yaml-extension": "learn-async.yaml",
    "with-spaces-and-flags": "learn-async.yml --ref x",
    "very-long": "w" * 300 + ".yml",
    "an-option": "--help",
    "a-short-option": "-h",
}


def sandbox_option_cases() -> Iterator[SandboxOptionCase]:
    """Workflows and refs GitHub does not have: a dispatch failure, nothing edited."""
    for name, workflow in WORKFLOW_VALUES.items():
        # the preflight reads ci.yml on the ref and refuses before dispatching (issue 11)
        expect = "workflow_not_dispatchable" if name == "no-dispatch-trigger" else "dispatch_failed"
        yield SandboxOptionCase(id=f"workflow-{name}", workflow=workflow, expect=expect)
    for name, ref in (("missing-branch", "no-such-branch"), ("an-option", "--help")):
        yield SandboxOptionCase(id=f"ref-{name}", ref=ref, expect="dispatch_failed")


@needs_gh
@pytest.mark.parametrize("case", params(sandbox_option_cases()))
def test_unknown_workflow_or_ref(
    case: SandboxOptionCase, sandbox: SandboxGitHub, tmp_path: Path, tally: Tally
) -> None:
    options = replace(SANDBOX_OPTIONS, workflow=case.workflow, ref=case.ref)
    check(tally, "options", case, run_in_sandbox(sandbox, client(sandbox, tmp_path), options))


# ---------------------------------------------------------------------------------- gh outputs

FAKE_STEPS = {
    "issue-view": ("gh", "issue", "view", str(ISSUE), "--json", ISSUE_FIELDS),
    "repo-view": ("gh", "repo", "view", "--json", "defaultBranchRef"),
    "dispatch": ("gh", "workflow", "run", "learn-async.yml", "-f", f"issue_number={ISSUE}"),
    "run-list": ("gh", "run", "list", "--workflow", "learn-async.yml", "--json", RUN_FIELDS),
    "re-read": ("gh", "issue", "view", str(ISSUE), "--json", "body"),
    "issue-edit": ("gh", "issue", "edit", str(ISSUE), "--body-file", "-"),
    "workflow-file": ("gh", "api"),
}
LEARN_WORKFLOW_B64 = base64.b64encode(
    b"on:\n  workflow_dispatch:\n    inputs:\n      issue_number: {required: true}\n"
).decode("ascii")
RUN_URL = "https://github.com/o/r/actions/runs/4242\n"  # what gh >= 2.87 prints on a dispatch


def good_outputs(body_text: str) -> dict[str, Any]:
    """What gh prints at each step of a trigger that works (Python values for the JSON ones)."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "issue-view": json.loads(issue_view_output(ISSUE, body_text)),
        "repo-view": {"defaultBranchRef": {"name": "main"}},
        "dispatch": "",
        "run-list": [run_output(901, now, display_title=f"Learn #{ISSUE}")],
        "re-read": {"body": body_text},
        "issue-edit": f"https://github.com/o/r/issues/{ISSUE}\n",
        "workflow-file": {"encoding": "base64", "content": LEARN_WORKFLOW_B64},
    }


def broken_json(valid: Any) -> Iterator[tuple[str, str | bytes]]:
    """gh output that is not the JSON value expected, in every way we could think of."""
    text = gh_json(valid)
    yield "not-json", "this is not JSON\n"
    yield "html-error-page", "<html><body><h1>502 Bad Gateway</h1></body></html>\n"
    yield "truncated", text[: len(text) // 2]
    yield "trailing-garbage", text.rstrip() + " and more\n"
    yield "empty", ""
    yield "blank-lines", " \n\n"
    yield "null", "null\n"
    yield "a-number", "42\n"
    yield "a-string", gh_json("erk-plan")
    yield "nan", "NaN\n"
    yield "wrong-container", gh_json([valid] if isinstance(valid, dict) else {"runs": valid})
    yield "invalid-utf-8", text.encode()[:2] + b"\xff\xfe\xc3\x28" + text.encode()[2:]
    yield "huge-garbage", "x" * 4_000_000


def wrong_values(value: Any) -> Iterator[tuple[str, Any]]:
    """Values of the wrong type for a field that holds ``value``."""
    if isinstance(value, int):
        yield from (("as-string", str(value)), ("as-float", float(value)), ("as-bool", True))
    elif isinstance(value, str):
        yield from (("a-number", 7), ("a-list", [value]))
    elif isinstance(value, list):
        yield from (("an-object", {}), ("a-string", "erk-plan"), ("of-strings", ["erk-plan"]))
    else:
        yield from (("a-list", [value]), ("a-string", "main"))
    yield "null", None


def broken_fields(valid: dict[str, Any], names: Iterable[str]) -> Iterator[tuple[str, str]]:
    for name in names:
        yield f"missing-{name}", gh_json({k: v for k, v in valid.items() if k != name})
        for label, wrong in wrong_values(valid[name]):
            yield f"{name}-{label}", gh_json({**valid, name: wrong})


# where a step's unreadable output leads
OUTPUT_OUTCOME = {
    "issue-view": "gh_bad_output",
    "repo-view": LEARNED,  # dispatched without --ref
    "run-list": LEARNED,  # without a run_id, with a warning
    "re-read": "header_update_failed",
}


def output_cases() -> Iterator[OutputCase]:
    good = good_outputs(SEED_BODY)
    for step, expect in OUTPUT_OUTCOME.items():
        valid = good[step]
        mutations = list(broken_json(valid))
        if isinstance(valid, dict):
            mutations += broken_fields(valid, valid)
        for label, stdout in mutations:
            yield OutputCase(id=f"{step}-{label}", step=step, stdout=stdout, expect=expect)
    run = good["run-list"][0]
    for label, stdout in broken_fields(run, ("databaseId", "createdAt", "event")):
        yield OutputCase(
            id=f"run-list-run-{label}", step="run-list", stdout=f"[{stdout}]", expect=LEARNED
        )
    for label, runs in (
        ("only-old-runs", [run_output(900, "2026-01-01T00:00:00Z", display_title="Learn #5406")]),
        ("createdAt-not-a-date", [{**run, "createdAt": "yesterday"}]),
    ):
        yield OutputCase(
            id=f"run-list-{label}", step="run-list", stdout=gh_json(runs), expect=LEARNED
        )
    wrong = {**good["issue-view"], "body": ["x" * 100] * 40_000}
    yield OutputCase(
        id="issue-view-huge-body-of-wrong-type",
        step="issue-view",
        stdout=gh_json(wrong),
        expect="gh_bad_output",
    )
    other = {**good["issue-view"], "number": 1}
    yield OutputCase(
        id="issue-view-another-issue-number", step="issue-view", stdout=gh_json(other), expect=SAFE
    )
    huge = filler(SEED_BODY, 3_000_000)
    stdout = gh_json(good_outputs(huge)["issue-view"])
    yield OutputCase(  # GitHub would refuse the write: refused before the dispatch
        id="issue-view-huge-body",
        step="issue-view",
        stdout=stdout,
        body=huge,
        expect="body_too_long",
    )
    for label, stdout in (
        ("garbage", "Created workflow_dispatch event for learn-async.yml at main\n"),
        ("url-with-a-non-numeric-id", "https://github.com/o/r/actions/runs/abc\n"),
        ("url-with-a-huge-id", "https://github.com/o/r/actions/runs/" + "9" * 40 + "\n"),
        ("huge", "x" * 4_000_000),
        ("invalid-utf-8", b"\xff\xfe done\n"),
    ):
        yield OutputCase(id=f"dispatch-{label}", step="dispatch", stdout=stdout, expect=LEARNED)
    for label, text in (
        ("canonical", SEED_BODY),
        ("flow-mapping", plan(FLOW_MAPPING)),
        ("alias-as-last-key", plan(ALIAS_AS_LAST_KEY)),
    ):
        yield OutputCase(
            id=f"new-gh-prints-the-run-{label}",
            step="dispatch",
            stdout=RUN_URL,
            body=text,
            expect=LEARNED,
        )


def run_with_fake_gh(fp: Any, case: OutputCase) -> Observed:
    """trigger_plan against pytest-subprocess answers: every step as gh prints it when
    things work, but the case's step, which prints the case's output."""
    body_text = case.body or SEED_BODY
    seen = Observed(original=body_text)

    def capture(data: bytes | str) -> None:
        seen.written.append(data.decode("utf-8") if isinstance(data, bytes) else data)

    outputs = good_outputs(body_text) | {case.step: case.stdout}
    for step, argv in FAKE_STEPS.items():
        output = outputs[step]
        stdout = output if isinstance(output, str | bytes) else gh_json(output)
        if step == "dispatch":  # with --ref, and without it when the branch lookup failed
            fp.register([*argv, "--ref", "main"], stdout=stdout, occurrences=3)
            fp.register(list(argv), stdout=stdout, occurrences=3)
        elif step == "run-list":
            fp.register([*argv, "--limit", "20"], stdout=stdout, occurrences=50)
            # the decision's listing, read before the dispatch: no run of this plan yet (old
            # queued runs of the plan would rightly stop the dispatch: see test_hostile_runs.py)
            hostile = case.step == "run-list" and case.id != "run-list-only-old-runs"
            before = stdout if hostile else "[]\n"
            fp.register([*argv, "--limit", "100"], stdout=before, occurrences=3)
        elif step == "workflow-file":
            fp.register([*argv, fp.any(min=1, max=1)], stdout=stdout, occurrences=3)
        elif step == "issue-edit":
            fp.register(list(argv), stdout=stdout, stdin_callable=capture, occurrences=3)
        else:
            fp.register(list(argv), stdout=stdout, occurrences=3)
    fp.register(["gh", fp.any()], stderr="unexpected call\n", returncode=1, occurrences=20)
    # gh is faked: the waits pass at once on a virtual clock, and count towards the budget
    waits = VirtualTime()
    gh = GitHubCli(
        deadline=Deadline(DEADLINE, waits.clock),
        retry=QUICK_RETRY,
        sleep=waits.sleep,
        clock=waits.clock,
    )
    trigger(seen, gh, FAKE_OPTIONS)
    seen.final = seen.written[-1] if seen.written else body_text
    for call in ([str(arg) for arg in call] for call in fp.calls):
        if not any(call[: len(argv)] == list(argv) for argv in FAKE_STEPS.values()):
            seen.noticed.append(f"stray: ran {' '.join(call)[:120]}")
        seen.dispatches += call[1:3] == ["workflow", "run"]
    return seen


@pytest.mark.parametrize("case", params(output_cases()))
def test_hostile_gh_output(case: OutputCase, fp: Any, tally: Tally) -> None:
    check(tally, "gh outputs", case, run_with_fake_gh(fp, case))


# ---------------------------------------------------------------------------------- the suite


def test_the_generators_cover_the_brief() -> None:
    assert plan() == SEED_BODY  # the body builders reproduce the seed byte for byte
    assert len(filler(plan(), 65_536)) == 65_536
    generated = [*body_cases(), *option_cases(), *sandbox_option_cases(), *output_cases()]
    assert len(generated) >= 40
    faults = {(case.step, case.kind) for case in fault_cases()}
    assert {(step, kind) for step in GH_STEPS for kind in (*GH_FAULTS, *HTTP_FAULTS)} <= faults
    ids = [case.id for case in [*generated, *fault_cases()]]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    controls = {case.control for case in body_cases() if case.control}
    assert {"\x00", "\x1b"} <= controls and {"\x85", "\x9b"} <= controls, "C0 and C1 both"


def test_the_checker_sees_damage() -> None:
    """The checker itself: it passes the one right change and flags the near misses."""
    before, crlf = plan(), plan(eol="\r\n")
    right = before.replace("learn_status: null", "learn_status: pending")
    with_run = right.replace(
        "learn_status: pending\n", "learn_status: pending\nlearn_run_id: '7'\n"
    )
    assert learn_only_change(before, right, None) is None
    assert learn_only_change(before, with_run, 7) is None
    assert learn_only_change(before, with_run, 8)  # another run's id
    assert learn_only_change(before, right.replace("someone", "someone-else"), None)
    assert learn_only_change(before, right + "\n", None)  # a line more
    assert learn_only_change(
        crlf, crlf.replace("learn_status: null\r\n", "learn_status: pending\n"), None
    )  # an ending
    assert learn_only_change(before, before, None, written=True)
    success = json.dumps({"success": True, "workflow_triggered": True, "run_id": None})
    seen = Observed(original=before, payload=success, final=right, dispatches=2)
    assert violations(Case(id="checker", expect=LEARNED), seen) == ["2 dispatches"]
    refused = json.dumps({"success": False, "error": "x", "error_type": "Not Snake", "detail": ""})
    seen = Observed(original=before, payload=refused, final=right, written=[right])
    assert len(violations(Case(id="checker", expect=None), seen)) == 2
