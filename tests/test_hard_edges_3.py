"""Issue 18 (hard edges, round three): each case gets the right number or a clear ValueError
naming the field and the range. Expected numbers are hand counts written out in the comments
(Mult-Adds = k²·C_in/groups·C_out·H_out², params = k²·C_in/groups·C_out (+ C_out for a bias));
they are not computed by the code under test."""

from __future__ import annotations

import pytest

import costmodel
from costmodel.widths import AS_WRITTEN

# --- 1. expand_if=larger: no expansion conv, the depthwise conv runs on the block's input -----

# b2 has 24 input channels and an inner width below that; TF-slim's expanded_conv builds no
# expansion conv there (``if inner_size > net.shape[3]``), so its depthwise conv and its
# projection run on the 24 input channels.
LARGER_TABLE = """# title: larger rule
# image_size: 32
# classes: 10
{rule}
operator,t,exp,c,n,s,k
conv,,,16,1,2,3
ir,6,,24,1,2,3
ir,{t},{exp},32,1,2,3
pool,,,,,,
classifier,,,classes,,,
"""
# Hand count at α = 1, 32 px ('SAME': 32 → 16 → 8 → 4):
#   stem       3×3, 3 → 16 at 16×16:   9·3·16·256 = 110,592   params 9·3·16  =   432
#   b1.expand  1×1, 16 → 96 at 16×16: 16·96·256   = 393,216   params 16·96   = 1,536
#   b1.dw      3×3 on 96, s2 → 8×8:    9·96·64    =  55,296   params 9·96    =   864
#   b1.project 1×1, 96 → 24 at 8×8:   96·24·64    = 147,456   params 96·24   = 2,304
#   b2.dw      3×3 on 24, s2 → 4×4:    9·24·16    =   3,456   params 9·24    =   216
#   b2.project 1×1, 24 → 32 at 4×4:   24·32·16    =  12,288   params 24·32   =   768
#   classifier 32 → 10 with bias:      32·10      =     320   params 320 + 10 =  330
#   total                                           722,624                    6,450
# (Counting b2 on its inner width, 16 channels, as before the fix, gives 2,304 + 8,192
# instead of 3,456 + 12,288: 717,376 Mult-Adds.)
LARGER_MULT_ADDS = 722_624
LARGER_PARAMS = 6_450


@pytest.mark.parametrize(("rule", "t", "exp"), [
    ("# expand_if: larger", "0.5", ""),     # make_divisible(24·0.5, 8) = 16 ≤ 24
    ("# expand_if: larger", "0.25", ""),    # make_divisible(24·0.25, 8) = 8 ≤ 24
    ("# expand_if: larger", "", "8"),       # exp = 8 ≤ 24
    ("# rules.tf: expand_if=larger", "0.5", ""),
], ids=["t=0.5", "t=0.25", "exp=8", "rule-set"])
def test_expand_if_larger_runs_the_depthwise_conv_on_the_input(rule: str, t: str,
                                                                exp: str) -> None:
    net = costmodel.load_network(LARGER_TABLE.format(rule=rule, t=t, exp=exp).encode())
    r = costmodel.report(network=net)
    assert (r.mult_adds, r.params) == (LARGER_MULT_ADDS, LARGER_PARAMS)
    layers = r.layers.set_index("name")
    assert "b2.expand" not in layers.index
    # the chain is possible: what b1 writes is what b2's depthwise conv reads
    assert layers.loc["b1.project", "out_c"] == layers.loc["b2.dw", "in_c"] == 24
    assert layers.loc["b2.project", "in_c"] == 24
    # the sweep (arrays) and the closed form (sympy) take the same rule
    s = costmodel.sweep([1.0, 0.5], [32], network=net)
    assert int(s.mult_adds[0, 0]) == LARGER_MULT_ADDS
    assert int(s.mult_adds[1, 0]) == costmodel.report(0.5, network=net).mult_adds
    assert r.closed_form.mult_adds > 0
    derivation = costmodel.derive("b2.dw", network=net)
    assert derivation.mult_adds == 3_456 and "max(" in str(derivation)


