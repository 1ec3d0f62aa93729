"""Layer kinds of a plain CNN table, and the conventions that say what each one counts."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """The kind of a layer row; the value is the spelling used in the CSV tables."""

    CONV = "conv"
    DEPTHWISE = "depthwise"
    POINTWISE = "pointwise"
    AVGPOOL = "avgpool"
    FC = "fc"


#: Paper Table 2's name for each kind.
PAPER_LABEL: dict[Kind, str] = {
    Kind.CONV: "Conv 3×3",
    Kind.DEPTHWISE: "Conv DW 3×3",
    Kind.POINTWISE: "Conv 1×1",
    Kind.AVGPOOL: "Avg Pool",
    Kind.FC: "Fully Connected",
}

#: The counting convention, stated once; every output repeats it.
COUNTING_CONVENTION = (
    "Mult-Adds are multiply-accumulates of conv and fully connected layers (M = 10^6); "
    "pooling, batchnorm, ReLU and softmax count zero. Parameters are conv weights "
    "(no bias; batchnorm folded) plus the FC weights and bias. Channels under α: "
    "max(int(α·C), 8), never for the RGB input or the classes; input size under ρ: "
    "round(224·ρ); 'SAME' padding, output size ceil(input / stride)."
)

__all__ = ["COUNTING_CONVENTION", "PAPER_LABEL", "Kind"]
