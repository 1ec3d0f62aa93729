"""Channel counts under the width multiplier α: the builders' rounding rules, and a network's
widths as a small program evaluated once per α.

Rounding rules (each written once, with arithmetic that works on Python floats and on numpy
arrays alike, so the per-configuration count and the sweeps share them):

* :func:`truncate`: ``max(int(v), minimum)``: MobileNet v1 (TF-slim ``mobilenet_v1.py``,
  ``depth = lambda d: max(int(d * depth_multiplier), min_depth)``, min_depth 8); also the
  EfficientNet/MnasNet squeeze width ``max(1, int(C·0.25))``;
* :func:`make_divisible`: the nearest multiple of 8, at least 8, never more than 10 % below
  ``v`` (TF-slim ``_make_divisible``; torchvision ``_utils._make_divisible``; the TPU
  builders' ``round_filters``).

A network's widths form a :class:`WidthProgram`: every distinct channel count is one
:class:`WidthVar`, computed from α or from an earlier variable. Operations refer to variables by
index, so a network's structure is built once and only the program runs per α.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import sympy as sp

#: A real number or a numpy array of them.
Real = Any


def truncate(value: Real, minimum: int = 8) -> Real:
    """``max(int(value), minimum)`` for positive ``value`` (floats or float arrays)."""
    if type(value) is float:  # the scalar path of report(): the same rule, without arrays
        whole_value = int(value)
        return whole_value if whole_value > minimum else minimum
    whole = value // 1
    return whole + (minimum - whole) * (whole < minimum)


def make_divisible_no_limit(value: Real) -> Real:
    """timm's ``make_divisible(value, 8, round_limit=0.0)`` (EfficientNetV2's
    ``round_chs_fn``): the nearest multiple of 8, at least 8, with no 10 % guard."""
    if type(value) is float:
        near = int(value + 4) // 8 * 8
        return near if near > 8 else 8
    rounded = (value + 4) // 8 * 8
    return rounded + (8 - rounded) * (rounded < 8)


def make_divisible(value: Real, divisor: int = 8, minimum: int | None = None) -> Real:
    """TF-slim's ``_make_divisible(value, divisor, min_value)``: round to the nearest multiple
    of ``divisor``, at least ``minimum`` (default ``divisor``), and add one ``divisor`` if that
    lost more than 10 % of ``value``. Floats or float arrays; the result is integral."""
    low = divisor if minimum is None else minimum
    if type(value) is float:  # the scalar path of report(): the same rule, without arrays
        near = int(value + divisor / 2) // divisor * divisor
        if near < low:
            near = low
        return near + divisor if near < 0.9 * value else near
    rounded = (value + divisor / 2) // divisor * divisor
    rounded = rounded + (low - rounded) * (rounded < low)
    return rounded + divisor * (rounded < 0.9 * value)


class Rounding(StrEnum):
    """How a real width becomes a channel count."""

    TRUNCATE = "truncate"
    """``max(int(v), 8)`` (MobileNet v1)."""
    MAKE_DIVISIBLE = "make_divisible"
    """Nearest multiple of 8, at least 8, never more than 10 % below (v2, v3, MnasNet,
    EfficientNet)."""
    FLOOR_MIN_1 = "floor_min_1"
    """``max(1, int(v))`` (the EfficientNet/MnasNet squeeze width)."""
    MAKE_DIVISIBLE_NO_LIMIT = "make_divisible_no_limit"
    """Nearest multiple of 8, at least 8, without the 10 % guard (timm's EfficientNetV2:
    ``round_limit=0.0``)."""
    ROUND = "round"
    """``round(v)``, halves to even (Python's ``round``; torchvision v2's hidden width)."""
    EXACT = "exact"
    """An exact integer product; no rounding."""

    def apply(self, value: Real) -> Real:
        """Round ``value`` (floats or float arrays) by this rule."""
        rule = _RULE_FUNCTIONS[self]
        return value if rule is None else rule(value)

    def describe(self, inner: str, value: int) -> str:
        """The rule applied to ``inner`` (text), with its result."""
        return _DESCRIPTIONS[self].format(inner=inner, value=value)


def floor_min_1(value: Real) -> Real:
    """``max(1, int(value))`` for positive ``value`` (floats or float arrays)."""
    return truncate(value, 1)


def round_half_even(value: Real) -> Real:
    """Python's ``round(value)`` (halves to even), for floats or float arrays."""
    if isinstance(value, float | int):
        return round(value)
    import numpy as np

    return np.round(value)


