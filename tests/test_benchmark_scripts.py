"""The benchmark scripts (benchmarks/*.py, run by `make bench`, not by the tests) still import
what the library offers: every ``from costmodel... import NAME`` names something that exists.
A module moved or renamed breaks them silently otherwise."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

BENCHMARKS = sorted((Path(__file__).resolve().parents[1] / "benchmarks").glob("*.py"))


@pytest.mark.parametrize("script", BENCHMARKS, ids=[p.name for p in BENCHMARKS])
def test_benchmark_script_imports_exist(script: Path) -> None:
    tree = ast.parse(script.read_text(encoding="utf-8"))
    missing = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and (
                node.module == "costmodel" or node.module.startswith("costmodel.")):
            module = importlib.import_module(node.module)
            missing += [f"{node.module}.{a.name}" for a in node.names
                        if not hasattr(module, a.name)]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("costmodel"):
                    importlib.import_module(alias.name)
    assert not missing, f"{script.name} imports names that do not exist: {missing}"
