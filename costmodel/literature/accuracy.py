"""Published accuracy and cost figures as tidy data, set beside the exact counts.

Built from :func:`costmodel.literature.published.published_rows` (the one loader of
``data/published/``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

from costmodel.core.counting import totals
from costmodel.core.graph import build_graph
from costmodel.descriptions.configuration import resolve
from costmodel.literature.published import Origin, PublishedRow, published_rows

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = [
    "source", "origin", "model", "network", "family", "rules", "variant", "alpha", "depth",
    "resolution", "classes", "task", "metric", "value", "mult_adds_m", "params_m",
    "exact_mult_adds", "exact_params", "mult_adds_diff_m", "params_diff_m", "latency_ms",
    "device", "note",
]

#: The networks whose published grid is fitted by :mod:`costmodel.literature.accuracy_model`, and
#: the origin of the points fitted: TF-slim's 16 v1 and 22 v2 checkpoints, MnasNet's 25.
FITTED: dict[str, Origin] = {
    "mobilenet_v1": Origin.CHECKPOINTS,
    "mobilenet_v2": Origin.CHECKPOINTS,
    "mnasnet_a1": Origin.CHECKPOINTS,
}


def exact_counts(row: PublishedRow) -> tuple[int, int] | None:
    """(Mult-Adds, params as the row counts them) of the row's configuration, or ``None``
    where the row's network or classifier is not known."""
    if not row.network or row.classes is None or row.resolution is None:
        return None
    config = resolve(network=row.network, alpha=row.alpha, resolution=row.resolution,
                     rules=row.rules, num_classes=row.classes, variant=row.variant,
                     depth=row.depth)
    graph = build_graph(config.network, config.rules, config.classes, config.variant,
                        config.depth)
    mult_adds, params, params_with_bn = totals(graph, config.alpha, config.resolution)
    return mult_adds, params_with_bn if row.params_counted == "params_with_bn" else params


def _frame(rows: Iterable[PublishedRow]) -> pd.DataFrame:
    """The rows as :func:`accuracy_data`'s frame (with ``fitted_value``), each row's exact
    counts computed."""
    import pandas as pd

    records = []
    for row in rows:
        exact = exact_counts(row)
        metrics = ([("top-1 %", row.top1), ("top-5 %", row.top5)] if row.task == "ImageNet"
                   else [(row.metric, row.value)])
        for metric, value in metrics:
            if value is None:
                continue
            records.append({
                "source": row.source, "origin": row.origin.value, "model": row.model,
                "network": row.network, "family": row.family, "rules": row.rules,
                "variant": row.variant, "alpha": row.alpha, "depth": row.depth,
                "resolution": row.resolution, "classes": row.classes, "task": row.task,
                "metric": metric, "value": value,
                "mult_adds_m": row.mult_adds.millions if row.mult_adds else None,
                "params_m": row.params.millions if row.params else None,
                "exact_mult_adds": exact[0] if exact else None,
                "exact_params": exact[1] if exact else None,
                "fitted_value": row.fitted_top1 if metric == "top-1 %" else value,
                "latency_ms": row.latency_ms, "device": row.device, "note": row.note,
            })
    frame = pd.DataFrame.from_records(records)
    for column in ("exact_mult_adds", "exact_params", "resolution", "classes"):
        frame[column] = frame[column].astype("Int64")
    for column in ("alpha", "depth", "mult_adds_m", "params_m", "latency_ms"):
        frame[column] = frame[column].astype(float)
    frame["mult_adds_diff_m"] = frame["mult_adds_m"] - frame["exact_mult_adds"].astype(float) / 1e6
    frame["params_diff_m"] = frame["params_m"] - frame["exact_params"].astype(float) / 1e6
    return frame[[*COLUMNS, "fitted_value"]]


@cache
def _accuracy_data() -> pd.DataFrame:
    return _frame(published_rows())


