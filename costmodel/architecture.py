"""Layer tables: the MobileNet v1 body of paper Table 1 and its paper variants.

A table is read from CSV with the standard library (no pandas on this path) into frozen
:class:`LayerSpec` rows. Sizes and channels are those of the unscaled network (α = 1) at its
reference input size; :mod:`costmodel.counting` applies α and ρ.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from costmodel.kinds import Kind

if TYPE_CHECKING:
    import pandas as pd

#: The variants of the paper: separable (Table 1), full convolutions (Table 4's "Conv
#: MobileNet") and shallow (Table 5, the five repeated 14×14×512 pairs removed).
VARIANTS: tuple[str, ...] = ("separable", "full", "shallow")

@dataclass(frozen=True, kw_only=True, slots=True)
class LayerSpec:
    """One row of a layer table, at width multiplier 1.

    ``kernel`` and ``stride`` are in pixels, channels are counts. ``repeated`` marks the rows of
    Table 1's "5×" block, which the shallow variant removes.
    """

    name: str
    kind: Kind
    kernel: int
    stride: int
    in_channels: int
    out_channels: int
    repeated: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        for name in ("kernel", "stride", "in_channels", "out_channels"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(
                    f"layer {self.name!r}: {name} must be a positive integer, got {value!r}"
                )
        if self.kind is Kind.DEPTHWISE and self.in_channels != self.out_channels:
            raise ValueError(
                f"layer {self.name!r}: a depthwise layer keeps its channels, but in_channels="
                f"{self.in_channels} and out_channels={self.out_channels}"
            )


@dataclass(frozen=True, kw_only=True)
class Architecture:
    """A network as an ordered tuple of layers, with its reference input size (pixels)."""

    name: str
    layers: tuple[LayerSpec, ...]
    image_size: int = 224
    image_channels: int = 3
    source: str = ""
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __hash__(self) -> int:
        # Hashing 29 layer rows on every cached look-up is the slow part of a count; do it once.
        return self._hash

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "_hash", hash((self.name, self.layers, self.image_size, self.image_channels))
        )
        if not self.layers:
            raise ValueError(f"architecture {self.name!r}: the layer table is empty")
        if self.layers[0].in_channels != self.image_channels:
            raise ValueError(
                f"architecture {self.name!r}: the first layer takes {self.layers[0].in_channels}"
                f" channels but the image has {self.image_channels}"
            )
        for before, after in zip(self.layers, self.layers[1:], strict=False):
            if after.in_channels != before.out_channels:
                raise ValueError(
                    f"layer {after.name!r}: in_channels={after.in_channels} does not match "
                    f"out_channels={before.out_channels} of the layer before ({before.name!r})"
                )

    def layer(self, name: str) -> LayerSpec:
        """The layer called ``name``; ``ValueError`` listing the names if there is none."""
        for spec in self.layers:
            if spec.name == name:
                return spec
        names = ", ".join(spec.name for spec in self.layers)
        raise ValueError(f"layer must be one of: {names}; got {name!r}")

    def to_frame(self) -> pd.DataFrame:
        """The table as a DataFrame, one row per layer."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "name": s.name,
                    "kind": str(s.kind),
                    "kernel": s.kernel,
                    "stride": s.stride,
                    "in_channels": s.in_channels,
                    "out_channels": s.out_channels,
                    "repeated": s.repeated,
                    "note": s.note,
                }
                for s in self.layers
            ]
        )


def data_dir() -> Path:
    """The folder of the shipped CSV files: ``costmodel/data`` in an installed wheel, the
    repository's ``data/`` in a source checkout or an editable install."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "data", package.parent / "data"):
        if (candidate / "mobilenet_v1.csv").is_file():
            return candidate
    raise FileNotFoundError(f"costmodel's data files are missing (looked beside {package})")


def read_data_text(filename: str) -> str:
    """The text of a shipped data file (read only; data files are never written)."""
    return (data_dir() / filename).read_text(encoding="utf-8")


def to_full(arch: Architecture) -> Architecture:
    """Replace every depthwise+pointwise pair with one standard conv of the depthwise layer's
    kernel and stride, from its input channels to the pointwise layer's output channels
    (the paper's "Conv MobileNet", Table 4)."""
    layers: list[LayerSpec] = []
    specs = arch.layers
    i = 0
    while i < len(specs):
        spec = specs[i]
        nxt = specs[i + 1] if i + 1 < len(specs) else None
        if spec.kind is Kind.DEPTHWISE and nxt is not None and nxt.kind is Kind.POINTWISE:
            layers.append(
                replace(
                    spec,
                    name=f"conv_{spec.name}_{nxt.name}",
                    kind=Kind.CONV,
                    out_channels=nxt.out_channels,
                    note=f"standard conv replacing {spec.name} + {nxt.name}",
                )
            )
            i += 2
        else:
            layers.append(spec)
            i += 1
    return replace(arch, name=f"{arch.name} (full convolutions)", layers=tuple(layers))


def to_shallow(arch: Architecture) -> Architecture:
    """Remove the rows marked ``repeated`` (Table 1's five 14×14×512 pairs; Table 5)."""
    layers = tuple(spec for spec in arch.layers if not spec.repeated)
    return replace(arch, name=f"{arch.name} (shallow)", layers=layers)


def with_classes(arch: Architecture, classes: int) -> Architecture:
    """The same network with a classifier of ``classes`` outputs (e.g. 120 for Table 10)."""
    last = arch.layers[-1]
    if last.kind is not Kind.FC:
        raise ValueError(f"architecture {arch.name!r} does not end in a classifier (fc) layer")
    if last.out_channels == classes:
        return arch
    head = replace(last, out_channels=classes, note=f"classifier, {classes} classes")
    return replace(arch, name=f"{arch.name}, {classes} classes", layers=(*arch.layers[:-1], head))


@cache
def mobilenet_v1(variant: str = "separable") -> Architecture:
    """MobileNet v1 from ``data/mobilenet_v1.csv`` (paper Table 1), in one of :data:`VARIANTS`."""
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}; got {variant!r}")
    if variant == "full":
        return to_full(mobilenet_v1("separable"))
    if variant == "shallow":
        return to_shallow(mobilenet_v1("separable"))
    from costmodel.layer_tables import parse_architecture

    return parse_architecture(
        read_data_text("mobilenet_v1.csv"),
        name="MobileNet v1",
        source="Howard et al. 2017, Table 1 (dw13 stride corrected to 1)",
    )


@cache
def cifar_mobilenet_v1() -> Architecture:
    """MobileNet v1 for 32×32 CIFAR-10 images (data/mobilenet_v1_cifar.csv): the ImageNet body
    with a stride-1 first conv and a 10-class classifier, as in the widely used
    kuangliu/pytorch-cifar model. A second real network to show the engine is general."""
    from costmodel.layer_tables import parse_architecture

    return parse_architecture(
        read_data_text("mobilenet_v1_cifar.csv"),
        name="MobileNet v1 (CIFAR-10, 32×32)",
        source="kuangliu/pytorch-cifar models/mobilenet.py",
    )


__all__ = [
    "VARIANTS",
    "Architecture",
    "LayerSpec",
    "cifar_mobilenet_v1",
    "mobilenet_v1",
    "read_data_text",
    "to_full",
    "to_shallow",
    "with_classes",
]
