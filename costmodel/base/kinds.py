"""The vocabulary of a network: operation kinds, the role an operation plays in its block,
activations, and the counting convention, stated once.

Nothing here computes; :mod:`costmodel.core.operations` holds each kind's cost rule.
"""

from __future__ import annotations

from enum import StrEnum


class OpKind(StrEnum):
    """What an operation computes. The value is the spelling used in tables and outputs."""

    CONV = "conv"
    """Convolution with ``groups`` (1: standard; the channel count: depthwise), 'SAME'
    padding, weights ``k·k·(C_in/groups)·C_out``."""
    FC = "fc"
    """Fully connected layer on a 1×1 map (a 1×1 conv with bias); its output size is 1×1."""
    POOL = "pool"
    """Global average pool: H×W×C → 1×1×C."""
    ADD = "add"
    """Residual add of two equal tensors."""
    SCALE = "scale"
    """Channel-wise multiply of an H×W×C tensor by a 1×1×C gate (squeeze-and-excite)."""
    ACTIVATION = "activation"
    """An element-wise activation, when it runs as an operation of its own (not fused)."""
    NORM = "norm"
    """Layer normalisation over the channels (ConvNeXt), computed at inference: not folded."""
    LAYER_SCALE = "layer_scale"
    """A learned per-channel scale γ on a residual branch (ConvNeXt's layer scale)."""
    MAXPOOL = "maxpool"
    """Windowed max pool, kernel k at stride s (ShuffleNet v2's stem)."""
    WINDOW_AVGPOOL = "window_avgpool"
    """Windowed average pool, kernel k at stride s (a table's ``avgpool`` row)."""
    CONCAT = "concat"
    """Channel concatenation of its inputs (ShuffleNet v2's unit, the ghost module)."""
    SPLIT = "split"
    """A group of its input's channels, taken as a view (ShuffleNet v2's channel split)."""
    SHUFFLE = "shuffle"
    """Channel shuffle: a permutation of the channels across ``groups`` (Zhang et al. 2018;
    ShuffleNet v2, Ma et al. 2018, Fig. 3)."""


class LatencyKind(StrEnum):
    """How the latency model prices an operation (:mod:`costmodel.hardware.latency`); a device
    profile gives a rate and an overhead per kind."""

    CONV = "conv"
    """A standard k×k convolution (k > 1, groups = 1)."""
    POINTWISE = "pointwise"
    """A 1×1 convolution on a feature map."""
    DEPTHWISE = "depthwise"
    """A grouped or depthwise convolution."""
    FC = "fc"
    """A matrix-vector product on a 1×1 map: classifiers, squeeze-and-excite's convs."""
    ELEMENTWISE = "elementwise"
    """Memory-bound work with no Mult-Adds: pooling, adds, the SE scale, data movement."""


#: The profiles that come with costmodel (``data/profiles/NAME.json``, read by
#: :mod:`costmodel.hardware.device_profiles`); a saved profile may not take one of these names.
PIXEL1_PROFILE = "pixel1"
"""Fitted on the published Pixel 1 latencies (TF-slim's MobileNet v2 table)."""
I9_SPEC_PROFILE = "i9-10940x-spec"
"""An Intel Core i9-10940X by its spec sheet."""
PIXEL2_PROFILE = "pixel2"
"""The Pixel 2's large core: pixel1's shape scaled to the MobileNet v3 paper's v2 times."""
PIXEL3_PROFILE = "pixel3"
"""The Pixel 3's large core: pixel1's shape scaled to the MobileNet v3 paper's v2 times."""
PIXEL3_4THREADS_PROFILE = "pixel3-4threads"
"""The Pixel 3 with 4 CPU threads: fitted on TF-Lite's hosted MobileNet v1 models."""
PIXEL4_4THREADS_PROFILE = "pixel4-4threads"
"""The Pixel 4 with 4 CPU threads: pixel3-4threads' shape scaled to TF-Lite's v1 time."""
I9_TIMM_PROFILE = "i9-10940x-timm"
"""An Intel Core i9-10940X as timm benchmarks it (PyTorch 2.4, batch 1): fitted on its
MobileNet v1 and v2 rows."""
BUILTIN_PROFILES: tuple[str, ...] = (PIXEL1_PROFILE, I9_SPEC_PROFILE, PIXEL2_PROFILE,
                                     PIXEL3_PROFILE, PIXEL3_4THREADS_PROFILE,
                                     PIXEL4_4THREADS_PROFILE, I9_TIMM_PROFILE)
