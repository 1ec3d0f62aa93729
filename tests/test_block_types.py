"""Block types are data (data/blocks/*.csv): every block operator has one file, the files'
grammar refuses what it cannot read, and each file's formula (read from the file's steps)
equals the paper's form written out by hand in costmodel.core.formulas."""

from __future__ import annotations

import pytest
import sympy as sp

import costmodel
from costmodel.base.symbols import D_F, D_G, D_K, D_d, M, N, r_se, s, t
from costmodel.core import formulas as f
from costmodel.core.block_formulas import Choices, template_cost
from costmodel.descriptions.block_types import block_types, parse_block_type
from costmodel.descriptions.network_spec import BLOCK_OPERATORS

HEADER = "step,op,reads,c,k,s,groups,nl,norm,role,when"


def _same(a: sp.Expr, b: sp.Expr) -> bool:
    return sp.simplify(sp.expand(a - b)) == 0


def test_every_block_operator_is_one_data_file() -> None:
    types = block_types()
    subblocks = {st.subblock for bt in types.values() for st in bt.steps if st.subblock}
    assert set(types) - subblocks == {op.value for op in BLOCK_OPERATORS}
    assert subblocks == {"ghost_module"}


def test_the_graph_builder_expands_blocks_through_the_data_only() -> None:
    from pathlib import Path

    import costmodel.core.graph as graph

    text = Path(graph.__file__).read_text(encoding="utf-8")
    for name in ("_inverted_residual", "_ghost_bottleneck", "_shuffle_unit", "_BLOCK_BUILDERS"):
        assert name not in text
    for op in BLOCK_OPERATORS:
        if op.value != "separable":
            assert f"Operator.{op.name}" not in text, op


# --- each template against the hand-arranged formula (its paper's equation) ------------------

@pytest.mark.parametrize("stride_one", [True, False], ids=["stride1", "stride2"])
def test_inverted_residual_template_is_sandler_2018_section_3_3(stride_one: bool) -> None:
    ma, p = template_cost("inverted_residual", Choices(stride_one=stride_one))
    assert _same(ma, f.inverted_residual_mult_adds(stride_one))
    assert _same(p, f.inverted_residual_params())
    if stride_one:  # h·w·d′·t·(d′ + k² + d″), literally
        assert _same(ma, D_F**2 * M * t * (M + D_K**2 + N))


def test_inverted_residual_with_se_adds_two_1x1_convs_on_the_pooled_vector() -> None:
    ma, p = template_cost("inverted_residual", Choices(se=True))
    assert _same(ma, D_F**2 * M * t * (M + D_K**2 + N) + 2 * r_se * (t * M) ** 2)
    assert _same(p, f.inverted_residual_params() + f.squeeze_excite_params())


@pytest.mark.parametrize("stride_one", [True, False], ids=["stride1", "stride2"])
def test_fused_template_is_tan_le_2021_fig2(stride_one: bool) -> None:
    ma, p = template_cost("fused", Choices(stride_one=stride_one))
    area = D_F**2 if stride_one else D_G**2
    assert _same(ma, area * t * M * (D_K**2 * M + N))
    assert _same(p, f.fused_inverted_residual_params())


@pytest.mark.parametrize(("start", "middle", "stride_one"), [
    (True, True, True), (True, False, True), (False, True, True), (False, False, True),
    (True, True, False), (True, False, False), (False, True, False)],
    ids=["extradw", "convnext-like", "ib", "ffn", "extradw-s2", "convnext-like-s2", "ib-s2"])
def test_universal_template_is_qin_2024_fig4(start: bool, middle: bool, stride_one: bool) -> None:
    ma, p = template_cost("universal", Choices(start=start, middle=middle,
                                               stride_one=stride_one))
    assert _same(ma, f.universal_inverted_bottleneck_mult_adds(start, middle, stride_one))
    assert _same(p, f.universal_inverted_bottleneck_params(start, middle))


@pytest.mark.parametrize(("stride_one", "widens"), [(True, False), (True, True), (False, None)],
                         ids=["stride1", "stride1-widens", "stride2"])
