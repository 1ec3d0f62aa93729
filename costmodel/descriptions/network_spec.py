"""A network as data: the rows of its paper's table, and the rules its builders follow.

A :class:`Network` is read from one CSV file (:mod:`costmodel.descriptions.network_tables`) and
holds:

* its rows, block by block as in the paper's table (:class:`BlockRow`: operator, expansion
  ``t`` or width ``exp``, output channels ``c``, repeats ``n``, stride ``s``, kernel ``k``,
  squeeze-and-excite ratio, activation), all at width multiplier 1;
* its rule sets (:class:`RuleSet`), one per builder whose numbers it reproduces (``tf-slim``:
  Google's published builders; ``torchvision``), saying how α turns into channel counts;
* presets of width, depth and resolution (EfficientNet B0-B3).

Nothing here computes a cost; :mod:`costmodel.core.graph` builds the operations.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from fractions import Fraction

from costmodel.base.kinds import Activation
from costmodel.descriptions.widths import Rounding


class Operator(StrEnum):
    """A row's operator (the ``operator`` column)."""

    CONV = "conv"
    """Standard k×k conv, batchnorm, activation (stems, heads, the 'full' variant)."""
    DEPTHWISE = "depthwise"
    """A k×k depthwise conv on its own, batchnorm, activation."""
    POINTWISE = "pointwise"
    """A 1×1 conv on its own, batchnorm, activation."""
    SEPARABLE = "separable"
    """MobileNet v1's pair: depthwise k×k at stride s, then pointwise 1×1 to ``c``."""
    INVERTED_RESIDUAL = "inverted_residual"
    """Expand 1×1 (skipped when the inner width equals the input width, or under
    ``expand_if=larger`` when it is not larger: the depthwise conv then runs on the input),
    depthwise k×k at stride s, optional squeeze-and-excite, linear 1×1 projection, residual
    add at stride 1 with equal channels (Sandler et al. 2018, section 3.3)."""
    FUSED = "fused"
    """Fused inverted residual (timm ``er``, EdgeResidual; EfficientNetV2, MobileNetV4's
    FusedIB): a k×k conv at stride s from C_in to the inner width, optional
    squeeze-and-excite, linear 1×1 projection, residual add at stride 1 with equal channels."""
    UNIVERSAL = "universal"
    """MobileNetV4's universal inverted bottleneck (timm ``uir``): an optional depthwise conv
    on the input (``start_k``), 1×1 expansion, an optional depthwise conv on the inner width
    (``k``; 0: none), optional squeeze-and-excite, linear 1×1 projection, an optional
    depthwise conv on the output (``end_k``), residual add (Qin et al. 2024, Fig. 4)."""
    SHUFFLE_UNIT = "shuffle_unit"
    """ShuffleNet v2's unit (Ma et al. 2018, Fig. 3c-d): channel split (stride 1) or two
    branches (stride 2), 1×1, k×k depthwise and 1×1 convs on ``c / 2`` channels, concat,
    channel shuffle."""
    GHOST_BOTTLENECK = "ghost_bottleneck"
    """GhostNet's bottleneck (Han et al. 2020, Fig. 3): ghost module to the inner width
    (``exp``), k×k depthwise at stride 2, optional squeeze-and-excite, ghost module to ``c``,
    residual add (a depthwise + 1×1 shortcut where the stride or widths differ)."""
    CONVNEXT_BLOCK = "convnext_block"
    """ConvNeXt's block (Liu et al. 2022, Fig. 4): k×k depthwise conv, LayerNorm, 1×1 to
    ``t·C`` (4 by default), 1×1 back, layer scale, residual add; convs with bias."""
    REPVIT_BLOCK = "repvit_block"
    """RepViT's block in its inference form (Wang et al. 2024, arXiv 2307.09283; timm
    ``RepViTBlock`` and ``RepVitDownsample`` after ``fuse``), every conv with a bias and no
    batchnorm: a k×k depthwise conv at stride s (the 1×1 and identity branches folded in), a
    1×1 conv to ``c`` where the width changes (the downsampling layer), optional
    squeeze-and-excite, then the channel mixer (1×1 to ``t·c``, 2 by default, with the
    activation, 1×1 back) inside a residual add."""
    NORM = "norm"
    """A LayerNorm over the channels (ConvNeXt's stem, downsampling and head)."""
    SE = "se"
    """Squeeze-and-excite on the map as a row of its own, after the conv above it (timm's
    ``MobileOneBlock``: conv, SE, activation): pool, reducing 1×1 with bias, expanding 1×1
    with bias, channel-wise scale."""
    MAXPOOL = "maxpool"
    WINDOW_AVGPOOL = "window_avgpool"
    """Windowed max pool, kernel k, stride s (ShuffleNet v2's stem)."""
    POOL = "pool"
    """Global average pool."""
    FC = "fc"
    """Fully connected (1×1 conv with bias, no batchnorm) on the pooled vector."""
    CLASSIFIER = "classifier"
    """The final fully connected layer; ``c`` is ``classes``."""


