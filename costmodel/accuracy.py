"""The paper's accuracy and cost figures (Tables 4-14) and the TF-slim checkpoints, as tidy data.

Read from ``data/paper_results.csv`` and ``data/tfslim_checkpoints.csv`` (read only), checked
for types and ranges, and set beside the exact count of the same configuration where the row is
a MobileNet whose classifier is known (Tables 4-10 and the checkpoints).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING

from costmodel.architecture import mobilenet_v1, read_data_text, with_classes
from costmodel.counting import count_totals

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = [
    "source", "model", "family", "variant", "alpha", "resolution", "classes", "task", "metric",
    "value", "mult_adds_m", "params_m", "exact_mult_adds", "exact_params",
    "mult_adds_diff_m", "params_diff_m", "note",
]


def _check(frame: pd.DataFrame, filename: str) -> None:
    """Types and ranges; a ``ValueError`` names the file, the line and the field."""
    for index, row in frame.iterrows():
        line = int(str(index)) + 2
        where = f"{filename} line {line}"
        if not isinstance(row["source"], str) or not row["source"]:
            raise ValueError(f"{where}: source must be a non-empty text")
        for field in ("value", "mult_adds_m", "params_m"):
            number = row[field]
            if not isinstance(number, float | int) or not math.isfinite(number) or number <= 0:
                raise ValueError(f"{where}: {field} must be a positive number, got {number!r}")
        if not 0 < row["value"] <= 100:
            raise ValueError(f"{where}: value must be a percentage in (0, 100]")
        if row["family"] == "MobileNet" and not 0 < row["alpha"] <= 1:
            raise ValueError(f"{where}: alpha must be in (0, 1] for a MobileNet row")
        resolution = row["resolution"]
        if not (isinstance(resolution, float) and math.isnan(resolution)) and (
            resolution <= 0 or resolution != int(resolution)
        ):
            raise ValueError(f"{where}: resolution must be a positive integer")


def _join_notes(mult_adds_note: object, params_note: object) -> str:
    parts = []
    if isinstance(mult_adds_note, str) and mult_adds_note:
        parts.append(f"MACs: {mult_adds_note}")
    if isinstance(params_note, str) and params_note:
        parts.append(f"params: {params_note}")
    return "; ".join(parts)


def _read(filename: str) -> pd.DataFrame:
    import io

    import pandas as pd

    return pd.read_csv(io.StringIO(read_data_text(filename)), keep_default_na=True)


@lru_cache(maxsize=1)
def _accuracy_data() -> pd.DataFrame:
    import pandas as pd

    paper = _read("paper_results.csv")
    paper["note"] = paper["note"].fillna("")
    paper["mult_adds_note"] = paper["note"]
    paper["params_note"] = paper["note"]
    paper["variant"] = paper["variant"].fillna("")
    _check(paper, "paper_results.csv")
    checkpoints = _read("tfslim_checkpoints.csv")
    rows = []
    for metric in ("top1", "top5"):
        part = checkpoints.assign(
            model=[f"{a} MobileNet-{r} (checkpoint)" for a, r in
                   zip(checkpoints["alpha"], checkpoints["resolution"], strict=True)],
            family="MobileNet", variant="separable", classes=1000, task="ImageNet",
            metric=f"{metric[:3]}-{metric[3]} %", value=checkpoints[metric],
            note=[_join_notes(m, p) for m, p in
                  zip(checkpoints["mult_adds_note"], checkpoints["params_note"], strict=True)],
            mult_adds_note=checkpoints["mult_adds_note"].fillna(""),
            params_note=checkpoints["params_note"].fillna(""),
        )
        rows.append(part[list(paper.columns)])
    checks = pd.concat(rows, ignore_index=True)
    _check(checks, "tfslim_checkpoints.csv")
    frame = pd.concat([paper, checks], ignore_index=True)
    exact_ma: list[float] = []
    exact_p: list[float] = []
    for _, row in frame.iterrows():
        if row["family"] == "MobileNet" and not math.isnan(row["classes"]):
            arch = with_classes(mobilenet_v1(row["variant"]), int(row["classes"]))
            ma, p = count_totals(arch, float(row["alpha"]), int(row["resolution"]))
            exact_ma.append(ma)
            exact_p.append(p)
        else:
            exact_ma.append(math.nan)
            exact_p.append(math.nan)
    frame["exact_mult_adds"] = pd.array(
        [None if math.isnan(x) else int(x) for x in exact_ma], dtype="Int64")
    frame["exact_params"] = pd.array(
        [None if math.isnan(x) else int(x) for x in exact_p], dtype="Int64")
    frame["mult_adds_diff_m"] = frame["mult_adds_m"] - frame["exact_mult_adds"].astype(float) / 1e6
    frame["params_diff_m"] = frame["params_m"] - frame["exact_params"].astype(float) / 1e6
    frame["resolution"] = frame["resolution"].astype("Int64")
    frame["classes"] = frame["classes"].astype("Int64")
    return frame


def accuracy_data() -> pd.DataFrame:
    """Every row of the paper's Tables 4-10 and 12-14 and the 16 TF-slim checkpoints (top-1
    and top-5 as separate rows), one tidy DataFrame.

    Printed costs are in millions (``mult_adds_m``, ``params_m``); ``exact_mult_adds`` and
    ``exact_params`` are this library's integer counts of the same configuration (with the
    row's number of classes) where the row is a MobileNet with a classifier head, and the
    ``*_diff_m`` columns are printed minus exact, in millions. A copy: changing it changes
    nothing else.
    """
    return _accuracy_data()[COLUMNS].copy()


def checkpoints() -> pd.DataFrame:
    """The 16 TF-slim ImageNet checkpoints (α × resolution), one row each, with the exact
    Mult-Adds and params: the data behind the paper's Figures 4 and 5. A copy."""
    return _checkpoints().copy()


