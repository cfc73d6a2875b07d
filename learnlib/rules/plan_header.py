"""Read and rewrite the plan-header metadata block of a plan issue body.

The YAML is only *composed* by ruamel.yaml (never re-emitted): the node marks say where each value
sits, and a rewrite replaces exactly that span of the original text, so every other byte survives.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import CollectionNode, MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

START_MARKER = "<!-- erk:metadata-block:plan-header -->"
END_MARKERS = ("<!-- /erk:metadata-block:plan-header -->", "<!-- /erk:metadata-block -->")

_MAX_DEPTH = 32
_BRACKET = re.compile(r"[][{}]")
# only lines that may be a marker or a fence matter when locating the block
_CANDIDATE_LINE = re.compile(r"^[^\S\n]*(?:```|~~~|<!--)[^\n]*", re.MULTILINE)
_FENCE = re.compile(r"`{3,}|~{3,}")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PLAIN_SAFE = re.compile(r"[A-Za-z_][A-Za-z0-9_./-]*")
_YAML11_WORDS = frozenset({"null", "true", "false", "yes", "no", "on", "off", "y", "n"})
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_NON_PRINTABLE = re.compile("[^\t\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TAG = "tag:yaml.org,2002:"
_BOOLS = {"true": True, "yes": True, "on": True, "y": True}
_BOOLS |= {"false": False, "no": False, "off": False, "n": False}
_INF = float("inf")
_FLOATS = {".inf": _INF, "+.inf": _INF, "-.inf": -_INF, ".nan": float("nan")}


class PlanHeaderError(ValueError):
    """The body has no usable plan header; str(err) is a clear sentence naming the problem.

    reason is one of: missing, multiple, unterminated, no_yaml, invalid_yaml, not_a_mapping,
    duplicate_key, unsupported_value.
    """

    reason: str

    def __init__(self, reason: str, message: str | None = None) -> None:
        super().__init__(message or f"The body has no usable plan header ({reason}).")
        self.reason = reason


@dataclass(frozen=True)
class _Header:
    offset: int  # where the YAML text starts in the body
    text: str  # the YAML between the ```yaml fence and its closing ```
    root: MappingNode
    pairs: dict[str, tuple[Node, Node]]


def read_header(body: str) -> dict[str, object]:
    """Parse the plan-header YAML into plain Python values. Raises PlanHeaderError.

    The last few thousand bodies' headers are remembered (learn-status decides thousands of
    plans, each read several times); each call gets its own copy.
    """
    return copy.deepcopy(_read_remembered(body))


@functools.lru_cache(maxsize=8192)
def _read_remembered(body: str) -> dict[str, object]:
    return _to_dict(_parse(body))


def is_empty(value: object) -> bool:
    """True for None and for blank strings: values that mean "not set"."""
    return value is None or (isinstance(value, str) and not value.strip())


def set_values(body: str, updates: Mapping[str, str | int | None]) -> str:
    """Return body with each key set to its value (None writes `null`), all else unchanged.

    Strings are written as strings (quoted when YAML would read them otherwise), ints as ints.
    """
    rendered = {_checked_key(key): _render(value) for key, value in updates.items()}
    header = _parse(body)
    before = _to_dict(header)
    changes = {k: v for k, v in updates.items() if k not in before or not _same(before[k], v)}
    if not changes:
        return body
    edits = [_replacement(header, k, rendered[k]) for k in changes if k in header.pairs]
    obviously_safe = all(_token_swap(header, k) for k in changes)
    if new_keys := [k for k in changes if k not in header.pairs]:
        at = _insert_at(header)
        edits.append((at, at, "".join(_new_line(header, at, k, rendered[k]) for k in new_keys)))
    text = header.text
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    result = body[: header.offset] + text + body[header.offset + len(header.text) :]
    if not obviously_safe:
        _verify(result, {**before, **changes})
    return result


# --- locating the block ------------------------------------------------------------------------


def _locate(body: str) -> tuple[int, str, int]:
    """Offset, text and first body line number of the header's YAML."""
    lines = [(m.start(), m.group().strip()) for m in _CANDIDATE_LINE.finditer(body)]
    blocks = _find_blocks([text for _, text in lines])
    if not blocks:
        raise PlanHeaderError("missing", f"The body has no plan-header block ({START_MARKER}).")
    if len(blocks) > 1:
        where = ", ".join(str(_line_number(body, lines[start][0])) for start, _ in blocks)
        msg = f"The body has more than one plan-header block (at lines {where})."
        raise PlanHeaderError("multiple", msg)
    start, end = blocks[0]
    at = _line_number(body, lines[start][0])
    if end is None:
        msg = f"The plan-header block opened at line {at} has no closing marker."
        raise PlanHeaderError("unterminated", msg)
    opening = next((i for i in range(start + 1, end) if _opens_yaml(lines[i][1])), None)
    closing = None
    if opening is not None:
        closing = next((i for i in range(opening + 1, end) if lines[i][1] == "```"), None)
    if opening is None or closing is None:
        msg = f"The plan-header block at line {at} has no ```yaml fence closed by ```."
        raise PlanHeaderError("no_yaml", msg)
    offset = body.index("\n", lines[opening][0]) + 1
    return offset, body[offset : lines[closing][0]], _line_number(body, offset)