def test_ghost_template_is_han_2020_fig3_with_ratio_2_and_3x3_cheap(
        stride_one: bool, widens: bool | None) -> None:
    ma, p = template_cost("ghost_bottleneck", Choices(stride_one=stride_one, widens=widens))
    ghost = {s: 2, D_d: 3}
    assert _same(ma, f.ghost_bottleneck_mult_adds(stride_one, widens).subs(ghost))
    assert _same(p, f.ghost_bottleneck_params(stride_one, widens).subs(ghost))


def test_shuffle_unit_template_is_ma_2018_fig3() -> None:
    ma, p = template_cost("shuffle_unit")
    assert _same(ma.subs(N, M), D_F**2 * M * (M + D_K**2) / 2)  # M = N at stride 1
    assert _same(p.subs(N, M), f.shuffle_unit_params())
    ma2, p2 = template_cost("shuffle_unit", Choices(stride_one=False))
    assert _same(ma2, f.shuffle_unit_mult_adds(False))
    assert _same(p2, f.shuffle_unit_params(False))


def test_convnext_template_is_liu_2022_fig4() -> None:
    ma, p = template_cost("convnext_block")
    assert _same(ma.subs(N, M), D_F**2 * M * (D_K**2 + 2 * t * M))
    assert _same(p.subs(N, M), D_K**2 * M + 2 * t * M**2 + t * M + 3 * M)


def test_separable_template_is_howard_2017_eq3() -> None:
    ma, p = template_cost("separable")
    assert _same(ma.subs(D_F, D_G), D_K**2 * M * D_G**2 + M * N * D_G**2)
    assert _same(p, f.separable_params())
    ma_se, p_se = template_cost("separable", Choices(se=True))
    assert _same(ma_se.subs(D_F, D_G), f.separable_se_mult_adds())
    assert _same(p_se, f.separable_se_params())


def test_repvit_template_counts_token_and_channel_mixers() -> None:
    ma, p = template_cost("repvit_block", Choices(widens=False))
    # depthwise k×k with bias, 1×1 to 2N and back (t = 2 is the block's default, here t)
    assert _same(ma.subs(N, M), D_F**2 * (D_K**2 * M + 2 * t * M**2))
    assert _same(p.subs(N, M), D_K**2 * M + M + 2 * t * M**2 + t * M + M)


# --- a new block is a new data entry ---------------------------------------------------------

FFN = f"""# block: ffn
# title: a 1×1 MLP with a residual
# width.hidden: times_t(in) hidden
{HEADER}
fc1,pointwise,in,hidden,1,1,1,nl,bias,expand,
fc2,pointwise,,out,1,1,1,none,bias,project,
add,residual,fc2+in,out,,1,,,,add,auto
"""


def test_a_new_block_type_is_one_file_with_its_formula() -> None:
    btype = parse_block_type("ffn.csv", FFN, frozenset())
    assert [st.name for st in btype.steps] == ["fc1", "fc2", "add"]
    ma, p = template_cost(btype)
    assert _same(ma, D_F**2 * t * M * (M + N))
    assert _same(p, t * M * (M + N) + t * M + N)


@pytest.mark.parametrize(("line", "rule"), [
    ("fc1,pointwise,later,hidden,1,1,1,nl,bias,expand,", "not 'in' or an earlier step"),
    ("fc1,matmul,in,hidden,1,1,1,nl,bias,expand,", "op must be one of"),
    ("fc1,pointwise,in,wide,1,1,1,nl,bias,expand,", "c must be one of"),
    ("fc1,pointwise,in,hidden,7x7,1,1,nl,bias,expand,", "k is a number or one of"),
    ("fc1,pointwise,in,hidden,1,s if k,1,nl,bias,expand,", "s is 1, s, or"),
    ("fc1,pointwise,in,hidden,1,1,1,nl,bias,expand,sometimes", "when must be one of"),
    ("fc1,pointwise,in,hidden,1,1,1,gelu6,bias,expand,", "nl is 'nl'"),
    ("fc1,pointwise,in,hidden,1,1,1,nl,bias,boss,", "role must be one of"),
    ("fc1,pointwise,in,hidden,1,1,1,nl,bias,expand", "11 cells a line"),
], ids=["read-later", "op", "width", "kernel", "stride", "when", "nl", "role", "cells"])
def test_a_bad_block_file_is_refused_naming_file_line_and_rule(line: str, rule: str) -> None:
    text = f"# block: ffn\n# width.hidden: times_t(in)\n{HEADER}\n{line}\n"
    with pytest.raises(ValueError, match=r"data/blocks/ffn\.csv line 4: ") as error:
        parse_block_type("ffn.csv", text, frozenset())
    assert rule in str(error.value)