#: The operators that are blocks (numbered b1, b2, ...; scaled by depth).
BLOCK_OPERATORS = frozenset({Operator.SEPARABLE, Operator.INVERTED_RESIDUAL, Operator.FUSED,
                             Operator.UNIVERSAL, Operator.SHUFFLE_UNIT,
                             Operator.GHOST_BOTTLENECK, Operator.CONVNEXT_BLOCK,
                             Operator.REPVIT_BLOCK})

#: Other spellings accepted in the ``operator`` column.
OPERATOR_ALIASES: dict[str, Operator] = {
    "ir": Operator.INVERTED_RESIDUAL,
    "mbconv": Operator.INVERTED_RESIDUAL,
    "bneck": Operator.INVERTED_RESIDUAL,
    "dw": Operator.DEPTHWISE,
    "pw": Operator.POINTWISE,
    "avgpool": Operator.POOL,
}


class WidthMode(StrEnum):
    """How a row's ``c`` responds to α (the ``width`` column)."""

    SCALED = "scaled"
    FIXED = "fixed"
    FINEGRAIN = "finegrain"
    """Scaled only for α > 1 (MobileNet v2's last conv: "for multipliers less than one, we apply
    width multiplier to all layers except the very last convolutional layer")."""


class Expansion(StrEnum):
    """How an inverted residual's inner (expanded) width is found (rule key ``expansion``)."""

    FROM_INPUT = "from_input"
    """``make_divisible(C_in·t, 8)`` from the actual (rounded) input width, with
    ``t = exp / C_in`` where the table gives ``exp`` (TF-slim ``expand_input_by_factor``)."""
    SCALED = "scaled"
    """``make_divisible(α·exp, 8)`` from the table's expanded width (torchvision v3)."""
    PRODUCT = "product"
    """``C_in·t`` exactly (the TPU builders; torchvision EfficientNet)."""
    ROUNDED = "rounded"
    """``round(C_in·t)``, Python's rounding (torchvision v2: ``int(round(inp * t))``)."""


class ExpandIf(StrEnum):
    """When an inverted residual has its expansion conv (rule key ``expand_if``)."""

    DIFFERENT = "different"
    """Where the inner width differs from the input width (torchvision v3 and EfficientNet:
    ``expanded_channels != input_channels``)."""
    ALWAYS = "always"
    """At every block, even where the factor is 1 (timm's ``InvertedResidual`` always builds
    its ``conv_pw``)."""
    RATIO = "ratio"
    """Where the expansion factor is not 1, whatever the widths (torchvision v2 and the TPU
    builders: ``expand_ratio != 1``)."""
    LARGER = "larger"
    """Where the inner width is larger than the input width (TF-slim ``expanded_conv``:
    ``inner_size > net.shape[3]``); elsewhere the depthwise conv and the projection run on
    the block's input channels."""


class SqueezeRule(StrEnum):
    """The squeeze-and-excite inner width (rule key ``se_squeeze``)."""

    EXPANDED = "expanded"
    """``make_divisible(E·ratio, 8)`` from the expanded width E (MobileNet v3)."""
    EXPANDED_4 = "expanded_4"
    """``make_divisible(E·ratio, 4)`` from the expanded width E (timm's GhostNet)."""
    INPUT = "input"
    """``max(1, int(C_in·ratio))`` from the block's input width (MnasNet, EfficientNet)."""
    ROUND_INPUT = "round_input"
    """``round(E·ratio/t)`` from the inner width E and the expansion factor t: timm's
    ``SqueezeExcite`` with ``se_from_exp=False`` and Python's ``round``."""
    EXPANDED_NO_LIMIT = "expanded_no_limit"
    """``make_divisible(E·ratio, 8, round_limit=0)`` from the width E it gates, with a sigmoid
    gate: timm's ``SEModule`` (MobileOne, RepViT)."""
    ROUND_EXPANDED = "round_expanded"
    """``round(E·ratio)`` from the inner width E: timm's ``SqueezeExcite`` with
    ``se_from_exp=True`` and Python's ``round`` (LCNet, ``mobilenetv3_rw``)."""


class HeadRule(StrEnum):
    """The width of a conv after the last block (rule key ``head``)."""

    TABLE = "table"
    """The row's own ``c`` and ``width``."""
    MULTIPLE_OF_LAST = "multiple_of_last"
    """``c / c_last`` times the last block's actual output width (torchvision v3: 6×,
    EfficientNet: 4×)."""


