"""Properties of learnlib.rules.plan_header on generated headers embedded in generated prose."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from learnlib.rules.plan_header import PlanHeaderError, read_header, set_values

SETTINGS = settings(max_examples=200, deadline=None)

START = "<!-- erk:metadata-block:plan-header -->"
RESOLVING_WORDS = {"null", "true", "false", "yes", "no", "on", "off", "y", "n"}

keys = st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True)
words = st.from_regex(r"[a-z][a-z0-9_-]{0,12}", fullmatch=True).filter(
    lambda word: word not in RESOLVING_WORDS
)
# printable, no line breaks, no format characters (a BOM is special to YAML readers)
one_line = st.text(st.characters(categories=["L", "N", "P", "S", "Zs"]), max_size=20)
new_values = st.none() | words | one_line


@st.composite
def sources(draw: st.DrawFn) -> tuple[str, object]:
    """(YAML source text of a value, the value it reads as)."""
    style = draw(st.sampled_from(["null", "plain", "single", "double", "int", "bool", "time"]))
    if style == "null":
        return draw(st.sampled_from(["null", "~", "", "Null", "NULL"])), None
    if style == "plain":
        word = draw(words)
        return word, word
    if style == "single":
        text = draw(one_line)
        return "'" + text.replace("'", "''") + "'", text
    if style == "double":
        text = draw(one_line)
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"', text
    if style == "int":
        number = draw(st.integers(0, 10**12))
        return str(number), number
    if style == "bool":
        flag = draw(st.booleans())
        return str(flag).lower(), flag
    return "2026-01-20T09:12:44.512031+00:00", "2026-01-20T09:12:44.512031+00:00"


@dataclass
class Entry:
    before_value: str  # key, optional space, colon and the spaces after it
    value_source: str
    after_value: str  # optional comment
    value: object


@dataclass
class Case:
    lines: list[str] = field(default_factory=list)
    entries: dict[str, tuple[int, Entry]] = field(default_factory=dict)  # key -> (line, entry)
    last_entry_line: int = -1

    @property
    def body(self) -> str:
        return "".join(self.lines)

    def values(self) -> dict[str, object]:
        return {key: entry.value for key, (_, entry) in self.entries.items()}


@st.composite
def entries(draw: st.DrawFn, key: str) -> Entry:
    key_source = draw(st.sampled_from([key, f"'{key}'", f'"{key}"']))
    colon = draw(st.sampled_from([":", " :"]))
    source, value = draw(sources())
    comment = draw(st.sampled_from(["", "  # note", " # " + draw(one_line)]))
    spaces = " " * draw(st.integers(1 if source or comment else 0, 3))
    return Entry(key_source + colon + spaces, source, comment, value)


PROSE_SNIPPETS = [
    ["", "Some prose about the plan.", ""],
    ["```yaml", "learn_status: in-prose", "schema_version: '9'", "```"],
    ["Inline `<!-- erk:metadata-block:plan-header -->` mention."],
    [
        "<!-- erk:metadata-block:plan-body -->",
        "<details>",
        "<summary><code>plan-body</code></summary>",
        "",
        "```yaml",
        "learn_status: in-plan-body",
        "```",
        "",
        "</details>",
        "<!-- /erk:metadata-block:plan-body -->",
    ],
    ["````markdown", START, "<details>", "```yaml", "learn_status: quoted", "```", "````"],
    ["~~~", START, "```yaml", "learn_status: quoted", "```", "<!-- /erk:metadata-block -->", "~~~"],
]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    endings = draw(st.sampled_from(["\n", "\r\n", "mixed"]))

    def eol() -> str:
        return draw(st.sampled_from(["\n", "\r\n"])) if endings == "mixed" else endings

    case = Case()

    def add(text: str) -> None:
        case.lines.append(text + eol())

    for snippet in draw(st.lists(st.sampled_from(PROSE_SNIPPETS), max_size=3)):
        for text in snippet:
            add(text)
    if draw(st.booleans()):
        add("<!-- WARNING: Machine-generated. Manual edits may break erk tooling. -->")
    add(START)
    add(draw(st.sampled_from(["<details>", "<details open>"])))
    for text in ("<summary><code>plan-header</code></summary>", "", "```yaml"):
        add(text)
    for _ in range(draw(st.integers(0, 2))):
        add("")
    for key in draw(st.lists(keys, min_size=1, max_size=8, unique=True)):
        for _ in range(draw(st.integers(0, 1))):
            add(draw(st.sampled_from(["", "# a comment", "  # indented comment"])))
        entry = draw(entries(key))
        add(entry.before_value + entry.value_source + entry.after_value)
        case.last_entry_line = len(case.lines) - 1
        case.entries[key] = (case.last_entry_line, entry)
    for _ in range(draw(st.integers(0, 2))):
        add("")
    for text in ("```", "", "</details>"):
        add(text)
    add(
        draw(
            st.sampled_from(
                ["<!-- /erk:metadata-block:plan-header -->", "<!-- /erk:metadata-block -->"]
            )
        )
    )
    for snippet in draw(st.lists(st.sampled_from(PROSE_SNIPPETS), max_size=3)):
        for text in snippet:
            add(text)
    return case


@st.composite
def updates_for(draw: st.DrawFn, case: Case) -> dict[str, str | None]:
    existing = st.sampled_from(sorted(case.entries))
    chosen = draw(st.lists(existing | keys, min_size=1, max_size=2, unique=True))
    return {key: draw(new_values) for key in chosen}


def split(text: str) -> list[str]:
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def same(old: object, new: str | None) -> bool:
    return type(old) is type(new) and old == new


def check_replaced(old: str, new: str, entry: Entry) -> None:
    """The value token changed, the key, spacing, comment and line ending did not."""
    ending = old[len(old.rstrip("\r\n")) :]
    if entry.value_source:
        assert new.startswith(entry.before_value)
        assert new.endswith(entry.after_value + ending)
    else:  # an empty value gets ` value` right after the colon
        colon = entry.before_value.rstrip(" ")
        assert new.startswith(colon + " ")
        assert new.endswith(entry.before_value[len(colon) :] + entry.after_value + ending)


@SETTINGS
@given(st.data())
def test_generated_headers_are_read(data: st.DataObject) -> None:
    case = data.draw(cases())
    assert read_header(case.body) == case.values()


@SETTINGS
@given(st.data())
def test_a_rewrite_changes_only_the_target_lines(data: st.DataObject) -> None:
    case = data.draw(cases())
    updates = data.draw(updates_for(case))
    old_values = case.values()
    result = set_values(case.body, updates)

    assert read_header(result) == {**old_values, **updates}
    assert set_values(result, updates) == result
    new_lines = split(result)
    inserted = [key for key in updates if key not in old_values]
    changed = {
        case.entries[key][0]: key
        for key in updates
        if key in old_values and not same(old_values[key], updates[key])
    }
    at = case.last_entry_line + 1
    assert len(new_lines) == len(case.lines) + len(inserted)
    for index, old in enumerate(case.lines[:at]):
        if index in changed:
            check_replaced(old, new_lines[index], case.entries[changed[index]][1])
        else:
            assert new_lines[index] == old
    ending = "\r\n" if case.lines[case.last_entry_line].endswith("\r\n") else "\n"
    for offset, key in enumerate(inserted):
        line = new_lines[at + offset]
        assert line.startswith(f"{key}: ")
        assert line.endswith(ending)
        assert "\n" not in line.removesuffix(ending)
    assert new_lines[at + len(inserted) :] == case.lines[at:]


@SETTINGS
@given(st.text())
def test_arbitrary_text_only_raises_plan_header_error(body: str) -> None:
    """Text without the block's marker is refused by both calls; any other text reads back."""
    if START not in body:
        for call in (lambda: read_header(body), lambda: set_values(body, {"learn_status": "x"})):
            with pytest.raises(PlanHeaderError, match="no plan-header block"):
                call()
    read_back_after_rewrite(body)


