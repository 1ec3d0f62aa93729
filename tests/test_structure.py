"""The package's layout: no import cycles (module level, inside functions, or type-only under
``if TYPE_CHECKING``), the configuration at the bottom, and every module's public names
declared."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "costmodel"


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p) for p in PACKAGE.rglob("*.py")}


def _imports(path: Path) -> set[str]:
    """costmodel modules imported by ``path``, anywhere: at module level, inside functions and
    under ``if TYPE_CHECKING`` (a type-only cycle is a cycle too). ``from costmodel.x import
    y`` names the module ``costmodel.x.y`` where that is a module."""
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(
                "costmodel"):
            modules = {f"{node.module}.{a.name}" for a in node.names} & MODULES
            found |= modules or {node.module}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("costmodel.")}
    return found


def _graph() -> dict[str, set[str]]:
    """Each module's imports; the package ``costmodel`` itself (its ``__init__`` gathers the
    public API from everything) is left out."""
    return {_module(p): _imports(p) - {"costmodel"} for p in PACKAGE.rglob("*.py")
            if _module(p) != "costmodel"}


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
    allowed = {"costmodel.descriptions.builtin_networks", "costmodel.descriptions.network_spec",
               "costmodel.base.kinds", "costmodel.descriptions.widths",
               "costmodel.descriptions.network_tables", "costmodel.base.parsing",
               "costmodel.descriptions.graph_tables",
               "costmodel.descriptions.timm_tables", "costmodel.base.data_files"}
    pending = ["costmodel.descriptions.configuration"]
    seen: set[str] = set()
    while pending:
        module = pending.pop()
        for dependency in graph[module]:
            if dependency not in seen:
                seen.add(dependency)
                pending.append(dependency)
    assert seen <= allowed, seen - allowed


def test_every_module_declares_its_public_names() -> None:
    for path in PACKAGE.rglob("*.py"):
        if path.stem in ("__init__", "cli", "__main__"):
            continue
        assert "__all__" in path.read_text("utf-8"), path.name


#: The layers from the bottom up (docs/architecture.md): each imports only those below it.
#: ``reports`` is the module costmodel/reports.py (Report and report(), the front door).
LAYERS = ("base", "descriptions", "core", "literature", "hardware", "reports", "teaching",
          "presentation")


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) >= 2 and parts[1] in LAYERS else None


def test_the_subpackages_are_layers() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(LAYERS) - {"reports"}, packages
    rank = {name: i for i, name in enumerate(LAYERS)}
    upward = [f"{module} → {dependency}" for module, imports in _graph().items()
              for dependency in imports
              if _layer(module) and _layer(dependency)
              and rank[str(_layer(dependency))] > rank[str(_layer(module))]]
    assert not upward, upward


def test_costs_are_written_once() -> None:
    """Weights, Mult-Adds and bytes moved are written in core/operations.py only (and summed
    per operation in core/counting.py): no other module multiplies kernels and channels or
    adds up elements itself."""
    import re

    rewritten = re.compile(r"\bk \* k \*|kernel \*\* 2 \*|elements_in \+ [a-z_.]*elements_out")
    home = {"costmodel.core.operations", "costmodel.core.counting", "costmodel.core.formulas",
            "costmodel.hardware.memory"}  # memory: live_elements, the one residency rule
    found = [f"{_module(p)}: {line.strip()}" for p in PACKAGE.rglob("*.py")
             if _module(p) not in home
             for line in p.read_text("utf-8").splitlines() if rewritten.search(line)]
    assert not found, found


def test_profile_names_and_kinds_are_named_once() -> None:
    """A built-in profile's name is written only in base/kinds.py; no module compares an
    operation's kind with a string literal (they use the enums of base/kinds.py)."""
    from costmodel.base.kinds import BUILTIN_PROFILES, LatencyKind, LayerKind, OpKind

    vocabulary = {str(v) for enum in (LatencyKind, LayerKind, OpKind) for v in enum}
    found = []
    for path in PACKAGE.rglob("*.py"):
        if _module(path) == "costmodel.base.kinds":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and node.value in BUILTIN_PROFILES:
                found.append(f"{_module(path)}:{node.lineno}: {node.value!r}")
            if isinstance(node, ast.Compare) and all(
                    isinstance(op, ast.Eq | ast.NotEq) for op in node.ops):
                for side in (node.left, *node.comparators):
                    if isinstance(side, ast.Constant) and side.value in vocabulary:
                        found.append(f"{_module(path)}:{node.lineno}: == {side.value!r}")
    assert not found, found
