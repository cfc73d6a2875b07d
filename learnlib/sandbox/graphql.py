"""A tiny GraphQL parser and executor: just enough of the language for what gh sends.

Supported: operations (query/mutation, named or anonymous) with variable definitions and defaults,
fields with aliases and arguments, nested selection sets, named fragments and fragment spreads,
inline fragments (``... on Type``), ``__typename``, and literal values of every kind (variables,
ints, floats, strings, block strings, booleans, null, enums, lists and input objects).
Not supported: directives, subscriptions, type validation of variables.

Execution resolves a selection against Python values through a :class:`Schema`: a map of object
type names to field resolvers. A resolver returns a scalar, a list, ``None`` or an :class:`Obj`
(a typed value whose fields are resolved in turn). A resolver may raise :class:`GraphQLError`;
the field becomes ``null`` and the error is reported with its path, as GitHub does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Document",
    "Field",
    "FragmentSpread",
    "GraphQLError",
    "InlineFragment",
    "Obj",
    "ObjectType",
    "Operation",
    "QueryError",
    "Schema",
    "execute",
    "parse",
]


class GraphQLError(Exception):
    """An error reported in the ``errors`` list of a GraphQL response."""

    def __init__(self, message: str, *, type: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.type = type


class QueryError(GraphQLError):
    """An error in the query itself: the whole request fails, with no ``data``."""


# --------------------------------------------------------------------------------------------
# Syntax tree


@dataclass(frozen=True)
class Variable:
    name: str


@dataclass
class Field:
    name: str
    alias: str | None = None
    arguments: dict[str, Any] = field(default_factory=dict)
    selections: list[Selection] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.alias or self.name


@dataclass
class InlineFragment:
    type_condition: str | None
    selections: list[Selection]


@dataclass
class FragmentSpread:
    name: str


Selection = Field | InlineFragment | FragmentSpread


@dataclass
class Operation:
    kind: str  # "query" or "mutation"
    name: str | None
    variable_defaults: dict[str, Any]
    selections: list[Selection]


@dataclass
class Document:
    operations: list[Operation]
    fragments: dict[str, InlineFragment]

    def operation(self, name: str | None = None) -> Operation:
        if name:
            for op in self.operations:
                if op.name == name:
                    return op
            raise GraphQLError(f"Unknown operation named '{name}'.")
        if len(self.operations) != 1:
            raise GraphQLError("An operation name is required when a document has several.")
        return self.operations[0]


# --------------------------------------------------------------------------------------------
# Lexer

_TOKEN = re.compile(
    r"""
    (?P<skip>[\s,\ufeff]+|\#[^\n\r]*)
  | (?P<spread>\.\.\.)
  | (?P<punct>[!$():=@\[\]{}|&])
  | (?P<block>\"\"\"(?:\\\"\"\"|[^"]|"(?!""))*\"\"\")
  | (?P<string>"(?:\\.|[^"\\\n\r])*")
  | (?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<name>[_A-Za-z][_0-9A-Za-z]*)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    pos: int


def _tokens(source: str) -> Iterator[_Token]:
    pos = 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if m is None:
            raise GraphQLError(f"Syntax error: unexpected character {source[pos]!r} at {pos}.")
        kind = m.lastgroup or ""
        if kind != "skip":
            yield _Token(kind, m.group(), pos)
        pos = m.end()


# --------------------------------------------------------------------------------------------
# Parser