class Residual(StrEnum):
    """Whether an inverted residual adds its input (the ``residual`` column)."""

    AUTO = "auto"
    """At stride 1 with equal input and output channels."""
    YES = "yes"
    """Always (an error where stride or channels do not allow it)."""
    NO = "no"
    """Never (MnasNet's 'noskip')."""
    SKIP = "skip"
    """At stride 1 with equal input and output channels, for a separable pair too (timm's
    ``DepthwiseSeparableConv``; ``auto`` gives a separable pair none, as in MobileNet v1)."""


@dataclass(frozen=True, kw_only=True)
class RuleSet:
    """One builder's rules for turning α into channel counts."""

    name: str
    rounding: Rounding = Rounding.MAKE_DIVISIBLE
    expansion: Expansion = Expansion.FROM_INPUT
    se_squeeze: SqueezeRule = SqueezeRule.EXPANDED
    head: HeadRule = HeadRule.TABLE
    expand_if: ExpandIf = ExpandIf.DIFFERENT
    classes: int = 1000
    #: the inner (expanded) width's rounding where it differs from ``rounding`` (timm's
    #: EfficientNetV2 rounds block widths without the 10 % guard, inner widths with it)
    inner_rounding: Rounding | None = None
    #: row name → width mode, where this builder differs from the table's ``width`` column
    widths: tuple[tuple[str, WidthMode], ...] = ()
    source: str = ""
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        # hashed once: a rule set keys report()'s graph cache at every call
        object.__setattr__(self, "_hash", hash(tuple(
            getattr(self, f.name) for f in fields(self) if f.compare)))

    def __hash__(self) -> int:
        return self._hash

    def width_of(self, row: BlockRow) -> WidthMode:
        """The width mode of ``row`` under these rules."""
        for name, mode in self.widths:
            if name == row.name:
                return mode
        return row.width


@dataclass(frozen=True, kw_only=True)
class Preset:
    """A named configuration of a network: width, depth and resolution (EfficientNet)."""

    key: str
    title: str
    width: float
    depth: float
    resolution: int
    source: str = ""


@dataclass(frozen=True, kw_only=True)
class BlockRow:
    """One row of a network table, at width multiplier 1. ``c`` is ``None`` where the row
    keeps its input width (pool, depthwise) and ``-1`` for the classes."""

    line: int
    operator: Operator
    name: str = ""
    t: Fraction | None = None
    exp: int | None = None
    c: int | None = None
    n: int = 1
    s: int = 1
    k: int = 1
    se: Fraction | None = None
    nl: Activation = Activation.RELU
    width: WidthMode = WidthMode.SCALED
    residual: Residual = Residual.AUTO
    repeated: bool = False
    #: explicit operation names (the legacy layer tables' dw/pw names)
    op_names: tuple[str, ...] = ()
    #: MixConv: the depthwise kernels of the channel groups (timm ``k3.5.7``); () = (k,)
    kernels: tuple[int, ...] = ()
    #: groups of the 1×1 expansion and projection convs (timm ``a1.1``, ``p1.1``: 2 groups)
    exp_groups: int = 1
    pw_groups: int = 1
    #: universal inverted bottleneck: the start and end depthwise kernels (0: none)
    start_k: int = 0
    end_k: int = 0
    #: fused block: the inner width is ``t·force_in`` instead of ``t·C_in`` (timm ``fc``)
    force_in: int = 0
    #: a conv row's bias and batchnorm (timm's head conv: bias and no norm, or norm); on a
    #: separable row, both convs (a re-parameterised pair: bias, no batchnorm)
    bias: bool = False
    batchnorm: bool = True
    #: a conv row's window without padding ('VALID': output floor(size / s); ConvNeXt)
    valid: bool = False
    note: str = ""


CLASSES = -1  # the value of ``BlockRow.c`` that means "the number of classes"


class GraphOpKind(StrEnum):
    """An operation of a graph table (the ``op`` column; docs/tables.md "The graph schema")."""

    CONV = "conv"
    """A k×k conv at stride s to ``c`` channels, in ``groups`` groups (1: standard)."""
    DEPTHWISE = "depthwise"
    """A k×k depthwise conv (groups = channels), keeping its input's channels."""
    POINTWISE = "pointwise"
    """A 1×1 conv to ``c`` channels (``groups`` allowed)."""
    FC = "fc"
    """Fully connected (with bias) on a pooled 1×1 vector."""
    POOL = "pool"
    """Global average pool to a 1×1 vector."""
    MAXPOOL = "maxpool"
    """Windowed max pool, kernel k at stride s."""
    ADD = "add"
    """Element-wise sum of two maps of one shape (a residual add)."""
    SCALE = "scale"
    """A map (first input) multiplied channel-wise by a 1×1 gate of its channels (second
    input): squeeze-and-excite's scale."""
    CONCAT = "concat"
    """Channel concatenation of maps of one size."""
    SPLIT = "split"
    """Part ``i`` of ``n`` equal channel groups of its input (``part`` = ``i/n``), a view."""
    SHUFFLE = "shuffle"
    """Channel shuffle across ``groups`` groups."""
    NORM = "norm"
    """LayerNorm over the channels."""
    SE = "se"
    """Squeeze-and-excite with ratio ``se`` (pool, reducing 1×1, expanding 1×1, scale), under
    the table's ``se_squeeze`` rule."""
    ACTIVATION = "activation"
    """An activation ``nl`` as an operation of its own."""


