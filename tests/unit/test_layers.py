"""The layout's import rule, read from the code itself (an AST walk over learnlib/).

README's architecture map states the same rule; a new import that crosses a layer fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "learnlib"

# What each layer may import from learnlib (itself always).
ALLOWED = {
    "defaults": set(),
    "rules": {"defaults"},
    "gh": {"rules", "defaults"},
    "timing": {"gh", "rules", "defaults"},
    "usecases": {"timing", "gh", "rules", "defaults"},
    "sandbox": {"rules", "defaults"},
    "tasks": {"usecases", "timing", "gh", "rules", "defaults", "sandbox"},
}
# The pure rules do no I/O: no processes, sockets, threads, clocks or files.
IMPURE = {
    "subprocess",
    "socket",
    "threading",
    "time",
    "concurrent",
    "os",
    "shutil",
    "http",
    "urllib",
}


def layer_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0].removesuffix(".py") if len(parts) > 1 or parts[0] != "__init__.py" else ""


def imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "learnlib":
                found += [(node.lineno, f"learnlib.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if layer_of(p))


def test_every_module_is_in_a_known_layer() -> None:
    assert {layer_of(p) for p in MODULES} <= set(ALLOWED)
    assert {"rules", "gh", "timing", "usecases", "tasks", "sandbox"} <= {
        layer_of(p) for p in MODULES
    }


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_layers(path: Path) -> None:
    layer = layer_of(path)
    crossing = [
        f"{path.relative_to(PACKAGE)}:{line} imports {name}"
        for line, name in imports(path)
        if name.startswith("learnlib.") and name.split(".")[1] not in ALLOWED[layer] | {layer}
    ]
    assert not crossing, f"{layer} may import only {sorted(ALLOWED[layer])}: {crossing}"


@pytest.mark.parametrize(
    "path", [p for p in MODULES if layer_of(p) == "rules"], ids=lambda p: p.name
)
def test_the_rules_do_no_io(path: Path) -> None:
    impure = [name for _, name in imports(path) if name.split(".")[0] in IMPURE]
    assert not impure, f"{path.name} imports {impure}"


def test_the_walk_sees_a_crossing(tmp_path: Path) -> None:
    """The rule can fail: a rules module importing gh is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("from learnlib.gh.runner import GitHubCli\nimport subprocess\n")
    names = [name for _, name in imports(bad)]
    assert names == ["learnlib.gh.runner", "subprocess"]
    assert names[0].split(".")[1] not in ALLOWED["rules"]