class _Parser:
    def __init__(self, source: str) -> None:
        self.toks = list(_tokens(source))
        self.i = 0

    # token helpers
    def peek(self, text: str | None = None, kind: str | None = None) -> bool:
        if self.i >= len(self.toks):
            return False
        tok = self.toks[self.i]
        return (text is None or tok.text == text) and (kind is None or tok.kind == kind)

    def take(self, text: str | None = None, kind: str | None = None) -> _Token:
        if not self.peek(text, kind):
            found = self.toks[self.i].text if self.i < len(self.toks) else "end of document"
            wanted = text or kind
            raise GraphQLError(f"Syntax error: expected {wanted!r}, found {found!r}.")
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def name(self) -> str:
        return self.take(kind="name").text

    # grammar
    def document(self) -> Document:
        ops: list[Operation] = []
        fragments: dict[str, InlineFragment] = {}
        while self.i < len(self.toks):
            if self.peek("{"):
                ops.append(Operation("query", None, {}, self.selection_set()))
            elif self.peek("fragment"):
                self.take()
                name = self.name()
                self.take("on")
                fragments[name] = InlineFragment(self.name(), self.selection_set())
            elif self.peek("query") or self.peek("mutation"):
                kind = self.take().text
                op_name = self.name() if self.peek(kind="name") else None
                defaults = self.variable_definitions() if self.peek("(") else {}
                ops.append(Operation(kind, op_name, defaults, self.selection_set()))
            else:
                raise GraphQLError(f"Syntax error: unexpected {self.toks[self.i].text!r}.")
        return Document(ops, fragments)

    def variable_definitions(self) -> dict[str, Any]:
        defaults: dict[str, Any] = {}
        self.take("(")
        while not self.peek(")"):
            self.take("$")
            var = self.name()
            self.take(":")
            self.type_ref()
            defaults[var] = None
            if self.peek("="):
                self.take()
                defaults[var] = self.value()
        self.take(")")
        return defaults

    def type_ref(self) -> None:
        if self.peek("["):
            self.take("[")
            self.type_ref()
            self.take("]")
        else:
            self.name()
        if self.peek("!"):
            self.take("!")

    def selection_set(self) -> list[Selection]:
        self.take("{")
        selections: list[Selection] = []
        while not self.peek("}"):
            selections.append(self.selection())
        self.take("}")
        return selections

    def selection(self) -> Selection:
        if self.peek(kind="spread"):
            self.take()
            if self.peek("on"):
                self.take()
                return InlineFragment(self.name(), self.selection_set())
            if self.peek("{"):
                return InlineFragment(None, self.selection_set())
            return FragmentSpread(self.name())
        name = self.name()
        alias = None
        if self.peek(":"):
            self.take()
            alias, name = name, self.name()
        args = self.arguments() if self.peek("(") else {}
        if self.peek("@"):
            raise GraphQLError("Directives are not supported by this sandbox.")
        selections = self.selection_set() if self.peek("{") else []
        return Field(name, alias, args, selections)

    def arguments(self) -> dict[str, Any]:
        args: dict[str, Any] = {}
        self.take("(")
        while not self.peek(")"):
            key = self.name()
            self.take(":")
            args[key] = self.value()
        self.take(")")
        return args

    def value(self) -> Any:
        if self.peek("$"):
            self.take()
            return Variable(self.name())
        if self.peek("["):
            self.take()
            items = []
            while not self.peek("]"):
                items.append(self.value())
            self.take("]")
            return items
        if self.peek("{"):
            self.take()
            obj: dict[str, Any] = {}
            while not self.peek("}"):
                key = self.name()
                self.take(":")
                obj[key] = self.value()
            self.take("}")
            return obj
        tok = self.take()
        if tok.kind == "string":
            return json.loads(tok.text)
        if tok.kind == "block":
            return _block_string(tok.text[3:-3])
        if tok.kind == "number":
            return float(tok.text) if any(c in tok.text for c in ".eE") else int(tok.text)
        if tok.kind == "name":
            return {"true": True, "false": False, "null": None}.get(tok.text, tok.text)
        raise GraphQLError(f"Syntax error: unexpected {tok.text!r}.")


def _block_string(raw: str) -> str:
    lines = raw.replace('\\"""', '"""').splitlines()
    indents = [len(ln) - len(ln.lstrip()) for ln in lines[1:] if ln.strip()]
    cut = min(indents, default=0)
    lines = lines[:1] + [ln[cut:] for ln in lines[1:]]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def parse(source: str) -> Document:
    """Parse a GraphQL document; raises :class:`GraphQLError` on a syntax error."""
    return _Parser(source).document()


# --------------------------------------------------------------------------------------------
# Execution

Resolver = Callable[[Any, dict[str, Any]], Any]


@dataclass(frozen=True)
class Obj:
    """A value of a GraphQL object type: ``type`` names its entry in the :class:`Schema`."""

    type: str
    value: Any = None


