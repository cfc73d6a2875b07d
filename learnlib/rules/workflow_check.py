"""Preflight: can the learn workflow, as it is on the dispatch's ref, take our dispatch?

Pure: the workflow file's text in, what it declares out. The ``on:`` key may be a string, a list or
a mapping. A YAML 1.2 reader (ruamel's default) reads the key ``on`` as the string "on"; a file
marked ``%YAML 1.1`` (or a 1.1 reader) makes it the boolean True: both are looked up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

ISSUE_INPUT = "issue_number"
DISTINCT_INPUT = "distinct_id"


@dataclass(frozen=True)
class WorkflowCheck:
    """What the file says. ``problem`` is the sentence that refuses the dispatch, else None."""

    problem: str | None = None
    inputs: frozenset[str] = frozenset()

    @property
    def takes_distinct_id(self) -> bool:
        return DISTINCT_INPUT in self.inputs


class UnreadableWorkflow(ValueError):
    """The text is not a workflow we can read; the dispatch goes ahead unchecked."""


def check_workflow(text: str, workflow: str, sent: frozenset[str] = frozenset()) -> WorkflowCheck:
    """Check the file against a dispatch sending ``issue_number`` and, when declared, the rest.

    ``sent`` names the optional inputs the trigger would send if declared (distinct_id).
    Raises UnreadableWorkflow when the YAML does not parse or is not a mapping.
    """
    try:
        data = YAML(typ="safe", pure=True).load(text)
    except YAMLError as error:
        raise UnreadableWorkflow(f"{workflow} does not parse as YAML: {error}") from None
    if not isinstance(data, Mapping):
        raise UnreadableWorkflow(f"{workflow} is not a YAML mapping")
    triggers = data.get("on", data.get(True))
    dispatch = _dispatch_trigger(triggers)
    if dispatch is None:
        return WorkflowCheck(f"{workflow} has no workflow_dispatch trigger on this ref")
    declared = _inputs(dispatch)
    names = frozenset(declared)
    if ISSUE_INPUT not in names:
        return WorkflowCheck(
            f"{workflow}'s workflow_dispatch declares no {ISSUE_INPUT} input", inputs=names
        )
    will_send = {ISSUE_INPUT} | (set(sent) & names)
    missing = sorted(
        name
        for name, spec in declared.items()
        if name not in will_send and _required_without_default(spec)
    )
    if missing:
        listed = ", ".join(missing)
        return WorkflowCheck(
            f"{workflow}'s workflow_dispatch requires input(s) learnlib does not send: {listed}",
            inputs=names,
        )
    return WorkflowCheck(inputs=names)


def _dispatch_trigger(triggers: object) -> object | None:
    """The workflow_dispatch entry (a mapping or None-as-{}), or None when there is none."""
    if isinstance(triggers, str):
        return {} if triggers == "workflow_dispatch" else None
    if isinstance(triggers, list):
        return {} if "workflow_dispatch" in triggers else None
    if isinstance(triggers, Mapping) and "workflow_dispatch" in triggers:
        entry = triggers["workflow_dispatch"]
        return entry if entry is not None else {}
    return None


def _inputs(dispatch: object) -> dict[str, object]:
    """Declared inputs by lower-cased name (GitHub compares input names case-insensitively)."""
    if not isinstance(dispatch, Mapping):
        return {}
    inputs = dispatch.get("inputs")
    if not isinstance(inputs, Mapping):
        return {}
    return {str(name).lower(): spec for name, spec in inputs.items()}


def _required_without_default(spec: object) -> bool:
    if not isinstance(spec, Mapping) or spec.get("required") is not True:
        return False
    default = spec.get("default")
    return default is None or default == ""
