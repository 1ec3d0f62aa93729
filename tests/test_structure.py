"""The package's layout: no import cycles (module level or inside functions), the
configuration at the bottom, and every module's public names declared."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "costmodel"


def _imports(path: Path) -> set[str]:
    """costmodel modules imported by ``path``, anywhere but under ``if TYPE_CHECKING``."""
    tree = ast.parse(path.read_text("utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(n) for child in node.body for n in ast.walk(child)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(
                "costmodel"):
            if node.module == "costmodel":
                found |= {f"costmodel.{a.name}" for a in node.names
                          if (PACKAGE / f"{a.name}.py").exists()}
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("costmodel.")}
    return found


def _graph() -> dict[str, set[str]]:
    return {f"costmodel.{p.stem}": _imports(p) for p in PACKAGE.glob("*.py")
            if p.stem != "__init__"}


def test_no_import_cycles() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for dependency in sorted(graph.get(module, ())):
            if dependency == module or dependency not in graph:
                continue
            if state.get(dependency) == 1:
                cycle = [*stack[stack.index(dependency):], dependency]
                raise AssertionError("import cycle: " + " → ".join(cycle))
            if dependency not in state:
                visit(dependency)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)


def test_configuration_is_the_lowest_layer() -> None:
    graph = _graph()
    allowed = {"costmodel.builtin_networks", "costmodel.network_spec", "costmodel.kinds",
               "costmodel.widths", "costmodel.network_tables", "costmodel.parsing",
               "costmodel.timm_tables"}
    pending = ["costmodel.configuration"]
    seen: set[str] = set()
    while pending:
        module = pending.pop()
        for dependency in graph[module]:
            if dependency not in seen:
                seen.add(dependency)
                pending.append(dependency)
    assert seen <= allowed, seen - allowed


def test_every_module_declares_its_public_names() -> None:
    for path in PACKAGE.glob("*.py"):
        if path.stem in ("__init__", "cli"):
            continue
        assert "__all__" in path.read_text("utf-8"), path.name
