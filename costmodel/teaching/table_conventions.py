"""Counting conventions tried against the tensorflow/tpu MnasNet-A1 README table.

The README (``tensorflow/tpu@7dc921f:models/official/mnasnet/README.md``) prints Multi-Adds
for MnasNet-A1 at 5 depth multipliers × 5 resolutions to 0.1 M. All 25 run 0.9-2.7 % above
the exact count of the public builder (``mnasnet_models.py``), whose parameters match all 25
rows. This module holds the evidence that no counting convention tried reproduces them:

* :func:`terms` — per configuration, the work a convention might add to the exact count
  (an operation per conv output, the squeeze-and-excite multiply and mean, residual adds,
  the image normalisation, biases, the SE 1×1 convs, the classifier), read off
  :attr:`Report.layers`;
* :data:`CONVENTIONS` — named conventions (TF profiler ``float_ops / 2``, batchnorm unfolded,
  activations counted, ...), each a weight per term, and :func:`evaluate`, their residuals;
* :func:`resolution_bounds` — at 224, 192, 160, 128 and 96 px every feature map of the network
  halves exactly, so any count made of per-layer terms is ``S(α)·(r/224)² + K(α)``; the
  bounds on ``S`` and ``K`` that the printed figures allow, per α;
* :func:`search` — every combination of the terms at weights 0, ½ and 1 (the classifier in
  or out): how many reproduce all 25 rows (none), and the closest.

The second part holds counters whose rules are public, each a printed figure written as the
exact count plus named terms (:class:`Term`), read off :attr:`Report.layers` the same way:

* :func:`fvcore_terms` — fvcore's ``FlopCountAnalysis(...).total()``, which timm's
  ``benchmark.py`` prints as ``infer_gmacs`` (2 per batchnorm element in eval, 5 per LayerNorm
  element, 1 per ``adaptive_avg_pool2d`` input element; timm's training form of MobileOne and
  RepViT, whose branches it counts);
* :func:`paddle_flops_terms` — ``paddle.flops`` (``python/paddle/hapi/dynamic_flops.py``), which
  PaddleClas prints for PP-LCNet;
* :func:`megvii_shufflenet_terms` — megvii's ShuffleNet v2 build, whose first block of a stage
  splits its channels differently from torchvision's;
* :func:`element_terms` and :func:`weight_search` — the per-element terms and the weighting
  search used to show that no such rule reproduces a table (EfficientNet-Lite, TinyNet).

Read only; nothing here changes a count.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from costmodel.base.kinds import Activation, LayerKind, OpKind, Role
from costmodel.literature.published import published_rows

if TYPE_CHECKING:
    import pandas as pd

    from costmodel.reports import Report

#: The published file this module reads.
FILE = "mnasnet_a1_tpu.csv"

#: Terms that scale with the image area (every one is 0 at 1×1), with what each counts.
SPATIAL_TERMS: dict[str, str] = {
    "stem_out": "stem conv outputs (one bias add, batchnorm or activation each)",
    "dw_out": "depthwise conv outputs",
    "expand_out": "expansion 1×1 conv outputs",
    "project_out": "projection 1×1 conv outputs",
    "head_out": "head 1×1 conv outputs (also the size of the global mean)",
    "se_scale": "squeeze-and-excite multiplies (one per gated element)",
    "se_mean": "squeeze-and-excite mean additions (one per element pooled)",
    "residual_add": "residual-add additions",
    "image": "input elements (the model_fn's mean subtraction or division, once)",
}
#: Terms that do not depend on the resolution.
CONSTANT_TERMS: dict[str, str] = {
    "se_convs": "the squeeze-and-excite 1×1 convs' Mult-Adds (already in the exact count)",
    "biases": "bias adds of the squeeze-and-excite convs and the classifier",
    "se_sigmoid": "squeeze-and-excite sigmoids",
    "classifier": "the classifier's Mult-Adds (already in the exact count)",
}
TERMS: dict[str, str] = {**SPATIAL_TERMS, "global_mean": "global mean additions (= head_out)",
                         **CONSTANT_TERMS}

_OUT_ROLES = {Role.STEM: "stem_out", Role.DEPTHWISE: "dw_out", Role.EXPAND: "expand_out",
              Role.PROJECT: "project_out", Role.HEAD: "head_out"}


@dataclass(frozen=True, kw_only=True)
class Convention:
    """A counting convention: the exact count plus ``weight × term`` for each term."""

    name: str
    description: str
    weights: dict[str, float]


def _convention(name: str, description: str, **weights: float) -> Convention:
    return Convention(name=name, description=description, weights=weights)


_CONV_OUTPUTS = ("stem_out", "dw_out", "expand_out", "project_out", "head_out")
_HALF_OUTPUTS = {k: 0.5 for k in _CONV_OUTPUTS}

#: The conventions set out in docs/reconciliation.md, in that order.
CONVENTIONS: tuple[Convention, ...] = (
    _convention("exact", "multiply-accumulates of the convs and the classifier (this "
                "library; fvcore on the builder's model)"),
    _convention("tf-profiler, batchnorm folded",
                "TF profiler float_ops / 2 with batchnorm folded into a bias: a bias add per "
                "conv output, the SE mean and multiply, residual adds, the global mean, the "
                "SE and classifier biases, each ½",
                **_HALF_OUTPUTS, se_scale=0.5, se_mean=0.5, residual_add=0.5,
                global_mean=0.5, biases=0.5),
    _convention("tf-profiler, batchnorm fused",
                "TF profiler float_ops / 2 on the builder's graph (FusedBatchNorm, Relu and "
                "Sigmoid have no flops entry): SE mean and multiply, residual adds, global "
                "mean, biases, each ½",
                se_scale=0.5, se_mean=0.5, residual_add=0.5, global_mean=0.5, biases=0.5),
    _convention("tf-profiler, with input normalisation",
                "as 'tf-profiler, batchnorm folded', with the model_fn's mean subtraction and "
                "division of the image (2 flops per input element, ½ each → 1)",
                **_HALF_OUTPUTS, se_scale=0.5, se_mean=0.5, residual_add=0.5,
                global_mean=0.5, biases=0.5, image=1.0),
    _convention("batchnorm as a multiply-add",
                "batchnorm unfolded, x·γ' + β' counted as one Mult-Add per conv output",
                **{k: 1.0 for k in _CONV_OUTPUTS}),
    _convention("activations", "one operation per ReLU output (stem, depthwise, expansion, "
                "head)", stem_out=1.0, dw_out=1.0, expand_out=1.0, head_out=1.0),
    _convention("element-wise work", "the element-wise work this library reports beside the "
                "count, one each: residual adds, pool additions, SE multiplies",
                residual_add=1.0, se_mean=1.0, global_mean=1.0, se_scale=1.0),
    _convention("bias, SE multiply, residual add at ½",
                "a bias add per conv output, the SE multiply and the residual adds, each ½ "
                "(the closest fit of the area-scaled part; see resolution_bounds)",
                **_HALF_OUTPUTS, se_scale=0.5, residual_add=0.5),
    _convention("... and SE convs ×1.5",
                "as the previous, with the SE 1×1 convs counted 1.5 times",
                **_HALF_OUTPUTS, se_scale=0.5, residual_add=0.5, se_convs=0.5),
)


def terms(r: Report) -> dict[str, int]:
    """Each term of :data:`TERMS` for report ``r`` (an MnasNet-A1-like network)."""
    layers = r.layers
    out = layers["out_h"] * layers["out_w"] * layers["out_c"]
    convs = layers["kind"].isin((LayerKind.CONV, LayerKind.DEPTHWISE, LayerKind.POINTWISE))
    found = {name: int(out[convs & (layers["role"] == role)].sum())
             for role, name in _OUT_ROLES.items()}
    se = layers["role"] == Role.SE
    stem = layers[layers["role"] == Role.STEM].iloc[0]
    found |= {
        "se_scale": int(layers.loc[layers["kind"] == OpKind.SCALE, "elementwise"].sum()),
        "se_mean": int(layers.loc[se & (layers["kind"] == LayerKind.AVGPOOL), "elementwise"].sum()),
        "residual_add": int(layers.loc[layers["kind"] == OpKind.ADD, "elementwise"].sum()),
        "global_mean": int(layers.loc[layers["role"] == Role.POOL, "elementwise"].sum()),
        "image": int(stem["in_h"] * stem["in_w"] * stem["in_c"]),
        "se_convs": int(layers.loc[se, "mult_adds"].sum()),
        "biases": int(out[se & convs].sum() + out[layers["kind"] == OpKind.FC].sum()),
        "se_sigmoid": int(out[se & (layers["activation"] == Activation.SIGMOID)].sum()),
        "classifier": int(layers.loc[layers["kind"] == OpKind.FC, "mult_adds"].sum()),
    }
    return found


@dataclass(frozen=True, kw_only=True)
class Row:
    """One printed row with its exact count and terms."""

    alpha: float
    resolution: int
    printed: float  # millions, as printed
    exact: int
    terms: dict[str, int]


@cache
def readme_rows() -> tuple[Row, ...]:
    """The 25 README rows, each with the exact count and :func:`terms` of its configuration."""
    from costmodel.reports import report

    rows: list[Row] = []
    for p in published_rows():
        if p.file != FILE or p.mult_adds is None:
            continue
        r = report(p.alpha, resolution=p.resolution, network=p.network, rules=p.rules)
        rows.append(Row(alpha=r.alpha, resolution=r.resolution, printed=p.mult_adds.value,
                        exact=r.mult_adds, terms=terms(r)))
    return tuple(rows)


@dataclass(frozen=True, kw_only=True)
class Evaluation:
    """A convention's counts of the 25 rows against the printed figures (millions)."""

    convention: Convention
    counted: tuple[float, ...]
    residuals: tuple[float, ...]  # printed − counted

    @property
    def rows_off(self) -> int:
        """Rows where the count does not round to the printed figure."""
        return sum(abs(e) > 0.05 + 1e-9 for e in self.residuals)

    @property
    def max_error(self) -> float:
        return max(abs(e) for e in self.residuals)


