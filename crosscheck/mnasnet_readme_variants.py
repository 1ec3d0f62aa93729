"""The MnasNet-A1 README table against 26 builds (the builder and 25 changed ones): the
search of docs/reconciliation.md ("Why the MnasNet-A1 README table differs") on each.

    python crosscheck/mnasnet_readme_variants.py

An independent re-implementation of tensorflow/tpu's MnasNet-A1 builder (``mnasnet_models.py``
block strings, ``round_filters``, squeeze width ``max(1, int(input_filters · se_ratio))``, head
1280) counts each configuration and the terms a convention might add; it equals
``costmodel.report(...).mult_adds`` in all 25 rows. Each build is then searched with the
weights of ``costmodel.teaching.table_conventions.search`` (0, ½, 1 on every term; the classifier in
or out). Pure numpy; a few seconds.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

import costmodel
from costmodel.teaching.table_conventions import SPATIAL_TERMS, readme_rows

# repeats, kernel, stride, expansion, input, output, se ratio, skip (mnasnet_models.mnasnet_a1)
Block = tuple[int, int, int, int, int, int, float | None, bool]
BLOCKS: tuple[Block, ...] = (
    (1, 3, 1, 1, 32, 16, None, False), (2, 3, 2, 6, 16, 24, None, True),
    (3, 5, 2, 3, 24, 40, 0.25, True), (4, 3, 2, 6, 40, 80, None, True),
    (2, 3, 1, 6, 80, 112, 0.25, True), (3, 5, 2, 6, 112, 160, 0.25, True),
    (1, 3, 1, 6, 160, 320, None, True),
)


def round_filters(filters: int, alpha: float, divisor: int = 8, min_depth: int | None = None,
                  guard: bool = True) -> int:
    """mnasnet_model.round_filters."""
    scaled = filters * alpha
    new = max(min_depth or divisor, int(scaled + divisor / 2) // divisor * divisor)
    if guard and new < 0.9 * scaled:
        new += divisor
    return new


def count(alpha: float, size: int, *, rounding: Callable[[int, float], int] = round_filters,
          se_on_expanded: bool = False, head_scaled: bool = False, stem_scaled: bool = True,
          classes: int = 1000, valid_stem: bool = False,
          blocks: tuple[Block, ...] = BLOCKS) -> dict[str, int]:
    """The Mult-Adds ('macs') and the terms of costmodel.teaching.table_conventions.TERMS."""
    t = dict.fromkeys(("macs", "stem_out", "dw_out", "expand_out", "project_out", "head_out",
                       "se_scale", "se_mean", "residual_add", "image", "se_convs", "biases",
                       "se_sigmoid", "classifier"), 0)
    t["image"] = size * size * 3
    width = rounding(32, alpha) if stem_scaled else 32
    h = (size - 3) // 2 + 1 if valid_stem else -(-size // 2)
    t["macs"] += h * h * 27 * width
    t["stem_out"] += h * h * width
    c = width
    for repeats, k, stride, e, _, o, se, skip in blocks:
        out = rounding(o, alpha)
        for j in range(repeats):
            s = stride if j == 0 else 1
            inner = c * e
            if e != 1:
                t["macs"] += h * h * c * inner
                t["expand_out"] += h * h * inner
            h = -(-h // s)
            t["macs"] += h * h * k * k * inner
            t["dw_out"] += h * h * inner
            if se:
                reduced = max(1, int((inner if se_on_expanded else c) * se))
                t["macs"] += 2 * inner * reduced
                t["se_convs"] += 2 * inner * reduced
                t["biases"] += reduced + inner
                t["se_sigmoid"] += inner
                t["se_mean"] += h * h * inner
                t["se_scale"] += h * h * inner
            t["macs"] += h * h * inner * out
            t["project_out"] += h * h * out
            if skip and s == 1 and c == out:
                t["residual_add"] += h * h * out
            c = out
    head = rounding(1280, alpha) if head_scaled else 1280
    t["macs"] += h * h * c * head + head * classes
    t["head_out"] += h * h * head
    t["classifier"] = head * classes
    t["biases"] += classes
    return t


def builds() -> list[tuple[str, dict[str, object]]]:
    """The builder and 31 changed builds."""
    out: list[tuple[str, dict[str, object]]] = [
        ("builder", {}),
        ("1001 classes", {"classes": 1001}),
        ("no 10 % guard", {"rounding": lambda f, a: round_filters(f, a, guard=False)}),
        ("divisor 4", {"rounding": lambda f, a: round_filters(f, a, divisor=4)}),
        ("divisor 16", {"rounding": lambda f, a: round_filters(f, a, divisor=16)}),
        ("int(c·α), at least 8", {"rounding": lambda f, a: max(8, int(f * a))}),
        ("round(c·α)", {"rounding": lambda f, a: max(1, round(f * a))}),
        ("min_depth 16", {"rounding": lambda f, a: round_filters(f, a, min_depth=16)}),
        ("squeeze from the expanded width", {"se_on_expanded": True}),
        ("stem not scaled", {"stem_scaled": False}),
        ("head scaled", {"head_scaled": True}),
        ("VALID stem", {"valid_stem": True}),
    ]
    for stage, block in enumerate(BLOCKS):
        for k in (3, 5, 7):
            if k != block[1]:
                changed = tuple(b if i != stage else (b[0], k, *b[2:])
                                for i, b in enumerate(BLOCKS))
                out.append((f"stage {stage + 1} kernel {k}", {"blocks": changed}))
    return out


def search(terms: list[dict[str, int]], printed: np.ndarray) -> tuple[int, int, float]:
    """(conventions reproducing every row, fewest rows off, its largest error in M)."""
    spatial = list(SPATIAL_TERMS)
    constant = ["se_convs", "biases", "se_sigmoid", "classifier"]
    exact = np.array([t["macs"] for t in terms], dtype=float)
    xs = np.array([[t[k] for k in spatial] for t in terms], dtype=float)
    xc = np.array([[t[k] for k in constant] for t in terms], dtype=float)
    ws = np.array(list(itertools.product((0.0, 0.5, 1.0), repeat=len(spatial))))
    wc = np.array(list(itertools.product((0.0, 0.5, 1.0), (0.0, 0.5, 1.0), (0.0, 0.5, 1.0),
                                         (0.0, -1.0))))
    area = ws @ xs.T
    reproducing, best = 0, (len(terms) + 1, float("inf"))
    for row_c in wc @ xc.T:
        err = np.abs(exact + area + row_c - printed)
        off = (err > 0.05e6 + 1).sum(axis=1)
        reproducing += int((off == 0).sum())
        i = int(np.lexsort((err.max(axis=1), off))[0])
        best = min(best, (int(off[i]), float(err[i].max())))
    return reproducing, best[0], best[1] / 1e6


def main() -> None:
    rows = readme_rows()
    for row in rows:  # the re-implementation equals the library
        ours = count(row.alpha, row.resolution)
        assert ours["macs"] == row.exact, (row.alpha, row.resolution)
        assert ours == {"macs": row.exact, **{k: v for k, v in row.terms.items()
                                             if k != "global_mean"}}
    assert costmodel.report(network="mnasnet_a1").mult_adds == 311_579_072
    printed = np.array([row.printed for row in rows]) * 1e6
    for name, kwargs in builds():
        terms = [count(row.alpha, row.resolution, **kwargs) for row in rows]  # type: ignore[arg-type]
        reproducing, off, worst = search(terms, printed)
        print(f"{name:34s} reproducing {reproducing}  closest: {off} rows off, "
              f"largest error {worst:.3f} M")
    reproducing, off, worst = search([count(r.alpha, r.resolution) for r in rows],
                                     printed + 0.05e6)
    print(f"{'builder, figures read as truncated':34s} reproducing {reproducing}  closest: "
          f"{off} rows off, largest error {worst:.3f} M")


if __name__ == "__main__":
    main()