def _line_number(body: str, index: int) -> int:
    return body.count("\n", 0, index) + 1


def _find_blocks(lines: list[str]) -> list[tuple[int, int | None]]:
    """(start, end) indexes of the lines holding each start marker outside prose code fences."""
    blocks: list[tuple[int, int | None]] = []
    fence, i = "", 0
    while i < len(lines):
        text = lines[i]
        if fence:
            if text.startswith(fence) and not text.strip(fence[0]):
                fence = ""
        elif text == START_MARKER:
            end = next((j for j in range(i + 1, len(lines)) if lines[j] in END_MARKERS), None)
            blocks.append((i, end))
            if end is None:
                break
            i = end
        elif match := _FENCE.match(text):
            # a backtick fence's info string may not contain backticks (then it is inline code)
            backticks_in_info = match.group()[0] == "`" and "`" in text[match.end() :]
            fence = "" if backticks_in_info else match.group()
        i += 1
    return blocks


def _opens_yaml(line: str) -> bool:
    text = line.strip()
    return text.startswith("```") and text.lstrip("`").strip().lower() in ("yaml", "yml")


# --- parsing -----------------------------------------------------------------------------------


def _parse(body: str) -> _Header:
    offset, text, line = _locate(body)
    root = _compose(text, line)
    if not isinstance(root, MappingNode):
        kind = "empty" if root is None else type(root).__name__.removesuffix("Node").lower()
        raise PlanHeaderError("not_a_mapping", f"The plan-header YAML is {kind}, not a mapping.")
    pairs: dict[str, tuple[Node, Node]] = {}
    for key, value in root.value:
        if not isinstance(key, ScalarNode):
            raise PlanHeaderError("unsupported_value", "The plan-header YAML has a non-scalar key.")
        if key.value in pairs:
            at = line + key.start_mark.line
            msg = f"The plan-header YAML has the key {key.value!r} twice (again at line {at})."
            raise PlanHeaderError("duplicate_key", msg)
        pairs[key.value] = (key, value)
    return _Header(offset, text, root, pairs)


def _compose(text: str, first_line: int) -> Node | None:
    if _bracket_depth(text) > _MAX_DEPTH:  # ruamel's scanner is quadratic in flow nesting
        raise _too_deep()
    try:
        node: Node | None = YAML(typ="rt").compose(text)
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f" at line {first_line + mark.line}" if mark else ""
        parts = (p for p in (err.context, err.problem) if p and not p.startswith("while "))
        raise _invalid(", ".join(parts) + where) from None
    except ReaderError as err:
        at = first_line + text.count("\n", 0, err.position)
        char = f"#x{err.character:04x}" if isinstance(err.character, int) else err.character
        raise _invalid(f"unacceptable character {char}: {err.reason} at line {at}") from None
    except RecursionError:
        raise _invalid("it is nested too deeply") from None
    except Exception as err:  # ruamel.yaml must never leak another exception type to callers
        raise _invalid(f"{type(err).__name__}: {err}") from None
    return node


