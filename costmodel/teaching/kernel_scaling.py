"""A published mistake, disproved: scaling the kernel with the resolution multiplier.

A widely read write-up of the paper applies ρ to ``D_K`` as well as to the feature size, which
puts ρ⁴ on the depthwise term: ``(ρD_K)²·αM·(ρD_F)²``. But ρ shrinks the *input image*; the
filters stay 3×3 (a kernel of 3ρ = 2.14 pixels does not exist), so the depthwise term scales with
ρ², like the pointwise term (paper eq. 7 and its text: "reducing computational cost by ρ²").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import sympy as sp

from costmodel.base.symbols import D_G, D_K, M, N, alpha, rho
from costmodel.core.closed_form import mistaken_network_mult_adds, network_mult_adds
from costmodel.core.formulas import depthwise_mult_adds, scaled_separable_mult_adds, with_width
from costmodel.descriptions.configuration import real_number

#: Paper Table 3's layer: D_K = 3, M = N = 512, D_F = 14, at α = 0.75.
TABLE3_LAYER = {D_K: 3, M: 512, N: 512, D_G: 14}
#: The resolution multiplier of paper Table 3's last row: 160 / 224 (printed 0.714). The exact
#: ratio, as the lesson computes ρ at 160 px, so that the example reads one value everywhere.
PAPER_RHO = 160 / 224


def mistaken_separable_mult_adds() -> sp.Expr:
    """The mistaken eq. 7 with ``D_K → ρD_K`` too: ``ρ⁴`` on the depthwise term."""
    return scaled_separable_mult_adds().subs(D_K, rho * D_K)


@dataclass(frozen=True, kw_only=True)
class KernelScalingMistake:
    """The correct and the mistaken form side by side, symbolically and in numbers.

    ``layer_*`` are Mult-Adds of paper Table 3's layer (D_K=3, M=N=512, D_F=14, α=0.75) at
    ``rho``; ``network_*`` are the MobileNet v1 closed form at α = 1 and ``rho``. Relative
    errors are (mistaken − correct) / correct.
    """

    rho: float
    correct: sp.Expr
    mistaken: sp.Expr
    depthwise_ratio: sp.Expr
    layer_correct: float
    layer_mistaken: float
    network_correct: float
    network_mistaken: float

    @property
    def correct_latex(self) -> str:
        """The correct eq. 7 as LaTeX."""
        return _printed(self.correct)[0]

    @property
    def mistaken_latex(self) -> str:
        """The mistaken form as LaTeX."""
        return _printed(self.mistaken)[0]

    @property
    def correct_text(self) -> str:
        """The correct eq. 7 as plain text."""
        return _printed(self.correct)[1]

    @property
    def mistaken_text(self) -> str:
        """The mistaken form as plain text."""
        return _printed(self.mistaken)[1]

    @property
    def layer_relative_error(self) -> float:
        return (self.layer_mistaken - self.layer_correct) / self.layer_correct

    @property
    def network_relative_error(self) -> float:
        return (self.network_mistaken - self.network_correct) / self.network_correct

    @property
    def explanation(self) -> str:
        """A few sentences for a reader, with the numbers."""
        if self.rho == 1.0:
            at = _mistake(PAPER_RHO)
            return (
                "ρ scales the input image, so every feature map side is multiplied by ρ; the "
                f"kernel stays {TABLE3_LAYER[D_K]}×{TABLE3_LAYER[D_K]}. The depthwise term "
                "therefore scales with α·ρ², not α·ρ⁴. At ρ = 1 the two forms agree; pick a "
                f"resolution below the reference to see them part: at ρ = {PAPER_RHO:.3f} (160 "
                f"px for a 224-px network) Table 3's layer costs {at.layer_correct / 1e6:.2f} M "
                f"Mult-Adds with ρ² (the paper prints 15.1 M) and {at.layer_mistaken / 1e6:.2f} "
                f"M with ρ⁴."
            )
        paper = " (paper: 15.1 M)" if abs(self.rho - PAPER_RHO) < 5e-4 else ""
        return (
            f"ρ scales the input image, so every feature map side is multiplied by ρ; the "
            f"kernel stays {TABLE3_LAYER[D_K]}×{TABLE3_LAYER[D_K]} (ρ·D_K = "
            f"{self.rho * 3:.2f} pixels would not be a kernel). The depthwise term therefore "
            f"scales with α·ρ², not α·ρ⁴. At ρ = {self.rho:.3f}, Table 3's layer costs "
            f"{self.layer_correct / 1e6:.2f} M Mult-Adds{paper}; the ρ⁴ form gives "
            f"{self.layer_mistaken / 1e6:.2f} M ({self.layer_relative_error:+.1%}). For the "
            f"whole 1.0 MobileNet the ρ⁴ form gives {self.network_mistaken / 1e6:.1f} M instead "
            f"of {self.network_correct / 1e6:.1f} M ({self.network_relative_error:+.1%}); "
            f"the layers with a 3×3 kernel hold only about 5% of the Mult-Adds, which keeps it "
            f"this size, and it grows as ρ moves away from 1, either way."
        )


@cache
def _printed(expression: sp.Expr) -> tuple[str, str]:
    """``expression`` as (LaTeX, plain text): the same two forms at every ρ, printed once
    (sympy's printers took the lesson ~5 ms at each new configuration)."""
    return sp.latex(expression), str(expression)


def kernel_scaling_mistake(rho_value: float = PAPER_RHO) -> KernelScalingMistake:
    """Compare the correct ρ² scaling with the mistaken ρ⁴ one at ``rho_value`` (a finite
    number in (0, 4]); ``ValueError`` otherwise."""
    accepted = "a finite number in (0, 4]"
    value = real_number("rho", rho_value, accepted)
    if not 0.0 < value <= 4.0:
        raise ValueError(f"rho must be {accepted}; got {rho_value!r}")
    return _mistake(value)


@lru_cache(maxsize=256)
def _mistake(rho_value: float) -> KernelScalingMistake:
    correct = scaled_separable_mult_adds()
    mistaken = mistaken_separable_mult_adds()
    depthwise = with_width(depthwise_mult_adds())
    ratio = sp.simplify(depthwise.subs({D_K: rho * D_K, D_G: rho * D_G}) / depthwise)
    layer = {**TABLE3_LAYER, alpha: sp.Rational(3, 4), rho: sp.Float(rho_value)}
    network = network_mult_adds()
    network_wrong = mistaken_network_mult_adds()
    point = {alpha: 1, rho: sp.Float(rho_value)}
    return KernelScalingMistake(
        rho=rho_value,
        correct=correct,
        mistaken=mistaken,
        depthwise_ratio=ratio,
        layer_correct=float(correct.subs(layer)),
        layer_mistaken=float(mistaken.subs(layer)),
        network_correct=float(network.subs(point)),
        network_mistaken=float(network_wrong.subs(point)),
    )


__all__ = ["KernelScalingMistake", "kernel_scaling_mistake", "mistaken_separable_mult_adds"]