def test_expand_if_larger_where_the_block_widens_keeps_its_expansion() -> None:
    # t = 2 from 24 channels: make_divisible(48, 8) = 48 > 24, the expansion conv exists:
    # b2.expand 24·48·8² = 73,728; b2.dw 9·48·16 = 6,912; b2.project 48·32·16 = 24,576
    net = costmodel.load_network(
        LARGER_TABLE.format(rule="# expand_if: larger", t="2", exp="").encode())
    layers = costmodel.report(network=net).layers.set_index("name")
    assert layers.loc["b2.expand", "mult_adds"] == 73_728
    assert layers.loc["b2.dw", "mult_adds"] == 6_912
    assert layers.loc["b2.project", "mult_adds"] == 24_576


# --- 3. a user's table at α = 1 is counted as written; the classes never scale ---------------

LAYER_TABLE = """name,kind,kernel,stride,in_channels,out_channels,input_size
c1,conv,3,2,3,4,8
dw,depthwise,3,1,4,4,
pw,pointwise,1,1,4,6,
p,avgpool,1,1,6,6,
fc,fc,1,1,6,10,
"""
# Hand count at α = 1, 8 px (8 → 4 after c1), the widths as written (4 and 6, not 8):
#   c1 3×3, 3 → 4 at 4×4: 9·3·4·16 = 1,728, params 108; dw 3×3 on 4: 9·4·16 = 576, params 36;
#   pw 4 → 6: 4·6·16 = 384, params 24; fc 6 → 10 with bias: 60, params 70.
#   Total 2,748 Mult-Adds, 238 params. (Raising 4 and 6 to TF-slim's minimum of 8 gave
#   3·9·8·16 + 9·8·16 + 8·8·16 + 8·10 = 5,712.)


def test_layer_table_at_alpha_1_is_counted_as_written() -> None:
    net = costmodel.load_network(LAYER_TABLE.encode(), name="small.csv")
    r = costmodel.report(network=net)
    assert (r.mult_adds, r.params) == (2_748, 238)
    assert list(r.layers["out_c"]) == [4, 4, 6, 6, 10]
    # at α = 0.5 the minimum is the written width (4, 6), not 8: nothing grows above α = 1
    half = costmodel.report(0.5, network=net)
    assert (half.mult_adds, half.params) == (2_748, 238)
    # the rule is stated where the numbers are shown
    assert AS_WRITTEN in str(r) and AS_WRITTEN in r.to_markdown()
    assert r.to_dict()["width_rule"] == r.width_rule
    assert "as the table writes it" in str(costmodel.derive("pw", network=net))
    assert "max(int(0.5·6), 6) = 6" in str(costmodel.derive("pw", 0.5, network=net))


BLOCK_TABLE = """# image_size: 8
# classes: 10
operator,c,k,s
conv,4,3,2
conv,12,1,1
pool,,,
conv,10,1,1
"""
# Hand count at α = 1 (8 → 4 px): conv 3×3, 3 → 4: 9·3·4·16 = 1,728, params 108; conv 1×1,
# 4 → 12: 4·12·16 = 768, params 48; the last 1×1 conv after the pool gives the 10 classes:
# 12·10 = 120, params 120 (a conv row: batchnorm, no bias). 2,616 Mult-Adds, 276 params.
# At α = 0.5, make_divisible with its minimum lowered to the written width: 0.5·4 = 2 → 4;
# 0.5·12 = 6 → 8; the classes stay 10: 1,728 + 4·8·16 + 8·10 = 2,320, params 108 + 32 + 80 =
# 220.


def test_block_table_written_widths_and_a_final_conv_to_the_classes() -> None:
    net = costmodel.load_network(BLOCK_TABLE.encode())
    r = costmodel.report(network=net)
    assert (r.mult_adds, r.params, r.classes) == (2_616, 276, 10)
    half = costmodel.report(0.5, network=net)
    assert (half.mult_adds, half.params) == (2_320, 220)
    assert list(half.layers["out_c"]) == [4, 8, 8, 10]