def _bracket_depth(text: str) -> int:
    """Deepest nesting of [ and {, counting brackets in strings too (an overestimate)."""
    depth = deepest = 0
    for bracket in _BRACKET.findall(text):
        depth = depth + 1 if bracket in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


def _invalid(detail: str) -> PlanHeaderError:
    return PlanHeaderError("invalid_yaml", f"The plan-header YAML does not parse: {detail}.")


# --- reading values ----------------------------------------------------------------------------


def _to_dict(header: _Header) -> dict[str, object]:
    budget = [2 * len(header.text) + 1000]  # aliases may not expand a header beyond its own size
    return {name: _convert(value, 1, budget) for name, (_, value) in header.pairs.items()}


def _convert(node: Node, depth: int, budget: list[int]) -> object:
    budget[0] -= 1
    if budget[0] < 0 or depth > _MAX_DEPTH:
        raise _too_deep()
    if isinstance(node, SequenceNode):
        return [_convert(item, depth + 1, budget) for item in node.value]
    if isinstance(node, MappingNode):
        result: dict[object, object] = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, depth + 1, budget)
            if isinstance(key, list | dict) or key in result:
                msg = f"The plan-header YAML has a duplicate or unusable nested key {key!r}."
                raise PlanHeaderError("duplicate_key", msg)
            result[key] = _convert(value_node, depth + 1, budget)
        return result
    return _scalar(node.tag, node.value)


def _too_deep() -> PlanHeaderError:
    msg = (
        f"The plan-header YAML nests over {_MAX_DEPTH} levels deep or repeats too much via aliases."
    )
    return PlanHeaderError("unsupported_value", msg)


def _scalar(tag: str | None, text: str) -> object:
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "bool":
        return _BOOLS.get(text.lower(), text)
    try:
        if tag == _TAG + "int":
            digits = text.replace("_", "")
            return int(digits, 0) if not re.fullmatch(r"[-+]?0[0-9]+", digits) else int(digits)
        if tag == _TAG + "float":
            number = text.replace("_", "").lower()
            return _FLOATS[number] if number in _FLOATS else float(number)
    except ValueError:
        return text
    return text


def _same(current: object, new: str | int | None) -> bool:
    return type(current) is type(new) and current == new


# --- rewriting ---------------------------------------------------------------------------------


def _checked_key(key: str) -> str:
    if not _KEY.fullmatch(key):
        raise ValueError(f"{key!r} is not a plan-header key")
    return key


def _render(value: str | int | None) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool) or not isinstance(value, str):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"{value!r} is not a string, an int or None")
        return str(value)
    if _LINE_BREAK.search(value) or _NON_PRINTABLE.search(value):
        raise ValueError(f"{value!r} has a line break or unprintable character")
    if _PLAIN_SAFE.fullmatch(value) and value.lower() not in _YAML11_WORDS:
        return value
    return "'" + value.replace("'", "''") + "'"


def _replacement(header: _Header, key: str, rendered: str) -> tuple[int, int, str]:
    key_node, value = header.pairs[key]
    if _has_anchor(value):
        raise _unsupported(f"the value of {key!r} is an anchor or alias")
    start = value.start_mark.index
    if start == value.end_mark.index:  # empty value: its marks may point at the next token
        colon = _colon_after(header.text, key_node)
        return colon + 1, colon + 1, " " + rendered
    return start, _node_end(header.text, value), rendered