#: Each rounding rule as a function of one real value (``None``: exact, no rounding).
_RULE_FUNCTIONS: dict[Rounding, Callable[[Real], Real] | None] = {
    Rounding.TRUNCATE: truncate,
    Rounding.MAKE_DIVISIBLE: make_divisible,
    Rounding.FLOOR_MIN_1: floor_min_1,
    Rounding.MAKE_DIVISIBLE_NO_LIMIT: make_divisible_no_limit,
    Rounding.ROUND: round_half_even,
    Rounding.EXACT: None,
}
_DESCRIPTIONS: dict[Rounding, str] = {
    Rounding.TRUNCATE: "max(int({inner}), 8) = {value}",
    Rounding.MAKE_DIVISIBLE: "make_divisible({inner}, 8) = {value}",
    Rounding.FLOOR_MIN_1: "max(1, int({inner})) = {value}",
    Rounding.MAKE_DIVISIBLE_NO_LIMIT: "make_divisible({inner}, 8, round_limit=0) = {value}",
    Rounding.ROUND: "round({inner}) = {value}",
    Rounding.EXACT: "{inner} = {value}",
}


class VarKind(StrEnum):
    """How a width variable is computed."""

    CONST = "const"
    """A count that never scales (the image channels, the classes, a fixed width)."""
    SCALED = "scaled"
    """``round(α·base)``."""
    FINEGRAIN = "finegrain"
    """``round(max(1, α)·base)``: scaled only above 1 (MobileNet v2's last conv)."""
    DERIVED = "derived"
    """``round(source · factor)`` from another variable (expansion and squeeze widths)."""
    SPLIT = "split"
    """One of ``factor`` channel groups of ``source`` (timm's ``_split_channels``, MixConv):
    ``source // factor``, and the first group (``base`` = 1) also takes the remainder,
    ``source - (factor - 1)·(source // factor)``."""


@dataclass(frozen=True, kw_only=True, slots=True)
class WidthVar:
    """One channel count of a network as a rule. ``base`` is the width at α = 1 (or the
    constant); ``source`` and ``factor`` are used by derived variables."""

    kind: VarKind
    label: str
    base: int = 0
    rounding: Rounding = Rounding.EXACT
    source: int = -1
    factor: Fraction = Fraction(1)


ONE = 0  # index of the constant 1 in every program (the per-group input of a depthwise conv)


_CODES = {VarKind.CONST: 0, VarKind.SCALED: 1, VarKind.DERIVED: 2, VarKind.FINEGRAIN: 3,
          VarKind.SPLIT: 4}


def split_width(source: Real, parts: int, first: bool) -> Real:
    """Channels of one of ``parts`` groups of ``source`` (timm ``_split_channels``): the first
    group takes the remainder. Integers or integer arrays."""
    share = source // parts
    return source - (parts - 1) * share if first else share