def test_final_conv_disagreeing_with_the_classes_line_is_refused() -> None:
    with pytest.raises(ValueError, match=r"line 7: the last row gives the classes .* c=10 "
                                         r"must agree with '# classes: 1000'"):
        costmodel.load_network(BLOCK_TABLE.replace("# classes: 10", "# classes: 1000")
                               .encode())


@pytest.mark.parametrize("name", ["mobilenet_v1", "mobilenet_v2", "mobilenet_v3_large",
                                  "mnasnet_a1", "efficientnet_b0"])
def test_a_builtin_table_loaded_as_ones_own_counts_the_same(name: str) -> None:
    # the built-in tables' written widths are multiples of 8 (≥ 8): the rule changes nothing
    from costmodel.builtin_networks import _BUILTIN, read_data_text

    own = costmodel.load_network(read_data_text(f"networks/{_BUILTIN[name][0]}").encode())
    for alpha in (1.0, 0.35, 0.75, 1.4):
        mine, builtin = (costmodel.report(alpha, network=n, resolution=160)
                         for n in (own, name))
        assert (mine.mult_adds, mine.params) == (builtin.mult_adds, builtin.params)


def test_docs_state_the_rule() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "tables.md").read_text("utf-8")
    assert AS_WRITTEN in text


# --- 9. generated names are unique ------------------------------------------------------------

def test_two_unnamed_convs_after_the_last_block_get_unique_names() -> None:
    net = costmodel.load_network(b"operator,t,c,k,s\nconv,,16,3,2\nir,6,24,3,2\nconv,,64,1,1\n"
                                 b"pool,,,,\nconv,,10,1,1\n")
    assert list(costmodel.report(network=net).layers["name"])[-3:] == ["head", "pool",
                                                                       "head_2"]


# --- 12. every header key is validated --------------------------------------------------------

@pytest.mark.parametrize(("header", "message"), [
    ("# depth_scaling: maybe", r"line 1: depth_scaling must be yes or no; got 'maybe'"),
    ("# rules.: classes=10", r"line 1: a rule set's name \(rules.NAME\) must be 1-64 letters"),
    ("# rules.t f: classes=10", r"a rule set's name .* got 't f'"),
    ("# rules.x.source: y", r"line 1: 'rules.x.source' describes 'rules.x', which no line "
                            r"defines"),
    ("# preset.: width=1 depth=1 resolution=224", r"a preset's key \(preset.NAME\) must be"),
    ("# rounding: exact", r"line 1: rounding must be one of make_divisible, truncate; got "
                          r"'exact'"),
    ("# title:", r"line 1: title must not be empty"),
    ("# key: my key", r"line 1: key must be 1-64 letters"),
    ("# title: a\x1b[31mred", r"line 1: title must be printable text; it holds the control "
                              r"character U\+001B"),
], ids=["depth_scaling", "empty-rule-name", "rule-name-space", "orphan-source",
        "empty-preset", "rounding-exact", "empty-title", "key-space", "escape-in-title"])
def test_header_keys_with_bad_values_are_refused(header: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        costmodel.load_network(f"{header}\noperator,c,k,s\nconv,8,3,2\n".encode())


def test_depth_scaling_yes_and_no_are_read() -> None:
    for text, expected in (("yes", True), ("no", False), ("True", True), ("0", False)):
        net = costmodel.load_network(f"# depth_scaling: {text}\noperator,c,k,s\nconv,8,3,2\n"
                                     .encode())
        assert net.depth_scaling is expected


def test_control_characters_in_names_are_refused() -> None:
    # U+202E (right-to-left override) would show a name other than the one counted
    with pytest.raises(ValueError, match=r"line 2: name must be printable text; it holds the "
                                         r"control character U\+202E"):
        costmodel.load_network("operator,c,k,s,name\nconv,8,3,2,a\u202eb\n".encode())