def count_with(row: Row, weights: dict[str, float]) -> float:
    """``row``'s exact count plus the weighted terms, in millions."""
    return (row.exact + sum(w * row.terms[t] for t, w in weights.items())) / 1e6


def evaluate(convention: Convention) -> Evaluation:
    """``convention`` on the 25 README rows."""
    counted = tuple(count_with(row, convention.weights) for row in readme_rows())
    return Evaluation(convention=convention, counted=counted,
                      residuals=tuple(row.printed - c
                                      for row, c in zip(readme_rows(), counted, strict=True)))


@dataclass(frozen=True, kw_only=True)
class Bounds:
    """For one α: the printed figures as ``S·(r/224)² + K`` (millions)."""

    alpha: float
    minimax: float  # smallest possible largest |printed − (S·x + K)| over the 5 rows
    s_range: tuple[float, float]  # the S that keep every row within half a printed step
    exact_s: float
    exact_k: float
    excess_s_range: tuple[float, float]  # S − exact S
    excess_per_conv_output: tuple[float, float]  # (S − exact S) / conv outputs at 224


def _line_minimax(x: np.ndarray, y: np.ndarray) -> float:
    """min over lines of max |y − (s·x + k)|: the Chebyshev line through 5 points, by trying
    every pair of points as the slope (an optimum has its slope through two of them)."""
    best = float("inf")
    for i, j in itertools.combinations(range(len(x)), 2):
        s = (y[i] - y[j]) / (x[i] - x[j])
        res = y - s * x
        best = min(best, float(res.max() - res.min()) / 2)
    return best


