"""The ρ⁴ mistake (kernel scaled with resolution) is disproved symbolically and in numbers."""

from __future__ import annotations

import pytest

from costmodel.base.symbols import rho
from costmodel.teaching.kernel_scaling import kernel_scaling_mistake


def test_mistake_puts_rho4_on_the_depthwise_term() -> None:
    m = kernel_scaling_mistake()
    assert m.depthwise_ratio == rho**4
    assert m.mistaken != m.correct
    assert (m.mistaken - m.correct).has(rho**4)


def test_numbers_at_rho_0714() -> None:
    m = kernel_scaling_mistake(0.714)
    # Table 3's last row: the paper prints 15.1 M; the correct ρ² form reproduces it
    assert round(m.layer_correct / 1e6, 1) == 15.1
    assert round(m.layer_mistaken / 1e6, 1) == 14.9
    # only the depthwise term (3²·384 of the 3²·384 + 384² per pixel) gains the extra ρ²
    depthwise, pointwise = 9 * 384, 384 * 384
    assert m.layer_relative_error == pytest.approx(
        depthwise * (0.714**2 - 1) / (depthwise + pointwise), rel=1e-9)
    # whole network at α = 1
    # closed form: (539,492,352 + 28,224,000)·ρ² + 1,024,000 at ρ = 0.714
    assert m.network_correct == pytest.approx(567_716_352 * 0.714**2 + 1_024_000)
    assert m.network_mistaken == pytest.approx(
        539_492_352 * 0.714**2 + 28_224_000 * 0.714**4 + 1_024_000)
    assert m.network_mistaken < m.network_correct
    assert "15.1" in m.explanation and "ρ²" in m.explanation


def test_error_grows_as_rho_shrinks() -> None:
    errors = [abs(kernel_scaling_mistake(r).network_relative_error) for r in (0.9, 0.714, 0.5)]
    assert errors == sorted(errors)