@cache
def fitted_rows(network: str) -> tuple[PublishedRow, ...]:
    """The published points ``network``'s accuracy fit uses: the rows of its origin in
    :data:`FITTED` with a top-1, 8-bit models left out, in file order. The fit needs the exact
    counts of these 16-25 configurations only, not of all 620 published rows."""
    if network not in FITTED:
        raise ValueError(f"network must be one of {', '.join(FITTED)} (the networks with a "
                         f"published grid); got {network!r}")
    origin = FITTED[network]
    return tuple(row for row in published_rows()
                 if row.network == network and row.origin == origin
                 and row.top1 is not None and "8-bit" not in row.model)


def accuracy_data() -> pd.DataFrame:
    """Every published row (papers, checkpoint tables, torchvision metadata), one row per
    metric (ImageNet top-1 and top-5 as separate rows), one tidy DataFrame.

    Printed costs are in millions (``mult_adds_m``, ``params_m``); ``exact_mult_adds`` and
    ``exact_params`` are this library's integer counts of the same configuration (with the
    row's classes, rules and parameter convention) where the network is modelled, and the
    ``*_diff_m`` columns are printed minus exact, in millions. ``network`` names the network
    for :func:`costmodel.report` (empty for networks not modelled). A copy.
    """
    return _accuracy_data()[COLUMNS].copy()


@cache
def _checkpoints(network: str) -> pd.DataFrame:
    rows = fitted_rows(network)
    data = _frame(rows)
    frame = data[data["metric"] == "top-1 %"][[
        "alpha", "resolution", "mult_adds_m", "params_m", "exact_mult_adds", "exact_params",
        "value", "fitted_value", "latency_ms", "source", "note"]].copy()
    frame = frame.rename(columns={"value": "top1", "fitted_value": "top1_fit"})
    frame = frame.reset_index(drop=True)
    frame["top5"] = [float("nan") if row.top5 is None else row.top5 for row in rows]
    return frame


def checkpoints(network: str = "mobilenet_v1") -> pd.DataFrame:
    """The published grid of one fitted network (MobileNet v1: the 16 TF-slim checkpoints of
    the paper's Figures 4-5; v2: the 22 TF-slim checkpoints; MnasNet-A1: the 25 rows of its
    README), one row each, with the exact Mult-Adds and params; ``top1_fit`` is the top-1 the
    fit uses (the printed one, except where the source row itself is in doubt). A copy."""
    if network not in FITTED:
        raise ValueError(f"network must be one of {', '.join(FITTED)} (the networks with a "
                         f"published grid); got {network!r}")
    return _checkpoints(network).copy()


@cache
def _reconciliation() -> pd.DataFrame:
    import pandas as pd

    from costmodel.literature.published import compare

    out = []
    seen: set[tuple[str, str, str, str, int]] = set()
    for row in published_rows():
        exact = exact_counts(row)
        if exact is None:
            continue
        for quantity, printed, count, reason in (
                ("mult_adds", row.mult_adds, exact[0], row.mult_adds_reason),
                (row.params_counted, row.params, exact[1], row.params_reason)):
            # a checkpoint evaluated at two sizes prints its params twice: compared once
            key = (row.source, row.model, quantity, printed.text if printed else "", count)
            if printed is None or key in seen:
                continue
            seen.add(key)
            c = compare(quantity, printed, count, reason or row.note, row.origin, row.source)
            out.append({
                "source": row.source, "origin": row.origin.value, "model": row.model,
                "network": row.network, "rules": row.rules, "quantity": quantity,
                "printed": printed.text, "printed_m": c.printed, "exact": count,
                "exact_m": c.exact, "difference_m": c.difference, "status": c.status,
                "reason": c.reason,
            })
    return pd.DataFrame(out)


def reconciliation() -> pd.DataFrame:
    """Every printed cost that has an exact count, set against it: one row per (source,
    model, quantity) with ``printed`` (as printed), ``printed_m``, ``exact``, ``exact_m``,
    ``difference_m`` (printed − exact, millions), ``status`` (rounds to print / truncated /
    differs) and ``reason``. A copy."""
    return _reconciliation().copy()


__all__ = ["FITTED", "accuracy_data", "checkpoints", "exact_counts", "reconciliation"]