def resolution_bounds() -> tuple[Bounds, ...]:
    """Per α, the bounds of ``S`` and the least worst residual of a line in ``(r/224)²``."""
    rows = readme_rows()
    out: list[Bounds] = []
    for alpha in sorted({row.alpha for row in rows}, reverse=True):
        part = [row for row in rows if row.alpha == alpha]
        x = np.array([(row.resolution / 224) ** 2 for row in part])
        y = np.array([row.printed for row in part])
        exact = np.array([row.exact / 1e6 for row in part])
        # every row within ±0.05: y_i − y_j − 0.1 ≤ S·(x_i − x_j) ≤ y_i − y_j + 0.1 (x_i > x_j)
        lo, hi = -np.inf, np.inf
        for i, j in itertools.permutations(range(len(x)), 2):
            if x[i] > x[j]:
                lo = max(lo, (y[i] - y[j] - 0.1) / (x[i] - x[j]))
                hi = min(hi, (y[i] - y[j] + 0.1) / (x[i] - x[j]))
        i, j = int(np.argmax(x)), int(np.argmin(x))
        exact_s = float((exact[i] - exact[j]) / (x[i] - x[j]))
        exact_k = float(exact[i] - exact_s * x[i])
        outputs = sum(part[i].terms[t] for t in _CONV_OUTPUTS) / 1e6 / x[i]
        out.append(Bounds(alpha=alpha, minimax=_line_minimax(x, y), s_range=(lo, hi),
                          exact_s=exact_s, exact_k=exact_k,
                          excess_s_range=(lo - exact_s, hi - exact_s),
                          excess_per_conv_output=((lo - exact_s) / outputs,
                                                  (hi - exact_s) / outputs)))
    return tuple(out)


