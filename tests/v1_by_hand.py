"""MobileNet v1 counted by hand from Howard et al. (2017), Table 1, independently of the
package: TF-slim's widths max(int(α·C), 8) and 'SAME' padding (a stride-2 layer's output side
is ceil(input / 2)). Used by tests as an expected value that does not come from the code under
test."""

from __future__ import annotations

import math

# Table 1, body: (kind, stride, output channels at α = 1); "dw" keeps the channel count.
TABLE1 = [("conv", 2, 32), ("dw", 1, None), ("pw", 1, 64), ("dw", 2, None), ("pw", 1, 128),
          ("dw", 1, None), ("pw", 1, 128), ("dw", 2, None), ("pw", 1, 256), ("dw", 1, None),
          ("pw", 1, 256), ("dw", 2, None), ("pw", 1, 512),
          *[("dw", 1, None), ("pw", 1, 512)] * 5,
          ("dw", 2, None), ("pw", 1, 1024), ("dw", 1, None), ("pw", 1, 1024)]


def v1_mult_adds(alpha: float, resolution: int, classes: int = 1000) -> int:
    """Total Mult-Adds: 3×3 conv, depthwise 3×3, pointwise 1×1 layers and the classifier."""
    side, channels, total = resolution, 3, 0
    for kind, stride, out in TABLE1:
        side = math.ceil(side / stride)
        if kind == "dw":
            total += 9 * channels * side * side
            continue
        width = max(int(alpha * out), 8) if out is not None else channels
        kernel = 9 if kind == "conv" else 1
        total += kernel * channels * width * side * side
        channels = width
    return total + channels * classes
