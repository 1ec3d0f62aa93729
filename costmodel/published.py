"""The paper's printed cost figures, set beside the exact count of the same configuration.

Read with the standard library from ``data/paper_results.csv`` (paper Tables 4-14) and
``data/tfslim_checkpoints.csv`` (the TF-slim reference checkpoints). Read only.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, replace
from functools import lru_cache

from costmodel.architecture import read_data_text
from costmodel.kinds import Kind


@dataclass(frozen=True, kw_only=True)
class PublishedFigure:
    """A printed cost (Million Mult-Adds, Million parameters) and where it is printed."""

    source: str
    model: str
    variant: str
    alpha: float
    resolution: int
    mult_adds_m: float
    params_m: float
    mult_adds_note: str = ""
    params_note: str = ""


@dataclass(frozen=True, kw_only=True)
class Comparison:
    """A printed figure against the exact count, in millions, and how the two relate."""

    quantity: str
    source: str
    printed: float
    exact: float
    status: str
    reason: str

    @property
    def difference(self) -> float:
        """Printed minus exact, in millions."""
        return self.printed - self.exact


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def compare(quantity: str, figure: PublishedFigure, exact_count: int) -> Comparison:
    """Classify a printed figure against the exact count (both taken in millions).

    ``status`` is ``"rounds to print"`` when rounding the exact count to the printed digits
    gives the print, ``"truncated"`` when only cutting the digits does, else ``"differs"``; the
    reason is the data file's note where it has one.
    """
    printed = figure.mult_adds_m if quantity == "mult_adds" else figure.params_m
    exact = exact_count / 1e6
    places = _decimals(f"{printed:g}")
    scale = 10**places
    if round(exact, places) == printed:
        status, reason = "rounds to print", ""
    elif math.floor(exact * scale) / scale == printed:
        status, reason = "truncated", "the print cuts the exact count's digits instead of rounding"
    else:
        status = "differs"
        note = figure.mult_adds_note if quantity == "mult_adds" else figure.params_note
        reason = note or "the source gives no explanation"
    return Comparison(
        quantity=quantity,
        source=figure.source,
        printed=printed,
        exact=exact,
        status=status,
        reason=reason,
    )


def _rows(filename: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(read_data_text(filename))))


@lru_cache(maxsize=1)
def imagenet_figures() -> tuple[PublishedFigure, ...]:
    """Every printed ImageNet (1000-class) MobileNet cost, paper and TF-slim checkpoints."""
    figures = [
        PublishedFigure(
            source=row["source"],
            model=row["model"],
            variant=row["variant"],
            alpha=float(row["alpha"]),
            resolution=int(row["resolution"]),
            mult_adds_m=float(row["mult_adds_m"]),
            params_m=float(row["params_m"]),
            mult_adds_note=row["note"],
            params_note=row["note"],
        )
        for row in _rows("paper_results.csv")
        if row["family"] == "MobileNet" and row["task"] == "ImageNet"
    ]
    figures += [
        PublishedFigure(
            source=f"{row['source']} (checkpoint)",
            model=f"MobileNet_v1_{row['alpha']}_{row['resolution']}",
            variant="separable",
            alpha=float(row["alpha"]),
            resolution=int(row["resolution"]),
            mult_adds_m=float(row["mult_adds_m"]),
            params_m=float(row["params_m"]),
            mult_adds_note=row["mult_adds_note"],
            params_note=row["params_note"],
        )
        for row in _rows("tfslim_checkpoints.csv")
    ]
    return tuple(figures)


def figures_for(variant: str, alpha: float, resolution: int) -> tuple[PublishedFigure, ...]:
    """The printed figures of one configuration. Paper tables that print the same numbers are
    merged into one figure whose source lists them all ("Tables 4, 6, 7, 8")."""
    merged: dict[tuple[bool, float, float], PublishedFigure] = {}
    for figure in imagenet_figures():
        if (figure.variant, figure.alpha, figure.resolution) != (variant, alpha, resolution):
            continue
        key = (figure.source.startswith("Table"), figure.mult_adds_m, figure.params_m)
        first = merged.get(key)
        if first is None:
            merged[key] = figure
        elif key[0]:
            tables = first.source.removeprefix("Tables ").removeprefix("Table ")
            merged[key] = replace(
                first,
                source=f"Tables {tables}, {figure.source.removeprefix('Table ')}",
                mult_adds_note=first.mult_adds_note or figure.mult_adds_note,
                params_note=first.params_note or figure.params_note,
            )
    return tuple(merged.values())


@dataclass(frozen=True, kw_only=True)
class PrintedShare:
    """One row of paper Table 2: a layer kind's printed share of Mult-Adds and parameters (%)."""

    mult_adds_pct: float
    params_pct: float
    note: str


@lru_cache(maxsize=1)
def table2_shares() -> dict[Kind, PrintedShare]:
    """Paper Table 2 as printed (1.0 MobileNet-224), by layer kind."""
    return {
        Kind(row["kind"]): PrintedShare(
            mult_adds_pct=float(row["mult_adds_pct"]),
            params_pct=float(row["params_pct"]),
            note=row["note"],
        )
        for row in _rows("paper_table2.csv")
    }


__all__ = [
    "Comparison",
    "PrintedShare",
    "PublishedFigure",
    "compare",
    "figures_for",
    "imagenet_figures",
    "table2_shares",
]