#: Other spellings accepted in a graph table's ``op`` column.
GRAPH_OP_ALIASES: dict[str, GraphOpKind] = {
    "dw": GraphOpKind.DEPTHWISE, "pw": GraphOpKind.POINTWISE, "avgpool": GraphOpKind.POOL,
    "gate": GraphOpKind.SCALE, "cat": GraphOpKind.CONCAT,
}


@dataclass(frozen=True, kw_only=True)
class Width:
    """A graph operation's output channels: a written width at α = 1 (``written``; the
    classes where it is :data:`CLASSES`), or the width of operation ``source`` (-1: the
    image), times ``multiply``, times ``t``, divided by ``divide``. ``text`` is as written."""

    written: int = 0
    source: int | None = None
    fixed: bool = False
    multiply: int = 1
    t: Fraction | None = None
    divide: int = 1
    text: str = ""


@dataclass(frozen=True, kw_only=True)
class GraphOp:
    """One operation of a graph table, with its own-block templates already expanded.

    ``inputs`` are indices into ``Network.ops`` (-1: the image); ``in_level`` and
    ``out_level`` the map sizes (0: the image, ``i``: after the ``i``-th stride of the
    network's one chain of strides, -1: a pooled 1×1 vector); ``channels`` the output width
    at α = 1 as written; ``block`` numbers the own-block instance it belongs to (0: none).
    """

    line: int
    name: str
    op: GraphOpKind
    inputs: tuple[int, ...]
    width: Width | None = None
    kernel: int = 1
    stride: int = 1
    valid: bool = False
    groups: int = 1
    part: tuple[int, int] = (1, 1)
    se: Fraction | None = None
    bias: bool = False
    nl: Activation = Activation.NONE
    depthwise: bool = False
    block: int = 0
    in_level: int = 0
    out_level: int = 0
    channels: int = 0


@dataclass(frozen=True, kw_only=True)
class Network:
    """A network table with its rule sets and presets. ``key`` names it in the registry."""

    key: str
    title: str
    rows: tuple[BlockRow, ...]
    rules: tuple[RuleSet, ...]
    image_size: int = 224
    image_channels: int = 3
    source: str = ""
    presets: tuple[Preset, ...] = ()
    depth_scaling: bool = False
    #: the "full" and "shallow" variants of MobileNet v1 apply (separable rows present)
    variants: tuple[str, ...] = ("separable",)
    #: default width multiplier α and depth multiplier (a preset's, else 1)
    width: float = 1.0
    depth: float = 1.0
    #: the builder fixes the widths by name (timm's ``mixnet_l`` is channel multiplier 1.3):
    #: only ``width`` is accepted as α
    fixed_width: bool = False
    #: the family the network belongs to (for charts and the selector); "" for a user table
    family: str = ""
    #: a user's table: counted as written at α = 1 (no rounding; see
    #: :data:`costmodel.descriptions.widths.AS_WRITTEN`); the built-in networks follow their
    #: builders
    as_written: bool = False
    #: a graph table's operations (docs/tables.md "The graph schema"); () for a block table
    ops: tuple[GraphOp, ...] = ()
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.key, self.rows, self.rules,
                                                self.image_size, self.image_channels,
                                                self.as_written, self.ops)))

    def __hash__(self) -> int:
        return self._hash

    @property
    def rule_names(self) -> tuple[str, ...]:
        """The rule sets' names, the default first."""
        return tuple(r.name for r in self.rules)

    def rule_set(self, name: str | None) -> RuleSet:
        """The rule set called ``name`` (``None``: the default)."""
        if name is None:
            return self.rules[0]
        for rules in self.rules:
            if rules.name == name:
                return rules
        raise ValueError(
            f"rules must be one of {', '.join(self.rule_names)} for {self.title}; got {name!r}")


__all__ = [
    "BLOCK_OPERATORS",
    "CLASSES",
    "GRAPH_OP_ALIASES",
    "OPERATOR_ALIASES",
    "BlockRow",
    "ExpandIf",
    "Expansion",
    "GraphOp",
    "GraphOpKind",
    "HeadRule",
    "Network",
    "Operator",
    "Preset",
    "Residual",
    "RuleSet",
    "SqueezeRule",
    "Width",
    "WidthMode",
]