@dataclass
class ObjectType:
    fields: dict[str, Resolver]
    interfaces: frozenset[str] = frozenset()


Schema = Mapping[str, ObjectType]


def _substitute(value: Any, variables: Mapping[str, Any]) -> Any:
    if isinstance(value, Variable):
        if value.name not in variables:
            raise QueryError(f"Variable ${value.name} is not defined.")
        return variables[value.name]
    if isinstance(value, list):
        return [_substitute(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, variables) for k, v in value.items()}
    return value


class _Executor:
    def __init__(self, schema: Schema, doc: Document, variables: Mapping[str, Any]) -> None:
        self.schema = schema
        self.doc = doc
        self.variables = variables
        self.errors: list[dict[str, Any]] = []

    def collect(self, type_name: str, selections: list[Selection]) -> list[Field]:
        """Flatten fragments that apply to ``type_name`` into a list of fields."""
        out: list[Field] = []
        for sel in selections:
            if isinstance(sel, Field):
                out.append(sel)
                continue
            frag = self.doc.fragments.get(sel.name) if isinstance(sel, FragmentSpread) else sel
            if frag is None:
                raise QueryError(f"Fragment {getattr(sel, 'name', '?')} was not defined.")
            cond = frag.type_condition
            obj_type = self.schema[type_name]
            if cond is None or cond == type_name or cond in obj_type.interfaces:
                out.extend(self.collect(type_name, frag.selections))
        return out

    def object(self, obj: Obj, selections: list[Selection], path: list[str | int]) -> Any:
        obj_type = self.schema.get(obj.type)
        if obj_type is None:
            raise QueryError(f"Type {obj.type} is not known.")
        result: dict[str, Any] = {}
        for fld in self.collect(obj.type, selections):
            if fld.name == "__typename":
                result[fld.key] = obj.type
                continue
            resolver = obj_type.fields.get(fld.name)
            if resolver is None:
                raise QueryError(f"Field '{fld.name}' doesn't exist on type '{obj.type}'")
            sub_path = [*path, fld.key]
            try:
                value = resolver(obj.value, _substitute(fld.arguments, self.variables))
                result[fld.key] = self.complete(value, fld, sub_path)
            except QueryError:
                raise
            except GraphQLError as err:
                entry: dict[str, Any] = {"message": err.message, "path": sub_path}
                if err.type:
                    entry["type"] = err.type
                self.errors.append(entry)
                result[fld.key] = None
        return result

    def complete(self, value: Any, fld: Field, path: list[str | int]) -> Any:
        if isinstance(value, Obj):
            if not fld.selections:
                raise QueryError(f"Field '{fld.name}' of type '{value.type}' must have a selection")
            return self.object(value, fld.selections, path)
        if isinstance(value, list):
            return [self.complete(v, fld, [*path, i]) for i, v in enumerate(value)]
        if fld.selections and value is not None:
            raise QueryError(f"Selections can't be made on scalars (field '{fld.name}')")
        return value


def execute(
    schema: Schema,
    roots: Mapping[str, Obj],
    query: str,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
) -> dict[str, Any]:
    """Run ``query`` and return the response object (``data`` and, if any, ``errors``).

    ``roots`` maps an operation kind ("query", "mutation") to its root value.
    """
    try:
        doc = parse(query)
        op = doc.operation(operation_name)
        root = roots.get(op.kind)
        if root is None:
            raise GraphQLError(f"Operations of kind {op.kind} are not supported.")
        merged = {**op.variable_defaults, **(variables or {})}
        executor = _Executor(schema, doc, merged)
        data = executor.object(root, op.selections, [])
    except GraphQLError as err:
        return {"errors": [{"message": err.message}]}
    response: dict[str, Any] = {"data": data}
    if executor.errors:
        response["errors"] = executor.errors
    return response


def operation_info(
    query: str, operation_name: str | None = None
) -> tuple[str, str | None, list[str]]:
    """Return (kind, operation name, root field names) of a query, for logging and routing."""
    try:
        doc = parse(query)
        op = doc.operation(operation_name)
    except GraphQLError:
        return ("invalid", operation_name, [])
    roots = [s.name for s in op.selections if isinstance(s, Field)]
    return (op.kind, op.name, roots)