@dataclass(frozen=True, kw_only=True)
class SearchResult:
    """The exhaustive search over term weights."""

    tried: int
    reproducing: int  # conventions that reproduce all 25 rows
    best: Evaluation  # fewest rows off, then smallest largest error


@cache
def search() -> SearchResult:
    """Every weight 0, ½, 1 on each term of :data:`SPATIAL_TERMS` and on ``se_convs``,
    ``biases`` and ``se_sigmoid``, with the classifier counted or not (3⁹ · 3³ · 2 =
    1,062,882 conventions; the global mean equals ``head_out`` and is not a separate axis)."""
    rows = readme_rows()
    printed = np.array([row.printed for row in rows]) * 1e6
    exact = np.array([row.exact for row in rows], dtype=float)
    spatial = list(SPATIAL_TERMS)
    constant = ["se_convs", "biases", "se_sigmoid", "classifier"]
    xs = np.array([[row.terms[t] for t in spatial] for row in rows], dtype=float)
    xc = np.array([[row.terms[t] for t in constant] for row in rows], dtype=float)
    ws = np.array(list(itertools.product((0.0, 0.5, 1.0), repeat=len(spatial))))
    wc = np.array(list(itertools.product((0.0, 0.5, 1.0), (0.0, 0.5, 1.0), (0.0, 0.5, 1.0),
                                         (0.0, -1.0))))
    area = ws @ xs.T
    reproducing = 0
    best: tuple[int, float, int, int] = (len(rows) + 1, float("inf"), 0, 0)
    for j, row_c in enumerate(wc @ xc.T):
        err = np.abs(exact + area + row_c - printed)
        off = (err > 0.05e6 + 1).sum(axis=1)
        worst = err.max(axis=1)
        reproducing += int((off == 0).sum())
        i = int(np.lexsort((worst, off))[0])
        if (int(off[i]), float(worst[i])) < best[:2]:
            best = (int(off[i]), float(worst[i]), i, j)
    _, _, i, j = best
    weights = {t: float(w) for t, w in zip(spatial, ws[i], strict=True) if w}
    weights |= {t: float(w) for t, w in zip(constant, wc[j], strict=True) if w}
    closest = Convention(name="closest of the search", description="the weights below",
                         weights=weights)
    return SearchResult(tried=len(ws) * len(wc), reproducing=reproducing,
                        best=evaluate(closest))


# --- Counters with public rules -----------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Term:
    """``weight × count`` that a counter adds to the exact count, with what it counts."""

    what: str
    weight: int
    count: int


def _conv_rows(r: Report) -> tuple[pd.DataFrame, pd.Series]:
    layers = r.layers
    convs = layers[layers["kind"].isin((LayerKind.CONV, LayerKind.DEPTHWISE, LayerKind.POINTWISE))]
    return convs, convs["out_h"] * convs["out_w"] * convs["out_c"]


def _inputs(rows: pd.DataFrame) -> int:
    return int((rows["in_h"] * rows["in_w"] * rows["in_c"]).sum())


#: MobileOne's conv branches per block in timm's training form (byobnet.py model_cfgs:
#: ``mobileone_s0`` has ``num_conv_branches=4``; S1-S4 the default 1; the stem one).
MOBILEONE_BRANCHES = {"mobileone_s0": 4}