YAMLISH_CHARS = st.sampled_from(list("ab: -#'\"\n\r\t[]{}&*!|>~?,%@`\x00\ufeff\u2028é01.\\"))
YAMLISH = st.text(YAMLISH_CHARS)


def read_back_after_rewrite(body: str) -> None:
    """Either a PlanHeaderError, or a rewrite that reads back the new values and the old ones."""
    try:
        before = read_header(body)
        result = set_values(body, {"learn_status": "pending", "learn_run_id": None})
    except PlanHeaderError as err:
        assert err.reason and str(err)
        return
    expected = {**before, "learn_status": "pending", "learn_run_id": None}
    assert repr(read_header(result)) == repr(expected)


@SETTINGS
@given(YAMLISH)
def test_arbitrary_yaml_in_a_header_only_raises_plan_header_error(yaml: str) -> None:
    read_back_after_rewrite(
        f"{START}\n<details>\n```yaml\n{yaml}\n```\n</details>\n<!-- /erk:metadata-block -->\n"
    )


STRUCTURE = [
    START,
    "<!-- /erk:metadata-block -->",
    "<!-- /erk:metadata-block:plan-header -->",
    "```yaml",
    "```yml",
    "```",
    "````",
    "~~~",
    "learn_status: x",
    "a: [1, 2]  # c",
    "- x",
    "",
]


@SETTINGS
@given(
    st.lists(st.sampled_from(STRUCTURE) | one_line, max_size=16), st.sampled_from(["\n", "\r\n"])
)
def test_arbitrary_structure_only_raises_plan_header_error(lines: list[str], eol: str) -> None:
    read_back_after_rewrite(eol.join(lines))


@SETTINGS
@given(st.data())
def test_mutated_headers_only_raise_plan_header_error(data: st.DataObject) -> None:
    body = data.draw(cases()).body
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(body)))
        cut = data.draw(st.integers(0, 3))
        body = body[:at] + data.draw(st.text(YAMLISH_CHARS, max_size=3)) + body[at + cut :]
    read_back_after_rewrite(body)
