"""Every public entry point rejects bad input with a ValueError naming the field and the range;
properties that must hold for any configuration (hypothesis)."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import costmodel
from costmodel.presentation.cli import main

# (None is not here: it means the network's default α and ρ)
BAD_MULTIPLIERS = [0, 0.0, -1, -0.25, math.nan, math.inf, -math.inf, "0.5", True, False]
BAD_RESOLUTIONS = [0, -5, 160.0, 4097, "160", True, math.nan]

ENTRY_POINTS: dict[str, Callable[..., object]] = {
    "report": lambda **kw: costmodel.report(**kw),
    "derive": lambda **kw: costmodel.derive("dw1", **kw),
    "predict_accuracy": lambda **kw: costmodel.predict_accuracy(**{"alpha": 0.5, **kw}),
}


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("bad", BAD_MULTIPLIERS, ids=repr)
def test_alpha_and_rho_rejected_everywhere(entry: str, bad: object) -> None:
    call = ENTRY_POINTS[entry]
    if bad is not None:
        with pytest.raises(ValueError, match=r"alpha must be .*\(0, 4\]"):
            call(alpha=bad)
        with pytest.raises(ValueError, match=r"rho must be a finite number > 0"):
            call(rho=bad)
    else:
        with pytest.raises(ValueError, match="alpha must be"):
            call(alpha=bad)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("bad", BAD_RESOLUTIONS, ids=repr)
def test_resolution_rejected_everywhere(entry: str, bad: object) -> None:
    with pytest.raises(ValueError, match=r"resolution must be an integer in \[1, 4096\]"):
        ENTRY_POINTS[entry](resolution=bad)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_conflicting_rho_and_resolution(entry: str) -> None:
    with pytest.raises(ValueError, match="rho and resolution disagree"):
        ENTRY_POINTS[entry](rho=0.5, resolution=160)


@pytest.mark.parametrize("call", [
    lambda: costmodel.report(variant="deep"),
    lambda: costmodel.derive("dw1", variant="deep"),
    lambda: costmodel.sweep([1.0], [224], variant="deep"),
])
def test_unknown_variant_rejected(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="variant must be one of separable, full, shallow"):
        call()


@pytest.mark.parametrize("bad", [[0], [-1.0], [math.nan], [math.inf], ["0.5"], [True], "x"],
                         ids=repr)
def test_sweep_and_frontier_reject_bad_alphas(bad: object) -> None:
    with pytest.raises(ValueError, match=r"alphas must be"):
        costmodel.sweep(bad, [224])
    with pytest.raises(ValueError, match=r"alphas must be"):
        costmodel.frontier(alphas=bad)


@pytest.mark.parametrize("bad", [[0], [-3], [160.5], ["160"], [True], [5000]], ids=repr)
def test_sweep_and_frontier_reject_bad_resolutions(bad: object) -> None:
    with pytest.raises(ValueError, match=r"resolutions must be integers"):
        costmodel.sweep([1.0], bad)
    with pytest.raises(ValueError, match=r"resolutions must be integers"):
        costmodel.frontier(resolutions=bad)


@pytest.mark.parametrize(("argv", "field"), [
    (["report", "--alpha", "0"], "alpha"),
    (["report", "--alpha", "nan"], "alpha"),
    (["report", "--alpha", "inf"], "alpha"),
    (["report", "--alpha", "abc"], "alpha"),
    (["report", "--rho", "-1"], "rho"),
    (["report", "--resolution", "0"], "resolution"),
    (["report", "--resolution", "1.5"], "resolution"),
    (["report", "--rho", "0.5", "--resolution", "160"], "rho and resolution"),
    (["report", "--variant", "deep"], "variant"),
    (["layers", "--alpha", "-2"], "alpha"),
    (["derive", "dw99"], "layer"),
    (["sweep", "--alphas", "0,1", "--resolutions", "224"], "alphas"),
    (["sweep", "--alphas", "1", "--resolutions", "a"], "resolutions"),
    (["frontier", "--max-mult-adds", "-5"], "max_mult_adds"),
    (["frontier", "--max-params", "x"], "max-params"),
    (["report", "--arch", "/no/such/file.csv"], "network table"),
    (["report", "--format", "pdf"], "format"),
    (["report", "--bogus"], "unrecognized"),
])
def test_cli_bad_input_is_one_line_and_exit_2(
    argv: list[str], field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's own errors (unknown option, bad choice)
        code = exit_.code  # type: ignore[assignment]
    assert code == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert field in lines[0]
    assert "Traceback" not in captured.err


def test_alpha_above_one_is_allowed_and_flagged() -> None:
    r = costmodel.report(1.4)
    assert r.mult_adds > costmodel.report(1.0).mult_adds
    assert any("wider than the paper" in n for n in r.notes)


# --- properties --------------------------------------------------------------------------

alphas = st.floats(min_value=0.01, max_value=2.0, allow_nan=False)
resolutions = st.integers(min_value=1, max_value=1024)
variants = st.sampled_from(["separable", "full", "shallow"])


@settings(max_examples=150, deadline=None)
@given(a=alphas, b=alphas, res=resolutions, variant=variants)
def test_monotone_in_alpha(a: float, b: float, res: int, variant: str) -> None:
    low, high = sorted((a, b))
    r_low = costmodel.report(low, resolution=res, variant=variant)
    r_high = costmodel.report(high, resolution=res, variant=variant)
    assert r_low.mult_adds <= r_high.mult_adds
    assert r_low.params <= r_high.params


@settings(max_examples=150, deadline=None)
@given(a=alphas, r1=resolutions, r2=resolutions, variant=variants)
def test_monotone_in_resolution(a: float, r1: int, r2: int, variant: str) -> None:
    low, high = sorted((r1, r2))
    r_low = costmodel.report(a, resolution=low, variant=variant)
    r_high = costmodel.report(a, resolution=high, variant=variant)
    assert r_low.mult_adds <= r_high.mult_adds
    assert r_low.params == r_high.params


@settings(max_examples=60, deadline=None)
@given(a=alphas, res=resolutions, variant=variants)
def test_layer_sums_equal_totals(a: float, res: int, variant: str) -> None:
    r = costmodel.report(a, resolution=res, variant=variant)
    assert int(r.layers["mult_adds"].sum()) == r.mult_adds
    assert int(r.layers["params"].sum()) == r.params
    assert int(r.layers["standard_mult_adds"].sum()) == r.standard_mult_adds


@settings(max_examples=60, deadline=None)
@given(a=alphas, res=resolutions)
def test_stride1_separable_ratio_is_equation_5(a: float, res: int) -> None:
    layers = costmodel.report(a, resolution=res).layers
    for i in range(1, len(layers)):
        dw, pw = layers.iloc[i - 1], layers.iloc[i]
        if dw["kind"] == "depthwise" and pw["kind"] == "pointwise" and dw["stride"] == 1:
            ratio = (dw["mult_adds"] + pw["mult_adds"]) / pw["standard_mult_adds"]
            assert ratio == pytest.approx(1 / pw["out_c"] + 1 / dw["kernel"] ** 2, rel=1e-12)


@settings(max_examples=100, deadline=None)
@given(a=alphas, res=resolutions)
def test_separable_never_costs_more_than_full(a: float, res: int) -> None:
    separable = costmodel.report(a, resolution=res)
    full = costmodel.report(a, resolution=res, variant="full")
    assert separable.mult_adds <= full.mult_adds
    assert separable.params <= full.params
