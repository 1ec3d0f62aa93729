"""Block types as data: each block is one file in ``data/blocks/``, read here.

A block type lists its operations (*steps*) in the order its builder runs them, each with its
kind, its inputs, its output width as a name (``in``, ``out`` or a width the file defines, such
as ``exp = expansion(in)``), its kernel and stride as the row gives them, and the condition
under which it exists (``se``: where the row has a squeeze-and-excite ratio; ``expands``: where
the rule set builds an expansion conv; ``auto`` for a residual: at stride 1 with equal widths).
``data/blocks/README.md`` gives the grammar; :mod:`costmodel.core.graph` expands every block
row through it, and nothing else in the code knows a block type's operations.

Nothing in a file is evaluated: every field is read by a fixed grammar into the enums below, and
an error names the file, the line and the rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TypeVar

from costmodel.base.data_files import data_dir
from costmodel.base.kinds import Role

_E = TypeVar("_E", bound=StrEnum)


class StepOp(StrEnum):
    """What a step is (a sub-block's steps are given by its own block type)."""

    CONV = "conv"
    DEPTHWISE = "depthwise"
    POINTWISE = "pointwise"
    SE = "se"
    CONCAT = "concat"
    SPLIT = "split"
    SHUFFLE = "shuffle"
    NORM = "norm"
    LAYER_SCALE = "layer_scale"
    ADD = "add"
    RESIDUAL = "residual"
    SUBBLOCK = "subblock"


class When(StrEnum):
    """The condition under which a step exists (``ALWAYS``: every time)."""

    ALWAYS = ""
    SE = "se"
    STRIDED = "strided"
    UNSTRIDED = "unstrided"
    START_K = "start_k"
    K = "k"
    END_K = "end_k"
    RESHAPES = "reshapes"
    WIDENS = "widens"
    EXPANDS = "expands"
    AUTO = "auto"
    ASKED = "asked"


@dataclass(frozen=True, kw_only=True, slots=True)
class Situation:
    """What a step's condition (:class:`When`) reads: one repeat of a block row where the
    network builder expands it (:mod:`costmodel.core.graph`), or the choices a block type's
    formula is written for (:mod:`costmodel.core.block_formulas`)."""

    stride_one: bool = True
    se: bool = False
    start_k: bool = False
    k: bool = True
    end_k: bool = False
    #: the block's ``in`` and ``out`` widths differ
    widens: bool = False
    #: the step changes the width (its output ≠ its input), or the rule set always builds
    #: the conv
    expands: bool = True
    #: the row asks for a residual (an ``auto`` residual is decided by the widths at α)
    asked: bool = True


#: Each condition, written once.
_CONDITIONS: dict[When, Callable[[Situation], bool]] = {
    When.SE: lambda s: s.se,
    When.STRIDED: lambda s: not s.stride_one,
    When.UNSTRIDED: lambda s: s.stride_one,
    When.START_K: lambda s: s.start_k,
    When.K: lambda s: s.k,
    When.END_K: lambda s: s.end_k,
    When.RESHAPES: lambda s: not s.stride_one or s.widens,
    When.WIDENS: lambda s: s.widens,
    When.EXPANDS: lambda s: s.expands,
    When.ASKED: lambda s: s.asked,
}


def holds(when: When, situation: Situation) -> bool:
    """Whether a step with condition ``when`` exists in ``situation`` (``ALWAYS`` and
    ``AUTO``: yes; an ``AUTO`` residual is then decided by the widths at α)."""
    condition = _CONDITIONS.get(when)
    return True if condition is None else bool(condition(situation))


class Norm(StrEnum):
    """A conv step's normalisation and bias."""

    NONE = ""
    BN = "bn"
    BIAS = "bias"
    ROW = "row"


class Require(StrEnum):
    """A condition a block row must meet (``require.NAME`` lines)."""

    STRIDE_ONE = "stride_one"
    SAME_WIDTH = "same_width"
    SAME_WIDTH_UNSTRIDED = "same_width_unstrided"


class WidthRule(StrEnum):
    """How a named width of a block is found (``width.NAME`` lines)."""

    EXPANSION = "expansion"
    INNER = "inner"
    TIMES_T = "times_t"
    PART = "part"


#: the row fields a kernel, a stride's ``unless`` or a condition may name
ROW_FIELDS = ("k", "start_k", "end_k")
_KERNEL_FIELDS = ("k", "kernels", "start_k", "end_k")
_GROUP_FIELDS = ("1", "exp_groups", "pw_groups")
_COLUMNS = ("step", "op", "reads", "c", "k", "s", "groups", "nl", "norm", "role", "when")
_NAME = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*")
_WIDTH_DEF = re.compile(r"(expansion|inner|times_t|part)\(([a-z_, 0-9]*)\)(?:\s+(.+))?")
_STRIDE = re.compile(r"s(?: unless((?: [a-z_]+)+))?")


@dataclass(frozen=True, slots=True)
class Width:
    """A named width: ``rule`` applied to ``args`` (width names, or numbers for ``part``);
    ``label`` names it in derivations (``b7 expansion``)."""

    name: str
    rule: WidthRule
    args: tuple[str, ...]
    label: str


@dataclass(frozen=True, slots=True)
class Step:
    """One operation of a block type (see ``data/blocks/README.md`` for each field)."""

    name: str
    op: StepOp
    reads: tuple[str, ...]
    width: str
    kernel: str
    strided: bool
    stride_unless: tuple[str, ...]
    groups: str
    activation: bool
    norm: Norm
    role: Role | None
    when: When
    line: int
    #: the sub-block's type where ``op`` is ``SUBBLOCK``
    subblock: str = ""


@dataclass(frozen=True, slots=True)
class BlockType:
    """A block type: its steps, named widths, requirements and provenance."""

    name: str
    title: str
    source: str
    steps: tuple[Step, ...]
    widths: tuple[Width, ...]
    requires: tuple[tuple[Require, str], ...]
    #: the default expansion factor where the row gives no ``t``
    default_t: str = ""
    #: the width the lesson and the formulas call the block's expansion
    expansion: str = ""
    #: the steps named after the table's own names (MobileNet v1's ``dwN``/``pwN``)
    pair: tuple[str, str] | None = None
    filename: str = ""

    def width(self, name: str) -> Width | None:
        """The named width ``name`` (``None`` for ``in`` and ``out``)."""
        for width in self.widths:
            if width.name == name:
                return width
        return None


def _fail(filename: str, line: int, rule: str) -> ValueError:
    return ValueError(f"data/blocks/{filename} line {line}: {rule}")


def _enum(kind: type[_E], text: str, field: str, filename: str, line: int) -> _E:
    try:
        return kind(text)
    except ValueError:
        accepted = ", ".join(repr(e.value) for e in kind)
        raise _fail(filename, line, f"{field} must be one of {accepted}; got {text!r}") from None


def parse_block_type(filename: str, text: str, known: frozenset[str]) -> BlockType:
    """One block type from its file's ``text``; ``known`` are the block types a step may use
    as a sub-block. A ``ValueError`` names the file, the line and the rule."""
    meta: dict[str, tuple[str, int]] = {}
    rows: list[tuple[int, list[str]]] = []
    header: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            key, sep, value = line[1:].partition(":")
            if not sep:
                raise _fail(filename, number, "a header line is '# key: value'")
            meta[key.strip()] = (value.strip(), number)
        elif not header:
            header = [cell.strip() for cell in line.split(",")]
            if tuple(header) != _COLUMNS:
                raise _fail(filename, number, f"the columns are {', '.join(_COLUMNS)}")
        else:
            cells = [cell.strip() for cell in line.split(",")]
            if len(cells) != len(_COLUMNS):
                raise _fail(filename, number, f"{len(_COLUMNS)} cells a line; got {len(cells)}")
            rows.append((number, cells))
    name = meta.get("block", ("", 0))[0]
    if not _NAME.fullmatch(name) or f"{name}.csv" != filename:
        raise _fail(filename, 1, f"'# block: NAME' must name the file ({filename})")
    widths: list[Width] = []
    requires: list[tuple[Require, str]] = []
    for key, (value, number) in meta.items():
        if key.startswith("width."):
            match = _WIDTH_DEF.fullmatch(value)
            if not match:
                raise _fail(filename, number, "a width is RULE(ARGS) [label], RULE one of "
                                              "expansion, inner, times_t, part")
            args = tuple(a.strip() for a in match.group(2).split(",") if a.strip())
            widths.append(Width(name=key[6:], rule=WidthRule(match.group(1)), args=args,
                                label=match.group(3) or key[6:]))
        elif key.startswith("require."):
            requires.append((_enum(Require, key[8:], "a requirement", filename, number), value))
        elif key not in ("block", "title", "source", "t", "expansion", "names"):
            raise _fail(filename, number, f"unknown header key {key!r}")
    names = {"in", "out", *(w.name for w in widths)}
    for width in widths:
        expected = 3 if width.rule is WidthRule.PART else 2 if width.rule is WidthRule.INNER \
            else 1
        if len(width.args) != expected or (width.args[0] not in names):
            raise _fail(filename, meta[f"width.{width.name}"][1],
                        f"{width.rule.value} takes {expected} argument(s), the first a width")
    steps: list[Step] = []
    seen: set[str] = set()
    for number, cells in rows:
        cell = dict(zip(_COLUMNS, cells, strict=True))
        step = cell["step"]
        if not _NAME.fullmatch(step) or step in seen or step == "in":
            raise _fail(filename, number, f"step {step!r}: a new name (letters, digits, _ .)")
        subblock = ""
        if cell["op"] in known:
            op, subblock = StepOp.SUBBLOCK, cell["op"]
        else:
            op = _enum(StepOp, cell["op"], "op", filename, number)
            if op is StepOp.SUBBLOCK:
                raise _fail(filename, number, f"op {cell['op']!r} is not a block type")
        reads = tuple(r for r in cell["reads"].split("+") if r)
        for read in reads:
            if read != "in" and read not in seen:
                raise _fail(filename, number, f"step {step!r} reads {read!r}, which is not "
                                              f"'in' or an earlier step")
        if cell["c"] and cell["c"] not in names:
            raise _fail(filename, number, f"c must be one of {', '.join(sorted(names))}")
        kernel = cell["k"]
        if kernel and not kernel.isdigit() and kernel not in _KERNEL_FIELDS:
            raise _fail(filename, number, f"k is a number or one of {', '.join(_KERNEL_FIELDS)}")
        stride = _STRIDE.fullmatch(cell["s"]) if cell["s"] not in ("", "1") else None
        if cell["s"] not in ("", "1") and stride is None:
            raise _fail(filename, number, "s is 1, s, or 's unless FIELD ...'")
        unless = tuple(stride.group(1).split()) if stride and stride.group(1) else ()
        if any(u not in ROW_FIELDS for u in unless):
            raise _fail(filename, number, f"'s unless' names row fields: {', '.join(ROW_FIELDS)}")
        if (cell["groups"] or "1") not in _GROUP_FIELDS:
            raise _fail(filename, number, f"groups is one of {', '.join(_GROUP_FIELDS)}")
        if cell["nl"] not in ("", "nl", "none"):
            raise _fail(filename, number, "nl is 'nl' (the row's activation) or 'none'")
        role = None if cell["role"] == "role" else _enum(Role, cell["role"], "role", filename,
                                                          number)
        steps.append(Step(
            name=step, op=op, reads=reads, width=cell["c"], kernel=kernel,
            strided=stride is not None, stride_unless=unless, groups=cell["groups"] or "1",
            activation=cell["nl"] == "nl",
            norm=_enum(Norm, cell["norm"], "norm", filename, number), role=role,
            when=_enum(When, cell["when"], "when", filename, number), line=number,
            subblock=subblock))
        seen.add(step)
    if not steps:
        raise _fail(filename, 1, "a block type has at least one step")
    pair = None
    if "names" in meta:
        first, *rest = meta["names"][0].split()
        if len(rest) != 1 or {first, rest[0]} - seen:
            raise _fail(filename, meta["names"][1], "names: two of the block's steps")
        pair = (first, rest[0])
    expansion = meta.get("expansion", ("", 0))[0]
    if expansion and expansion not in names:
        raise _fail(filename, meta["expansion"][1], "expansion names one of the block's widths")
    return BlockType(
        name=name, title=meta.get("title", (name, 0))[0], source=meta.get("source", ("", 0))[0],
        steps=tuple(steps), widths=tuple(widths), requires=tuple(requires),
        default_t=meta.get("t", ("", 0))[0], expansion=expansion, pair=pair, filename=filename)


@lru_cache(maxsize=1)
def block_types() -> dict[str, BlockType]:
    """Every block type in ``data/blocks/``, by name (sub-blocks included)."""
    files = sorted((data_dir() / "blocks").glob("*.csv"))
    known = frozenset(path.stem for path in files)
    return {path.stem: parse_block_type(path.name, path.read_text(encoding="utf-8"), known)
            for path in files}


def block_type(name: str) -> BlockType:
    """The block type called ``name``; a ``ValueError`` listing them."""
    types = block_types()
    if name not in types:
        raise ValueError(f"block must be one of: {', '.join(types)}; got {name!r}")
    return types[name]


__all__ = ["BlockType", "Norm", "Require", "Situation", "Step", "StepOp", "When", "Width",
           "WidthRule", "block_type", "block_types", "holds", "parse_block_type"]