@dataclass(frozen=True, kw_only=True)
class WidthProgram:
    """The distinct channel counts of a network, in dependency order; ``variables[0]`` is the
    constant 1."""

    variables: tuple[WidthVar, ...]

    @cached_property
    def _steps(self) -> tuple[tuple[int, int, float, int, Callable[[Real], Real] | None],
                              ...]:
        """The variables as plain tuples (code, base, factor, source, rounding function)."""
        return tuple((_CODES[v.kind], v.base, float(v.factor), v.source,
                      _RULE_FUNCTIONS[v.rounding]) for v in self.variables)

    def evaluate(self, alpha: float) -> list[int]:
        """Every channel count at width multiplier ``alpha`` (Python integers)."""
        alpha = float(alpha)  # the rules' scalar path returns Python integers for floats
        values: list[int] = []
        append = values.append
        for code, base, factor, source, rule in self._steps:
            if code == 0:
                append(base)
            elif code == 1:
                append(rule(alpha * base))  # type: ignore[misc]
            elif code == 2:
                if rule is None:
                    append(values[source] * int(factor))
                else:
                    append(rule(values[source] * factor))
            elif code == 3:
                append(rule((alpha if alpha > 1.0 else 1.0) * base))  # type: ignore[misc]
            else:
                append(split_width(values[source], int(factor), base == 1))
        return values

    def evaluate_array(self, alphas: np.ndarray) -> list[np.ndarray]:
        """Every channel count for each of ``alphas`` (int64 arrays)."""
        import numpy as np

        values: list[np.ndarray] = []
        for var in self.variables:
            if var.kind is VarKind.CONST:
                values.append(np.full(alphas.shape, var.base, dtype=np.int64))
            elif var.kind is VarKind.SCALED:
                values.append(var.rounding.apply(alphas * var.base).astype(np.int64))
            elif var.kind is VarKind.DERIVED:
                if var.rounding is Rounding.EXACT:
                    values.append(values[var.source] * int(var.factor))
                else:
                    source = values[var.source].astype(np.float64)
                    values.append(
                        var.rounding.apply(source * float(var.factor)).astype(np.int64))
            elif var.kind is VarKind.SPLIT:
                values.append(split_width(values[var.source], int(var.factor), var.base == 1))
            else:
                values.append(
                    var.rounding.apply(np.maximum(alphas, 1.0) * var.base).astype(np.int64))
        return values

    def symbolic(self, alpha: sp.Expr) -> list[sp.Expr]:
        """Every channel count as a continuous expression in ``alpha`` (no rounding): the
        widths of the closed form."""
        import sympy as sp

        values: list[sp.Expr] = []
        for var in self.variables:
            if var.kind is VarKind.CONST:
                values.append(sp.Integer(var.base))
            elif var.kind is VarKind.SCALED:
                values.append(alpha * var.base)
            elif var.kind is VarKind.DERIVED:
                values.append(values[var.source] * sp.Rational(var.factor.numerator,
                                                               var.factor.denominator))
            elif var.kind is VarKind.SPLIT:
                values.append(values[var.source] / int(var.factor))
            else:
                values.append(sp.Max(1, alpha) * var.base)
        return values

    def explain(self, index: int, alpha: float, values: list[int] | None = None) -> str:
        """How variable ``index`` gets its value at ``alpha``, e.g.
        ``make_divisible(0.5·24, 8) = 16``."""
        values = self.evaluate(alpha) if values is None else values
        var = self.variables[index]
        value = values[index]
        if var.kind is VarKind.CONST:
            return f"{value} (does not scale with α)"
        if var.kind is VarKind.SCALED:
            return var.rounding.describe(f"{alpha:g}·{var.base}", value)
        if var.kind is VarKind.FINEGRAIN:
            return var.rounding.describe(f"max(1, {alpha:g})·{var.base}", value)
        source = values[var.source]
        factor = var.factor
        if var.kind is VarKind.SPLIT:
            parts = int(factor)
            if var.base == 1:
                return f"{source} − {parts - 1}·({source} // {parts}) = {value}"
            return f"{source} // {parts} = {value}"
        shown = (str(factor) if factor.denominator == 1
                 else f"{factor.numerator}/{factor.denominator}")
        return var.rounding.describe(f"{source}·{shown}", value)


__all__ = [
    "ONE",
    "Rounding",
    "VarKind",
    "WidthProgram",
    "WidthVar",
    "floor_min_1",
    "make_divisible",
    "make_divisible_no_limit",
    "round_half_even",
    "split_width",
    "truncate",
]
