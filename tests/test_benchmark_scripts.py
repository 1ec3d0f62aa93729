"""The benchmark scripts (benchmarks/*.py, run by `make bench`, not by the tests) still import
what the library offers: every ``from costmodel... import NAME`` names something that exists.
A module moved or renamed breaks them silently otherwise. And the arithmetic a benchmark reads
its measurements with, on data worked by hand."""

from __future__ import annotations

import ast
import importlib
import json
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


def test_main_thread_time_is_the_tasks_within_each_move() -> None:
    # benchmarks/dashboard_main_thread.py: a hand-made trace of two moves, 1,000-2,000 µs and
    # 5,000-6,000 µs, on the renderer's main thread (pid 1, tid 2)
    import sys

    sys.path.insert(0, str(BENCHMARKS[0].parent))
    from dashboard_main_thread import END, START, busy_per_move

    def task(ts: int, dur: int, tid: int = 2) -> dict[str, object]:
        return {"name": "RunTask", "ph": "X", "pid": 1, "tid": tid, "ts": ts, "dur": dur}

    events = [
        {"name": "thread_name", "ph": "M", "pid": 1, "tid": 2, "args": {"name": "CrRendererMain"}},
        {"name": "thread_name", "ph": "M", "pid": 1, "tid": 3, "args": {"name": "Compositor"}},
        {"name": START, "ph": "I", "pid": 1, "tid": 2, "ts": 1_000},
        {"name": END, "ph": "I", "pid": 1, "tid": 2, "ts": 2_000},
        {"name": START, "ph": "I", "pid": 1, "tid": 2, "ts": 5_000},
        {"name": END, "ph": "I", "pid": 1, "tid": 2, "ts": 6_000},
        task(500, 700),  # 200 µs of it in the first move
        task(1_500, 100),  # 100 µs
        task(1_900, 300),  # 100 µs, the rest after the move
        task(1_200, 500, tid=3),  # another thread: not counted
        task(3_000, 1_000),  # between the moves: not counted
        task(4_000, 2_500),  # the whole second move: 1,000 µs
    ]
    assert busy_per_move(json.dumps({"traceEvents": events}).encode()) == [0.4, 1.0]
