"""The one CSV layout both benchmark scripts write: measure, value, unit, target, note, machine."""

from __future__ import annotations

import csv
import platform
from collections.abc import Sequence
from pathlib import Path

Row = tuple[str, float, str, str, str]


def machine() -> str:
    """Processor (or architecture) and Python version, for the results table."""
    return f"{platform.processor() or platform.machine()}, Python {platform.python_version()}"


def write_results(path: Path, rows: Sequence[Row]) -> None:
    """Write ``rows`` (measure, value, unit, target, note) with this machine to ``path``."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["measure", "value", "unit", "target", "note", "machine"])
        for name, value, unit, target, note in rows:
            writer.writerow([name, f"{value:.6g}", unit, target, note, machine()])