def _token_swap(header: _Header, key: str) -> bool:
    """True when the edit of ``key`` swaps one single-line scalar token for another.

    `key: old  # c` -> `key: new  # c`, with `new` plain-safe or single-quoted, cannot change
    anything but that value, so the read-back check (a second parse) is skipped. Anything else
    (an insert, a tag, a value on its own line, a block or flow node, an odd neighbour) is
    verified by parsing the result again.
    """
    if key not in header.pairs or header.root.flow_style:
        return False
    key_node, value = header.pairs[key]
    start, end = int(value.start_mark.index), int(value.end_mark.index)
    if not isinstance(value, ScalarNode) or value.style not in (None, "'", '"') or start == end:
        return False
    text = header.text
    colon = text.find(":", key_node.end_mark.index)
    between, token = text[colon + 1 : start], text[start:end]
    return (
        colon >= 0
        and between.strip(" ") == ""
        and "\n" not in token
        and "\r" not in token
        and (end == len(text) or text[end] in " \r\n")
        and value.anchor is None
    )


def _new_line(header: _Header, at: int, key: str, rendered: str) -> str:
    """`key: value` indented like the top-level keys, ending like the line it follows."""
    indent = " " * int(header.root.start_mark.column)
    return f"{indent}{key}: {rendered}" + ("\r\n" if header.text[at - 2 : at] == "\r\n" else "\n")


def _insert_at(header: _Header) -> int:
    """Index just after the line break that ends the mapping's last value."""
    if header.root.flow_style:
        raise _unsupported("the plan-header YAML is a flow mapping")
    key, value = header.root.value[-1]
    newline = header.text.find("\n", _pair_end(header.text, key, value))
    if newline < 0:
        raise _unsupported("the plan-header YAML does not end with a line break")
    return newline + 1


def _pair_end(text: str, key: Node, value: Node) -> int:
    if value.start_mark.index == value.end_mark.index:
        return _colon_after(text, key) + 1
    return _node_end(text, value)


def _node_end(text: str, node: Node) -> int:
    """End index of the node's own text: without trailing blank lines or comments."""
    if node.anchor is not None:  # an alias's marks point at its anchor, elsewhere in the text
        raise _unsupported("an anchor or alias sits where the edit would go")
    if isinstance(node, ScalarNode) and node.style in ("|", ">"):
        start, end = int(node.start_mark.index), int(node.end_mark.index)
        if node.value.endswith("\n\n"):  # kept (|+) trailing blank lines are content
            return start + len(text[start:end].removesuffix("\n").removesuffix("\r"))
        # otherwise the span runs on over the blank lines after the block scalar
        return start + len(text[start:end].rstrip())
    if not isinstance(node, CollectionNode) or node.flow_style or not node.value:
        return int(node.end_mark.index)
    last = node.value[-1]
    if isinstance(last, tuple):
        return _pair_end(text, *last)
    if last.start_mark.index == last.end_mark.index:
        raise _unsupported("a block sequence ends with an empty item")
    return _node_end(text, last)


def _colon_after(text: str, key: Node) -> int:
    index = key.end_mark.index
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    if index >= len(text) or text[index] != ":":
        raise _unsupported(f"no ':' follows the key {key.value!r}")
    return int(index)


def _has_anchor(node: Node) -> bool:
    # Every alias resolves to an anchored node, so this also stops on cycles.
    if node.anchor is not None:
        return True
    if isinstance(node, MappingNode):
        return any(_has_anchor(key) or _has_anchor(value) for key, value in node.value)
    return isinstance(node, SequenceNode) and any(_has_anchor(item) for item in node.value)


def _verify(result: str, expected: dict[str, object]) -> None:
    try:
        after = read_header(result)
    except PlanHeaderError as err:
        raise _unsupported(f"the rewritten header would not read back ({err})") from None
    if after.keys() != expected.keys() or any(repr(after[k]) != repr(expected[k]) for k in after):
        raise _unsupported("the rewritten header would not read back the same values")


def _unsupported(detail: str) -> PlanHeaderError:
    msg = f"The plan header cannot be rewritten safely: {detail}."
    return PlanHeaderError("unsupported_value", msg)