def _mobileone_training_form(r: Report) -> tuple[Term, ...]:
    """timm's MobileOneBlock before reparameterize_model: ``num_conv_branches`` k×k convs, a
    1×1 scale branch where k > 1 and an identity batchnorm where stride 1 and in = out, each
    branch with its batchnorm; the squeeze-and-excite convs are unchanged."""
    convs, out = _conv_rows(r)
    branches = MOBILEONE_BRANCHES.get(r.network.key, 1)
    extra = bn = 0
    for (_, row), elements in zip(convs.iterrows(), out, strict=True):
        if row["role"] == Role.SE:
            continue
        b = 1 if row["role"] == Role.STEM else branches
        scale = int(row["kernel"]) > 1
        identity = int(row["stride"]) == 1 and row["in_c"] == row["out_c"]
        extra += (b - 1) * int(row["mult_adds"]) + scale * int(elements) * int(
            row["in_c"] // row["groups"])
        bn += int(elements) * (b + scale + identity)
    return (Term(what="Mult-Adds of the training form's extra conv and scale branches",
                 weight=1, count=extra),
            Term(what="batchnorm elements of every branch (eval: 2 each)", weight=2, count=bn))


def _repvit_training_form(r: Report) -> tuple[Term, ...]:
    """timm's RepViT before reparameterize_model: every conv a ConvNorm (conv + batchnorm); a
    stride-1 depthwise conv is RepVggDw (a 1×1 depthwise branch and a batchnorm after the sum);
    the classifier is two NormLinear heads (batchnorm + linear; distillation)."""
    convs, out = _conv_rows(r)
    own = convs["role"] != Role.SE
    repvgg = own & (convs["kind"] == LayerKind.DEPTHWISE) & (convs["stride"] == 1)
    fc = r.layers[r.layers["kind"] == OpKind.FC]
    return (Term(what="RepVggDw's 1×1 depthwise branch", weight=1, count=int(out[repvgg].sum())),
            Term(what="the distillation head's linear", weight=1,
                 count=int(fc["mult_adds"].sum())),
            Term(what="batchnorm elements (every conv, RepVggDw's sum, both heads' inputs)",
                 weight=2, count=int(out[own].sum() + out[repvgg].sum())
                 + 2 * int(fc["in_c"].sum())))


def fvcore_terms(r: Report) -> tuple[Term, ...]:
    """What fvcore's ``FlopCountAnalysis(model, x).total()`` adds to the exact count of a timm
    model in eval (``fvcore/nn/flop_count.py`` default handles, ``jit_handles.py``): 2 per
    batchnorm input element (``batchnorm_flop_jit``, eval with affine), 5 per LayerNorm input
    element (``norm_flop_counter``), 1 per ``adaptive_avg_pool2d`` input element (timm's global
    pool; its squeeze-and-excite means are ``aten::mean``, which has no handle, like the
    activations, residual adds and SE multiplies). MobileOne and RepViT are counted in timm's
    training form (:data:`MOBILEONE_BRANCHES`); RepViT's global pool is a mean."""
    layers = r.layers
    convs, out = _conv_rows(r)
    key = r.network.key
    terms: tuple[Term, ...] = ()
    if key.startswith("mobileone"):
        terms = _mobileone_training_form(r)
    elif key.startswith("repvit"):
        terms = _repvit_training_form(r)
    bn = int(out[convs["params_with_bn"] > convs["params"]].sum())
    if bn:
        terms += (Term(what="batchnorm elements (eval: 2 each)", weight=2, count=bn),)
    norm = _inputs(layers[layers["kind"] == OpKind.NORM])
    if norm:
        terms += (Term(what="LayerNorm elements (5 each)", weight=5, count=norm),)
    pool = _inputs(layers[(layers["kind"] == LayerKind.AVGPOOL) & (layers["role"] == Role.POOL)])
    if pool and not key.startswith("repvit"):
        terms += (Term(what="global average-pool input elements", weight=1, count=pool),)
    return terms


def paddle_flops_terms(r: Report) -> tuple[Term, ...]:
    """What ``paddle.flops`` (``python/paddle/hapi/dynamic_flops.py``) adds to the exact count of
    PaddleClas's PP-LCNet (``pp_lcnet.py``): ``count_bn`` 2 per BatchNorm2D input element (eval);
    ``count_convNd`` 1 per output of a conv with a bias (the SE convs; ``last_conv`` has none);
    ``count_adap_avgpool`` (in/out + 1) per output element of every AdaptiveAvgPool2D (the SE
    pools and the global pool); Hardswish, Hardsigmoid and the SE multiply are not counted and
    ``count_linear`` counts no bias."""
    layers = r.layers
    convs, out = _conv_rows(r)
    bn = int(out[convs["params_with_bn"] > convs["params"]].sum())
    bias = int(out[convs["role"] == Role.SE].sum())
    pools = layers[layers["kind"] == LayerKind.AVGPOOL]
    pooled = _inputs(pools) + int((pools["out_h"] * pools["out_w"] * pools["out_c"]).sum())
    return (Term(what="batchnorm elements (eval: 2 each)", weight=2, count=bn),
            Term(what="SE conv bias adds", weight=1, count=bias),
            Term(what="adaptive average-pool additions and divisions", weight=1, count=pooled))


def megvii_shufflenet_terms(r: Report) -> tuple[Term, ...]:
    """megvii's ShuffleNet v2 (``ShuffleNetV2/blocks.py``, ``network.py``) against torchvision's
    build: a stride-2 block's projection branch keeps its ``inp`` channels and its main branch
    ends in ``oup − inp``, where torchvision gives each branch ``oup/2``; with ``b = oup/2`` that
    is ``(b − inp)²`` more Mult-Adds per output pixel (0 where ``inp = b``: stages 3 and 4)."""
    layers = r.layers
    proj = layers[(layers["role"] == Role.SHORTCUT) & (layers["kind"] == LayerKind.POINTWISE)]
    extra = int((proj["out_h"] * proj["out_w"] * (proj["out_c"] - proj["in_c"]) ** 2).sum())
    return (Term(what="Mult-Adds of megvii's channel split in a stage's first block",
                 weight=1, count=extra),)


def counted(r: Report, terms: tuple[Term, ...]) -> int:
    """The exact count of ``r`` plus ``weight × count`` of every term."""
    return r.mult_adds + sum(t.weight * t.count for t in terms)


def derivation(r: Report, terms: tuple[Term, ...]) -> str:
    """``216,589,760 + 2 × 4,399,808 + 47,040 = 225,436,416``."""
    parts = [f"{r.mult_adds:,}"] + [
        f"{t.count:,}" if t.weight == 1 else f"{t.weight} × {t.count:,}" for t in terms]
    return f"{' + '.join(parts)} = {counted(r, terms):,}"


def element_terms(r: Report) -> dict[str, int]:
    """Per-element work a counter might add, for any network: batchnorm elements, activation
    outputs, residual adds, global and squeeze-and-excite pool inputs, SE multiplies, conv
    bias adds, input pixels, and the classifier's Mult-Adds (to count it twice, or not)."""
    layers = r.layers
    convs, out = _conv_rows(r)
    se = layers["role"] == Role.SE
    pool = layers["kind"] == LayerKind.AVGPOOL
    return {
        "batchnorm": int(out[convs["params_with_bn"] > convs["params"]].sum()),
        "activation": int(out[(convs["role"] != Role.SE)
                              & (convs["activation"] != Activation.NONE)].sum()),
        "residual_add": int(layers.loc[layers["kind"] == OpKind.ADD, "elementwise"].sum()),
        "global_pool": _inputs(layers[pool & ~se]),
        "se_pool": _inputs(layers[pool & se]),
        "se_scale": int(layers.loc[layers["kind"] == OpKind.SCALE, "elementwise"].sum()),
        "se_bias": int(out[convs["role"] == Role.SE].sum()),
        "image": int(layers["in_h"].iloc[0] * layers["in_w"].iloc[0] * layers["in_c"].iloc[0]),
        "classifier": int(layers.loc[layers["kind"] == OpKind.FC, "mult_adds"].sum()),
    }


@dataclass(frozen=True, kw_only=True)
class WeightSearch:
    """Every weighting of :func:`element_terms` on a grid, against printed rows."""

    tried: int
    reproducing: tuple[dict[str, float], ...]  # the weightings that reproduce every row


def weight_search(reports: tuple[Report, ...], printed: tuple[float, ...],
                  steps: tuple[float, ...], grid: dict[str, tuple[float, ...]]) -> WeightSearch:
    """Each weighting of the terms in ``grid`` (term → weights tried) added to the exact counts
    of ``reports``; a weighting reproduces the rows when every count is within half a printed
    ``step`` of the ``printed`` count."""
    names = list(grid)
    x = np.array([[element_terms(r)[t] for t in names] for r in reports], dtype=float)
    exact = np.array([r.mult_adds for r in reports], dtype=float)
    weights = np.array(list(itertools.product(*grid.values())))
    err = np.abs(exact + weights @ x.T - np.array(printed))
    ok = (err <= np.array(steps) / 2).all(axis=1)
    return WeightSearch(tried=len(weights), reproducing=tuple(
        {t: float(w) for t, w in zip(names, weights[i], strict=True)} for i in np.where(ok)[0]))


__all__ = [
    "CONSTANT_TERMS",
    "CONVENTIONS",
    "FILE",
    "MOBILEONE_BRANCHES",
    "SPATIAL_TERMS",
    "TERMS",
    "Bounds",
    "Convention",
    "Evaluation",
    "Row",
    "SearchResult",
    "Term",
    "WeightSearch",
    "count_with",
    "counted",
    "derivation",
    "element_terms",
    "evaluate",
    "fvcore_terms",
    "megvii_shufflenet_terms",
    "paddle_flops_terms",
    "readme_rows",
    "resolution_bounds",
    "search",
    "terms",
    "weight_search",
]
