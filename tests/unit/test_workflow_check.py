"""The workflow preflight: what `on:` declares, in every shape YAML allows."""

from __future__ import annotations

import pytest

from learnlib.rules.workflow_check import UnreadableWorkflow, check_workflow

INPUTS = """
    inputs:
      issue_number: {required: true}
"""


@pytest.mark.parametrize(
    "text",
    [
        "on:\n  workflow_dispatch:" + INPUTS,
        "'on':\n  workflow_dispatch:" + INPUTS,
        "%YAML 1.1\n---\non:\n  workflow_dispatch:" + INPUTS,  # `on` read as True
        "true:\n  workflow_dispatch:" + INPUTS,
        "on:\n  push: {}\n  workflow_dispatch:" + INPUTS,
    ],
    ids=["plain", "quoted", "yaml-1.1", "boolean-key", "several"],
)
def test_a_dispatchable_workflow_passes(text: str) -> None:
    check = check_workflow(text, "w.yml")
    assert check.problem is None and "issue_number" in check.inputs


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("on: push\n", "no workflow_dispatch"),
        ("on: [push, pull_request]\n", "no workflow_dispatch"),
        ("on: {push: {}}\n", "no workflow_dispatch"),
        ("name: x\n", "no workflow_dispatch"),
        ("on: workflow_dispatch\n", "no issue_number"),
        ("on: [workflow_dispatch]\n", "no issue_number"),
        ("on:\n  workflow_dispatch:\n", "no issue_number"),
        ("on:\n  workflow_dispatch:\n    inputs:\n      plan: {}\n", "no issue_number"),
        (
            "on:\n  workflow_dispatch:" + INPUTS + "      reviewer: {required: true}\n",
            "reviewer",
        ),
    ],
)
def test_a_workflow_that_cannot_take_the_dispatch_names_the_problem(
    text: str, problem: str
) -> None:
    assert problem in (check_workflow(text, "w.yml").problem or "")


def test_required_inputs_with_a_default_or_that_we_send_are_fine() -> None:
    text = (
        "on:\n  workflow_dispatch:" + INPUTS + "      a: {required: true, default: x}\n"
        "      distinct_id: {required: true}\n      Issue_Number2: {required: false}\n"
    )
    check = check_workflow(text, "w.yml", frozenset({"distinct_id"}))
    assert check.problem is None and check.takes_distinct_id


def test_input_names_are_case_insensitive() -> None:
    text = "on:\n  workflow_dispatch:\n    inputs:\n      Issue_Number: {required: true}\n"
    assert check_workflow(text, "w.yml").problem is None


@pytest.mark.parametrize("text", ["on: [\n", "- a\n- b\n", "just text"])
def test_unreadable_files_are_not_a_refusal(text: str) -> None:
    with pytest.raises(UnreadableWorkflow):
        check_workflow(text, "w.yml")
