"""An independent PyTorch build of MobileNet v1 for counting with fvcore (not the library's code).

Written from the paper's Table 1 directly, not from costmodel's CSV, so that a mistake in the
data file or in the counting rules shows up as a disagreement. Conv layers have no bias and no
batchnorm (batchnorm folded, the project's convention); padding 1 for 3×3 kernels gives the
output size ceil(in / stride) of TensorFlow's 'SAME' padding for stride 1 and 2.
"""

from __future__ import annotations

from torch import nn

# (stride of the depthwise layer, output channels of the pointwise layer), paper Table 1
BLOCKS = [(1, 64), (2, 128), (1, 128), (2, 256), (1, 256), (2, 512),
          (1, 512), (1, 512), (1, 512), (1, 512), (1, 512), (2, 1024), (1, 1024)]


def depth(channels: int, alpha: float) -> int:
    return max(int(channels * alpha), 8)


def build(alpha: float, variant: str = "separable", classes: int = 1000,
          first_stride: int = 2) -> nn.Module:
    """MobileNet v1 at width ``alpha``; variant separable, full or shallow. The CIFAR-10
    version is ``first_stride=1, classes=10``."""
    c_in = depth(32, alpha)
    layers: list[nn.Module] = [
        nn.Conv2d(3, c_in, 3, stride=first_stride, padding=1, bias=False), nn.ReLU()]
    for i, (stride, out) in enumerate(BLOCKS):
        if variant == "shallow" and 6 <= i <= 10:
            continue
        c_out = depth(out, alpha)
        if variant == "full":
            layers += [nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False), nn.ReLU()]
        else:
            layers += [
                nn.Conv2d(c_in, c_in, 3, stride=stride, padding=1, groups=c_in, bias=False),
                nn.ReLU(),
                nn.Conv2d(c_in, c_out, 1, bias=False),
                nn.ReLU(),
            ]
        c_in = c_out
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c_in, classes)]
    return nn.Sequential(*layers).eval()