@lru_cache(maxsize=1)
def _checkpoints() -> pd.DataFrame:
    data = _accuracy_data()
    top1 = data[data["source"].str.startswith("TF-slim") & (data["metric"] == "top-1 %")]
    top5 = data[data["source"].str.startswith("TF-slim") & (data["metric"] == "top-5 %")]
    frame = top1[["alpha", "resolution", "mult_adds_m", "params_m", "exact_mult_adds",
                  "exact_params"]].copy()
    frame["top1"] = top1["value"].to_numpy()
    frame["top5"] = top5["value"].to_numpy()
    return frame.reset_index(drop=True)




def reconciliation() -> pd.DataFrame:
    """Every printed MobileNet cost that has an exact count, set against it: one row per
    (source, model, quantity) with ``printed_m``, ``exact_m``, ``difference_m`` (printed −
    exact, millions), ``status`` (rounds to print / truncated / differs) and ``reason``.
    A copy."""
    return _reconciliation().copy()


@lru_cache(maxsize=1)
def _reconciliation() -> pd.DataFrame:
    import pandas as pd

    from costmodel.published import PublishedFigure, compare

    data = _accuracy_data()
    rows = data[data["exact_mult_adds"].notna() & (data["metric"] != "top-5 %")]
    out = []
    for _, row in rows.iterrows():
        figure = PublishedFigure(
            source=row["source"], model=row["model"], variant=row["variant"],
            alpha=float(row["alpha"]), resolution=int(row["resolution"]),
            mult_adds_m=float(row["mult_adds_m"]), params_m=float(row["params_m"]),
            mult_adds_note=row["mult_adds_note"], params_note=row["params_note"],
        )
        for quantity, exact in (("mult_adds", row["exact_mult_adds"]),
                                ("params", row["exact_params"])):
            c = compare(quantity, figure, int(exact))
            out.append({
                "source": row["source"], "model": row["model"], "quantity": quantity,
                "printed_m": c.printed, "exact": int(exact), "exact_m": c.exact,
                "difference_m": c.difference, "status": c.status, "reason": c.reason,
            })
    return pd.DataFrame(out)


__all__ = ["accuracy_data", "checkpoints", "reconciliation"]