def test_a_block_file_must_name_itself_and_use_known_keys() -> None:
    with pytest.raises(ValueError, match="must name the file"):
        parse_block_type("other.csv", FFN, frozenset())
    with pytest.raises(ValueError, match="unknown header key 'colour'"):
        parse_block_type("ffn.csv", "# colour: red\n" + FFN, frozenset())
    with pytest.raises(ValueError, match="a width is RULE"):
        parse_block_type("ffn.csv", FFN.replace("times_t(in)", "in*4"), frozenset())


@pytest.mark.parametrize(("network", "printed"), [
    ("shufflenet_v2_x1_0", 2_278_604),  # torchvision 0.29.1 weights metadata num_params
], ids=["torchvision-ShuffleNet_V2_X1_0_Weights-num_params"])
def test_networks_built_from_the_data_keep_the_builders_parameter_count(
        network: str, printed: int) -> None:
    assert costmodel.report(network=network).params_with_bn == printed


def test_ghostnet_built_from_the_data_rounds_to_timms_printed_params() -> None:
    # timm results/benchmark-infer-fp32-nchw-pt240-cpu-i9_10940x-dynamo.csv: param_count 5.18
    assert round(costmodel.report(network="ghostnet_100").params_with_bn / 1e6, 2) == 5.18


def test_formulas_cli_reads_any_block_type_from_its_data(capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    from costmodel.presentation.cli import main

    assert main(["formulas", "--block", "shuffle_unit"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ShuffleNet v2 unit")
    # stride 1 (M = N is not imposed here): 1×1 M/2 → N/2, k×k depthwise on N/2, 1×1 N/2 → N/2
    assert "Mult-Adds = D_F**2*N*(2*D_K**2 + M + N)/4" in out
    assert main(["formulas", "--block", "no_such_block"]) == 2
    assert "invalid choice: 'no_such_block'" in capsys.readouterr().err


def test_block_formula_ratio_is_howard_2017_eq5_for_the_separable_pair() -> None:
    from costmodel.core.block_formulas import block_formula

    assert _same(block_formula("separable").ratio, 1 / N + 1 / D_K**2)


def test_an_ffn_block_is_compared_with_a_1x1_conv() -> None:
    # MobileNetV4-Conv-M's b10 is an FFN (no depthwise conv), 160 → 160 channels at 16×16
    # (256 px input): the standard conv in its place is a 1×1 conv, 160·160·16² Mult-Adds
    layers = costmodel.report(network="mobilenetv4_conv_medium").layers
    block = layers[layers["name"].str.startswith("b10.")]
    assert int(block["standard_mult_adds"].sum()) == 160 * 160 * 16 * 16


def test_each_step_condition_has_one_home() -> None:
    # the network builder and the block formulas both ask block_types.holds; neither spells a
    # condition out (it was written twice: graph._holds on a row, block_formulas._present on
    # a formula's choices)
    import inspect

    from costmodel.core import block_formulas, graph
    from costmodel.descriptions import block_types
    from costmodel.descriptions.block_types import Situation, When, holds

    assert set(block_types._CONDITIONS) == set(When) - {When.ALWAYS, When.AUTO}
    for function in (graph._holds, block_formulas._present):
        text = inspect.getsource(function)
        assert "holds(" in text
        for when in set(When) - {When.ALWAYS, When.AUTO}:
            assert f"When.{when.name}" not in text, (function.__name__, when)
    strided = Situation(stride_one=False)
    assert holds(When.STRIDED, strided) and not holds(When.UNSTRIDED, strided)
    assert holds(When.RESHAPES, strided) and not holds(When.RESHAPES, Situation())
    assert holds(When.RESHAPES, Situation(widens=True)) and holds(When.AUTO, Situation())
