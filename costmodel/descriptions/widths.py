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

**A user's table is counted as written at α = 1** (``WidthVar.written``): every width the
table writes as a number (``c``, ``exp``) is that number, with no rounding and no minimum. At
other α the table's rounding rule scales it, with its minimum of 8 lowered to the written width
where that is smaller (so the rule never makes a layer wider than the table writes it when
α ≤ 1). Widths the table gives as ratios (``t·C_in``, ``se·C``) follow its ``expansion`` and
``se_squeeze`` rules at every α, as its builder does. The built-in networks follow their
builders at every α (their written widths are multiples of 8, so the two agree there).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from functools import cached_property, partial
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


def make_divisible_4(value: Real) -> Real:
    """timm's ``make_divisible(value, 4)`` (GhostNet): :func:`make_divisible` with divisor 4,
    with a scalar fast path (report() evaluates thirty GhostNet widths per α)."""
    if type(value) is float:
        near = int(value + 2.0) // 4 * 4
        if near < 4:
            near = 4
        return near + 4 if near < 0.9 * value else near
    return make_divisible(value, 4)


class Rounding(StrEnum):
    """How a real width becomes a channel count."""

    TRUNCATE = "truncate"
    """``max(int(v), 8)`` (MobileNet v1)."""
    MAKE_DIVISIBLE = "make_divisible"
    """Nearest multiple of 8, at least 8, never more than 10 % below (v2, v3, MnasNet,
    EfficientNet)."""
    FLOOR_MIN_1 = "floor_min_1"
    """``max(1, int(v))`` (the EfficientNet/MnasNet squeeze width)."""
    MAKE_DIVISIBLE_4 = "make_divisible_4"
    """Nearest multiple of 4, at least 4, never more than 10 % below (timm's GhostNet:
    ``make_divisible(v, 4)``)."""
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

    def describe(self, inner: str, value: int, minimum: int = 0) -> str:
        """The rule applied to ``inner`` (text), with its result; ``minimum`` is a lowered
        minimum (0: the rule's own)."""
        if minimum and self is Rounding.MAKE_DIVISIBLE:
            return f"make_divisible({inner}, 8, min {minimum}) = {value}"
        return _DESCRIPTIONS[self].format(inner=inner, value=value, low=minimum or 8)

    def function(self, minimum: int = 0) -> Callable[[Real], Real] | None:
        """The rule as a function of one real value (``None``: exact), with its minimum of 8
        lowered to ``minimum`` where that is given (truncate and make_divisible only)."""
        if minimum and self is Rounding.TRUNCATE:
            return partial(truncate, minimum=minimum)
        if minimum and self is Rounding.MAKE_DIVISIBLE:
            return partial(make_divisible, minimum=minimum)
        return _RULE_FUNCTIONS[self]


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
    Rounding.MAKE_DIVISIBLE_4: make_divisible_4,
    Rounding.ROUND: round_half_even,
    Rounding.EXACT: None,
}
_DESCRIPTIONS: dict[Rounding, str] = {
    Rounding.TRUNCATE: "max(int({inner}), {low}) = {value}",
    Rounding.MAKE_DIVISIBLE: "make_divisible({inner}, 8) = {value}",
    Rounding.FLOOR_MIN_1: "max(1, int({inner})) = {value}",
    Rounding.MAKE_DIVISIBLE_NO_LIMIT: "make_divisible({inner}, 8, round_limit=0) = {value}",
    Rounding.MAKE_DIVISIBLE_4: "make_divisible({inner}, 4) = {value}",
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
    LARGER = "larger"
    """``max(source, other)``: the width a depthwise conv runs on where the expansion conv
    exists only when it widens (TF-slim ``expanded_conv``: the inner width where it is larger
    than the input, else the input's own width)."""
    SPLIT = "split"
    """One of ``factor`` channel groups of ``source`` (timm's ``_split_channels``, MixConv):
    ``source // factor``, and the first group (``base`` = 1) also takes the remainder,
    ``source - (factor - 1)·(source // factor)``."""
    SUM = "sum"
    """``source + other``: the channels of a concatenation (a graph table's ``concat``)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class WidthVar:
    """One channel count of a network as a rule. ``base`` is the width at α = 1 (or the
    constant); ``source`` and ``factor`` are used by derived variables, ``source`` and
    ``other`` by the larger of two. ``written``: a user table's width, counted as written at
    α = 1 (see the module docstring); ``minimum``: the rounding's minimum where it is lowered
    below 8 (0: the rule's own)."""

    kind: VarKind
    label: str
    base: int = 0
    rounding: Rounding = Rounding.EXACT
    source: int = -1
    factor: Fraction = Fraction(1)
    other: int = -1
    written: bool = False
    minimum: int = 0

    def rule(self) -> Callable[[Real], Real] | None:
        """This variable's rounding as a function of one real value (``None``: exact)."""
        return self.rounding.function(self.minimum)


ONE = 0  # index of the constant 1 in every program (the per-group input of a depthwise conv)

#: The rule for a user's table, in the words the report, ``derive()`` and docs/tables.md use.
AS_WRITTEN = ("a user table's widths (c, exp) are counted as written at α = 1, with no "
              "rounding and no minimum of 8; at other α its rounding rule scales them, never "
              "below a written width under 8; widths given as ratios (t, se) follow the "
              "table's expansion and se_squeeze rules")
AS_WRITTEN_SHORT = "a user table's widths are counted as written at α = 1"


def scaled_values(var: WidthVar, alphas: np.ndarray) -> np.ndarray:
    """A scaled (or fine-grain) variable at each of ``alphas`` (int64), as written at α = 1
    where the variable is a user table's."""
    import numpy as np

    factor = np.maximum(alphas, 1.0) if var.kind is VarKind.FINEGRAIN else alphas
    rule = var.rule()
    assert rule is not None
    values = np.asarray(rule(factor * var.base)).astype(np.int64)
    if var.written:
        values = np.where(alphas == 1.0, var.base, values)
    return values


_CODES = {VarKind.CONST: 0, VarKind.SCALED: 1, VarKind.DERIVED: 2, VarKind.FINEGRAIN: 3,
          VarKind.LARGER: 4, VarKind.SPLIT: 5, VarKind.SUM: 6}


def _exact_product(source: int, factor: Fraction) -> int | None:
    """``source · factor`` where that is a whole number, else ``None``."""
    product = source * factor.numerator
    return product // factor.denominator if product % factor.denominator == 0 else None


def split_width(source: Real, parts: int, first: bool) -> Real:
    """Channels of one of ``parts`` groups of ``source`` (timm ``_split_channels``): the first
    group takes the remainder. Integers or integer arrays."""
    share = source // parts
    return source - (parts - 1) * share if first else share


@dataclass(frozen=True, kw_only=True, slots=True)
class WidthCheck:
    """A rule of a graph table that the widths must keep at every α: ``variables[var]`` equals
    ``variables[other]`` (``other`` ≥ 0: an add's two inputs, a scale's map and gate), or is a
    multiple of ``divisor`` (a split, conv groups, a shuffle). ``where`` names the line, the
    operation and the rule."""

    var: int
    where: str
    other: int = -1
    divisor: int = 0


#: A step of :meth:`WidthProgram.complete`: (index, code, source, rule, factor, whole factor,
#: other, a split's first group).
_Step = tuple[int, int, int, Callable[[Real], Real] | None, float, int, int, bool]
#: (every value with the constants filled in, the α-only variables' indices, scaled
#: (rule, base), fine-grain (rule, base), the other variables' steps)
_Layout = tuple[list[int], tuple[int, ...], tuple[tuple[Callable[[Real], Real], int], ...],
                tuple[tuple[Callable[[Real], Real], int], ...], tuple[_Step, ...]]
#: A derived width's rounding of (rule, factor, source width), remembered: the source widths
#: of a network take few values. Emptied when full, and by :func:`clear_memo`.
_DERIVED: dict[tuple[Callable[[Real], Real], float, int], Real] = {}
_DERIVED_MAX = 1 << 16


def clear_memo() -> None:
    """Forget the remembered roundings of derived widths (benchmarks of the uncached path)."""
    _DERIVED.clear()


@dataclass(frozen=True, kw_only=True)
class WidthProgram:
    """The distinct channel counts of a network, in dependency order; ``variables[0]`` is the
    constant 1. ``checks``: the rules a graph table's widths must keep at every evaluated α
    (a ``ValueError`` where one breaks)."""

    variables: tuple[WidthVar, ...]
    checks: tuple[WidthCheck, ...] = ()

    @cached_property
    def _steps(self) -> tuple[tuple[int, int, float, int, Callable[[Real], Real] | None, int,
                                    int], ...]:
        """The variables as plain tuples (code, base, factor, source, rounding function,
        other, whole factor)."""
        return tuple((_CODES[v.kind], v.base, float(v.factor), v.source, v.rule(), v.other,
                      int(v.factor))
                     for v in self.variables)

    @cached_property
    def written(self) -> bool:
        """Whether some width is a user table's, counted as written at α = 1."""
        return any(v.written for v in self.variables)

    @cached_property
    def _layout(self) -> _Layout:
        """The program split for :meth:`independent` and :meth:`complete`: (every value
        with the constants filled in, the indices of the variables that depend on α alone,
        the scaled variables' (rule, base), the fine-grain ones', the other variables' steps
        (index, code, source, rule, factor, whole factor, other, a split's first group))."""
        template = [v.base if v.kind is VarKind.CONST else 0 for v in self.variables]
        scaled = [i for i, v in enumerate(self.variables) if v.kind is VarKind.SCALED]
        fine = [i for i, v in enumerate(self.variables) if v.kind is VarKind.FINEGRAIN]
        steps: tuple[_Step, ...] = tuple(
            (i, _CODES[v.kind], v.source, v.rule(), float(v.factor), int(v.factor), v.other,
             v.base == 1)
            for i, v in enumerate(self.variables)
            if v.kind not in (VarKind.CONST, VarKind.SCALED, VarKind.FINEGRAIN))
        return (template, (*scaled, *fine),
                tuple((self._scalar_rule(i), self.variables[i].base) for i in scaled),
                tuple((self._scalar_rule(i), self.variables[i].base) for i in fine), steps)

    def _scalar_rule(self, index: int) -> Callable[[Real], Real]:
        """The rounding of a scaled variable (every scaled width rounds)."""
        rule = self.variables[index].rule()
        if rule is None:
            raise ValueError(f"width {self.variables[index].label!r} scales with α but has "
                             f"no rounding rule")
        return rule

    def independent(self, alpha: float) -> tuple[int, ...]:
        """The channel counts that depend on α alone (scaled and fine-grain variables, in
        their order in the program): every other count follows from them and the constants,
        so they key the totals' cache (:func:`costmodel.core.counting.weights_at`)."""
        alpha = float(alpha)  # the rules' scalar path returns Python integers for floats
        _, _, scaled, fine, _ = self._layout
        values = [rule(alpha * base) for rule, base in scaled]
        if fine:
            big = alpha if alpha > 1.0 else 1.0
            values += [rule(big * base) for rule, base in fine]
        return tuple(values)

    def complete(self, independent: tuple[int, ...], alpha: float) -> list[int]:
        """Every channel count from :meth:`independent`'s values at ``alpha`` (``alpha`` only
        names the width multiplier in a broken rule's message)."""
        template, indices, _, _, steps = self._layout
        if len(independent) != len(indices):
            raise ValueError(f"independent must hold {len(indices)} widths (the α-only "
                             f"variables); got {len(independent)}")
        values = list(template)
        for i, value in zip(indices, independent, strict=True):
            values[i] = value
        for i, code, source, rule, factor, whole, other, first in steps:
            if code == 5:  # split_width, inlined: the first group takes the remainder
                share = values[source] // whole
                values[i] = values[source] - (whole - 1) * share if first else share
            elif code == 2:
                if rule is None:
                    values[i] = values[source] * whole
                else:  # a rule of one integer: remembered per (rule, factor, source width)
                    key = (rule, factor, values[source])
                    known = _DERIVED.get(key)
                    if known is None:
                        if len(_DERIVED) >= _DERIVED_MAX:
                            _DERIVED.clear()
                        known = _DERIVED[key] = rule(key[2] * factor)
                    values[i] = known
            elif code == 4:
                a, b = values[source], values[other]
                values[i] = a if a > b else b
            else:  # 6: the sum of two widths (a concat)
                values[i] = values[source] + values[other]
        if self.checks:
            self._check(values, alpha)
        return values

    def evaluate(self, alpha: float) -> list[int]:
        """Every channel count at width multiplier ``alpha`` (Python integers)."""
        alpha = float(alpha)
        if alpha == 1.0 and self.written:
            return self._as_written()
        return self.complete(self.independent(alpha), alpha)

    def _as_written(self) -> list[int]:
        """Every channel count at α = 1 where the written widths are as written."""
        values: list[int] = []
        for var, (code, base, factor, source, rule, other, _) in zip(self.variables,
                                                                       self._steps, strict=True):
            exact: int | None = None
            if var.written and code in (1, 3):
                exact = base
            elif var.written and code == 2:
                exact = _exact_product(values[source], var.factor)
            if exact is not None:
                values.append(exact)
            elif code == 0:
                values.append(base)
            elif code in (1, 3):
                values.append(rule(1.0 * base))  # type: ignore[misc]
            elif code == 2:
                values.append(values[source] * int(factor) if rule is None
                              else rule(values[source] * factor))
            elif code == 4:
                values.append(max(values[source], values[other]))
            elif code == 6:
                values.append(values[source] + values[other])
            else:
                values.append(split_width(values[source], int(factor), base == 1))
        if self.checks:
            self._check(values, 1.0)
        return values

    def _check(self, values: list[int], alpha: float) -> None:
        """Refuse widths that break a graph table's rule at ``alpha`` (never a silent wrong
        count): see :class:`WidthCheck`."""
        for check in self.checks:
            a = values[check.var]
            if check.other >= 0 and a != values[check.other]:
                raise ValueError(f"{check.where}; at α = {alpha:g} the widths are {a} and "
                                 f"{values[check.other]} channels (the table's rounding of "
                                 f"its widths differs there)")
            if check.divisor and a % check.divisor:
                raise ValueError(f"{check.where}; at α = {alpha:g} the width is {a} channels, "
                                 f"not a multiple of {check.divisor} (the table's rounding "
                                 f"gives it there)")

    def evaluate_array(self, alphas: np.ndarray) -> list[np.ndarray]:
        """Every channel count for each of ``alphas`` (int64 arrays)."""
        import numpy as np

        values: list[np.ndarray] = []
        at_one = alphas == 1.0 if self.written else None
        for var in self.variables:
            if var.kind is VarKind.CONST:
                values.append(np.full(alphas.shape, var.base, dtype=np.int64))
            elif var.kind in (VarKind.SCALED, VarKind.FINEGRAIN):
                values.append(scaled_values(var, alphas))
            elif var.kind is VarKind.DERIVED:
                if var.rounding is Rounding.EXACT:
                    values.append(values[var.source] * int(var.factor))
                    continue
                source = values[var.source]
                rule = var.rule()
                assert rule is not None
                rounded = np.asarray(rule(source.astype(np.float64) * float(var.factor)),
                                     dtype=np.int64)
                if var.written and at_one is not None and at_one.any():
                    product = source * var.factor.numerator
                    whole = at_one & (product % var.factor.denominator == 0)
                    rounded = np.where(whole, product // var.factor.denominator, rounded)
                values.append(rounded)
            elif var.kind is VarKind.LARGER:
                values.append(np.maximum(values[var.source], values[var.other]))
            elif var.kind is VarKind.SUM:
                values.append(values[var.source] + values[var.other])
            else:
                values.append(split_width(values[var.source], int(var.factor), var.base == 1))
        for check in self.checks:
            a = values[check.var]
            bad = (a != values[check.other]) if check.other >= 0 else (a % check.divisor != 0)
            if bad.any():
                first = int(np.argmax(bad))
                self._check([int(v[first]) for v in values], float(alphas[first]))
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
            elif var.kind is VarKind.LARGER:
                values.append(sp.Max(values[var.source], values[var.other]))
            elif var.kind is VarKind.SUM:
                values.append(values[var.source] + values[var.other])
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
        written = var.written and float(alpha) == 1.0
        if var.kind is VarKind.CONST:
            return f"{value} (does not scale with α)"
        if var.kind is VarKind.SUM:
            return (f"{values[var.source]} + {values[var.other]} = {value} (the channels of a "
                    f"concat)")
        if var.kind is VarKind.LARGER:
            return (f"max({values[var.source]}, {values[var.other]}) = {value} (no expansion "
                    f"conv where the inner width is not larger than the input: the depthwise "
                    f"conv runs on the input's channels)")
        if written and var.kind in (VarKind.SCALED, VarKind.FINEGRAIN):
            return f"{value} (as the table writes it: {AS_WRITTEN_SHORT})"
        if var.kind is VarKind.SCALED:
            return var.rounding.describe(f"{alpha:g}·{var.base}", value, var.minimum)
        if var.kind is VarKind.FINEGRAIN:
            return var.rounding.describe(f"max(1, {alpha:g})·{var.base}", value, var.minimum)
        source = values[var.source]
        factor = var.factor
        if var.kind is VarKind.SPLIT:
            parts = int(factor)
            if var.base == 1:
                return f"{source} − {parts - 1}·({source} // {parts}) = {value}"
            return f"{source} // {parts} = {value}"
        shown = (str(factor) if factor.denominator == 1
                 else f"{factor.numerator}/{factor.denominator}")
        if written and _exact_product(source, factor) == value:
            return f"{source}·{shown} = {value} (the table's exp: {AS_WRITTEN_SHORT})"
        return var.rounding.describe(f"{source}·{shown}", value, var.minimum)


__all__ = [
    "AS_WRITTEN",
    "AS_WRITTEN_SHORT",
    "ONE",
    "Rounding",
    "VarKind",
    "WidthCheck",
    "WidthProgram",
    "WidthVar",
    "clear_memo",
    "floor_min_1",
    "make_divisible",
    "make_divisible_no_limit",
    "round_half_even",
    "scaled_values",
    "split_width",
    "truncate",
]