#: The profile latency figures use unless told otherwise.
DEFAULT_PROFILE = BUILTIN_PROFILES[0]


class LayerKind(StrEnum):
    """The ``kind`` column of the per-layer table, in MobileNet v1's Table 2 vocabulary, for
    convolutions and the average pool; other operations show their :class:`OpKind`."""

    CONV = "conv"
    DEPTHWISE = "depthwise"
    POINTWISE = "pointwise"
    AVGPOOL = "avgpool"


class Role(StrEnum):
    """The part an operation plays; ``Report.by_type`` groups by it."""

    STEM = "stem"
    DEPTHWISE = "depthwise"
    POINTWISE = "pointwise"
    EXPAND = "expand"
    SE = "se"
    PROJECT = "project"
    ADD = "add"
    CONV = "conv"
    HEAD = "head"
    POOL = "pool"
    CLASSIFIER = "classifier"
    SHORTCUT = "shortcut"
    CHEAP = "cheap"
    NORM = "norm"
    DATA = "data"
    """Concat, split and shuffle: data movement, no arithmetic."""


class Activation(StrEnum):
    """Activations. All count zero Mult-Adds; they are named for memory and latency."""

    NONE = "none"
    RELU = "relu"
    RELU6 = "relu6"
    HSWISH = "hswish"
    SWISH = "swish"
    SIGMOID = "sigmoid"
    HSIGMOID = "hsigmoid"
    GELU = "gelu"


#: Paper Table 2's name for each role of MobileNet v1, and readable names for the others.
ROLE_LABEL: dict[Role, str] = {
    Role.STEM: "Conv 3×3 (stem)",
    Role.DEPTHWISE: "Conv DW",
    Role.POINTWISE: "Conv 1×1",
    Role.EXPAND: "Expand 1×1",
    Role.SE: "Squeeze-and-excite",
    Role.PROJECT: "Project 1×1",
    Role.ADD: "Residual add",
    Role.CONV: "Conv",
    Role.HEAD: "Head conv",
    Role.POOL: "Avg Pool",
    Role.CLASSIFIER: "Fully Connected",
    Role.SHORTCUT: "Shortcut conv",
    Role.CHEAP: "Ghost cheap DW",
    Role.NORM: "LayerNorm / layer scale",
    Role.DATA: "Concat / split / shuffle",
}

#: The counting convention, stated once; every output repeats it.
COUNTING_CONVENTION = (
    "Mult-Adds are multiply-accumulates of conv and fully connected layers, the 1×1 convs of "
    "squeeze-and-excite included (M = 10^6); batchnorm is folded; pooling, activations, "
    "residual adds and the squeeze-and-excite scale count zero. Parameters are the weights and "
    "biases the network has (batchnorm folded); params_with_bn adds batchnorm γ and β. "
    "Channels under α follow the network's builder (MobileNet v1: max(int(α·C), 8); the later "
    "families: the nearest multiple of 8, never more than 10 % below α·C), never for the image "
    "channels or the classes; input size under ρ: round(224·ρ); 'SAME' padding, output size "
    "ceil(input / stride)."
)

__all__ = ["BUILTIN_PROFILES", "COUNTING_CONVENTION", "DEFAULT_PROFILE", "I9_SPEC_PROFILE",
           "I9_TIMM_PROFILE", "PIXEL1_PROFILE", "PIXEL2_PROFILE", "PIXEL3_4THREADS_PROFILE",
           "PIXEL3_PROFILE", "PIXEL4_4THREADS_PROFILE", "ROLE_LABEL",
           "Activation", "LatencyKind", "LayerKind", "OpKind", "Role"]
