"""The graph schema (docs/tables.md, "The graph schema"): a user's network as operations with
explicit inputs, and own blocks defined as data. A ShuffleNet v2 unit and a ghost bottleneck
written by hand count exactly what the built-in builders count; every broken graph is refused,
naming the line, the operation and the rule; every view works on such a table."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import costmodel
from costmodel.descriptions.network_tables import parse_network

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "examples" / "shufflenet_like_graph.csv"
COUNTS = ["op", "stride", "kernel", "groups", "in_h", "in_c", "out_h", "out_c", "mult_adds",
          "params", "params_with_bn", "elementwise"]


def rows(report: costmodel.Report, block: int | None = None) -> list[list[int | str]]:
    layers = report.layers
    if block is not None:
        layers = layers[layers["block"] == block]
    return [[v if isinstance(v, str) else int(v) for v in row]
            for row in layers[COUNTS].itertuples(index=False)]


# --- exact counts: hand-written graphs against the built-in blocks ---------------------------

SHUFFLE_UNIT = """\
# title: a ShuffleNet v2 stride-1 unit by hand
# image_size: 28
# image_channels: 116
name,op,inputs,c,k,groups,part,nl
keep,split,input,,,,1/2,
branch,split,input,,,,2/2,
pw1,pointwise,branch,58,,,,relu
dw,depthwise,,,3,,,none
pw2,pointwise,,58,,,,relu
cat,concat,keep+pw2,,,,,
shuffle,shuffle,,,,2,,
"""


def test_a_shufflenet_unit_by_hand_counts_what_the_builder_counts() -> None:
    # shufflenet_v2_x1_0's block 2: the first stride-1 unit of stage 2, 116 channels at 28 px
    mine = costmodel.report(network=parse_network(SHUFFLE_UNIT))
    assert rows(mine) == rows(costmodel.report(network="shufflenet_v2_x1_0"), block=2)
    # by hand: each 1×1 is 28·28·58·58 = 2,637,376, the 3×3 depthwise 28·28·9·58 = 409,248
    assert 28 * 28 * 58 * 58 == 2_637_376 and 28 * 28 * 9 * 58 == 409_248
    assert mine.mult_adds == 2 * 2_637_376 + 409_248 == 5_684_000
    # params: 58·58 + 9·58 + 58·58 = 3,364 + 522 + 3,364 = 7,250 (no bias)
    assert mine.params == 7_250


SHUFFLE_DOWN = """\
# title: a ShuffleNet v2 stride-2 unit as an own block
# image_size: 56
# image_channels: 24
# block.down.b1dw: op=depthwise inputs=in k=k s=s nl=none
# block.down.b1pw: op=pointwise c=out/2 nl=relu
# block.down.pw1: op=pointwise inputs=in c=out/2 nl=relu
# block.down.dw: op=depthwise k=k s=s nl=none
# block.down.pw2: op=pointwise c=out/2 nl=relu
# block.down.cat: op=concat inputs=b1pw+pw2
# block.down.shuffle: op=shuffle groups=2
name,op,inputs,c,k,s
stage2,down,input,116,3,2
"""


def test_a_stride_2_shufflenet_unit_as_an_own_block_counts_what_the_builder_counts() -> None:
    mine = costmodel.report(network=parse_network(SHUFFLE_DOWN))
    assert rows(mine) == rows(costmodel.report(network="shufflenet_v2_x1_0"), block=1)
    assert list(mine.layers["name"])[:2] == ["stage2.b1dw", "stage2.b1pw"]
    assert set(mine.layers["block"]) == {1}
    # by hand: branch 1: 28·28·9·24 + 28·28·24·58 = 169,344 + 1,091,328; branch 2:
    # 56·56·24·58 + 28·28·9·58 + 28·28·58·58 = 4,365,312 + 409,248 + 2,637,376
    assert mine.mult_adds == 169_344 + 1_091_328 + 4_365_312 + 409_248 + 2_637_376


GHOST_ROWS = """\
# title: GhostNet's second bottleneck by hand (16 → 24, inner 48, stride 2)
# image_size: 112
# image_channels: 16
# rounding: make_divisible_4
name,op,inputs,c,k,s,nl
p1,pointwise,input,24,,,relu
c1,depthwise,,,3,,relu
g1,concat,p1+c1,,,,
dw,depthwise,,,3,2,none
p2,pointwise,,12,,,none
c2,depthwise,,,3,,none
g2,concat,p2+c2,,,,
sdw,depthwise,input,,3,2,none
spw,pointwise,,24,,,none
add,add,g2+spw,,,,
"""


def test_a_ghost_bottleneck_by_hand_counts_what_the_builder_counts() -> None:
    mine = costmodel.report(network=parse_network(GHOST_ROWS))
    assert rows(mine) == rows(costmodel.report(network="ghostnet_100"), block=2)
    # by hand: 112²·16·24 + 112²·9·24 + 56²·9·48 + 56²·48·12 + 56²·9·12 + 56²·9·16 + 56²·16·24
    assert mine.mult_adds == (4_816_896 + 2_709_504 + 1_354_752 + 1_806_336 + 338_688
                              + 451_584 + 1_204_224) == 12_681_984


GHOST_BLOCK = """\
# title: GhostNet's fourth bottleneck as an own block (24 → 40, inner 72, k 5, SE 0.25)
# image_size: 56
# image_channels: 24
# rounding: make_divisible_4
# se_squeeze: expanded_4
# block.ghost_down.p1: op=pointwise inputs=in c=exp/2 nl=relu
# block.ghost_down.c1: op=depthwise k=3 nl=relu
# block.ghost_down.g1: op=concat inputs=p1+c1
# block.ghost_down.dw: op=depthwise k=k s=s nl=none
# block.ghost_down.se: op=se se=se
# block.ghost_down.p2: op=pointwise c=out/2 nl=none
# block.ghost_down.c2: op=depthwise k=3 nl=none
# block.ghost_down.g2: op=concat inputs=p2+c2
# block.ghost_down.sdw: op=depthwise inputs=in k=k s=s nl=none
# block.ghost_down.spw: op=pointwise c=out nl=none
# block.ghost_down.add: op=add inputs=g2+spw
name,op,inputs,c,exp,k,s,se
b4,ghost_down,input,40,72,5,2,0.25
"""


def test_a_ghost_bottleneck_with_se_as_an_own_block_counts_what_the_builder_counts() -> None:
    mine = costmodel.report(network=parse_network(GHOST_BLOCK))
    assert rows(mine) == rows(costmodel.report(network="ghostnet_100"), block=4)
    names = list(mine.layers["name"])
    assert names[4:8] == ["b4.se.pool", "b4.se.reduce", "b4.se.expand", "b4.se.scale"]
    # the squeeze: make_divisible(72·0.25, 4) = 20; reduce 72·20 + 20 bias = 1,460 params
    assert list(mine.layers["params"])[5] == 72 * 20 + 20 == 1_460
    # the same row without se: the se operation is left out, nothing else changes
    plain = costmodel.report(network=parse_network(GHOST_BLOCK.replace(",5,2,0.25", ",5,2,")))
    assert len(plain.layers) == len(mine.layers) - 4
    assert plain.mult_adds == mine.mult_adds - 2 * 1_440


def test_widths_at_other_alpha_follow_the_tables_rounding() -> None:
    net = parse_network(SHUFFLE_DOWN)
    half = costmodel.report(network=net, alpha=0.5)
    # make_divisible(0.5·116, 8) = 56: two branches of 28 channels; the image stays 24
    assert list(half.layers["out_c"]) == [24, 28, 28, 28, 28, 56, 56]
    # a grouped conv: 2 groups of a 24 → 48 conv: 3·3·12·48 weights per pixel
    grouped = parse_network("# image_size: 8\n# image_channels: 24\nname,op,inputs,c,k,groups\n"
                            "g,conv,input,48,3,2\n")
    layer = costmodel.report(network=grouped).layers.iloc[0]
    assert int(layer["groups"]) == 2 and int(layer["params"]) == 3 * 3 * 12 * 48 == 5_184
    assert int(layer["mult_adds"]) == 64 * 5_184


def test_a_rule_broken_only_at_another_alpha_is_refused_there() -> None:
    # truncation gives int(0.75·20) = 15 channels: a split in two halves no longer divides
    net = parse_network("# rounding: truncate\n# image_size: 16\nname,op,inputs,c,k,part\n"
                        "stem,conv,input,20,3,\nhalf,split,,,,1/2\n"
                        "pw,pointwise,half,8,,\n")
    assert costmodel.report(network=net).mult_adds > 0
    with pytest.raises(ValueError, match=r"line 5: operation 'half': split part=1/2 must "
                                         r"divide the channels; at α = 0.75 the width is 15"):
        costmodel.report(network=net, alpha=0.75)
    with pytest.raises(ValueError, match="operation 'half'"):
        costmodel.sweep([0.5, 0.75, 1.0], [16], network=net)


# --- the example file, everywhere --------------------------------------------------------------


def test_the_example_counts_and_every_view_answers() -> None:
    from costmodel.presentation.cli import main
    from costmodel.teaching.exercises import exercise_kinds, grade, make_exercise

    net = costmodel.load_network(EXAMPLE)
    r = costmodel.report(network=net)
    layers = r.layers
    assert int(layers["mult_adds"].sum()) == r.mult_adds
    assert int(r.by_type["mult_adds"].sum()) == r.mult_adds
    assert int(r.by_type["params"].sum()) == r.params
    # the stem 112²·9·3·24, stage 2 as shufflenet_v2_x1_0's blocks 1-4, ...
    assert int(layers.iloc[0]["mult_adds"]) == 112 * 112 * 9 * 3 * 24 == 8_128_512
    builtin = costmodel.report(network="shufflenet_v2_x1_0").layers
    stage2 = builtin[builtin["block"].isin([1, 2, 3, 4])]
    assert rows(r, block=None)[2:30] == [[v if isinstance(v, str) else int(v) for v in row]
                                        for row in stage2[COUNTS].itertuples(index=False)]
    # the last fc gives the classes: 1024·1000 + 1000 bias
    assert int(layers.iloc[-1]["params"]) == 1024 * 1000 + 1000
    memory = r.memory()
    assert memory.weights_bytes == 4 * r.params and memory.peak_activation_bytes > 0
    assert math.isfinite(r.latency().total_ms)
    step = costmodel.derive("stage2.pw1", network=net)
    assert step.mult_adds == 56 * 56 * 24 * 58
    for kind, why_not in exercise_kinds(network=net).items():
        if not why_not:
            exercise = make_exercise(7, kind=kind, network=net)
            assert grade(exercise, str(exercise.answer)).correct
    assert f"{r.mult_adds:,}" in str(r) and r.to_markdown() and r._repr_html_()
    for alpha in (0.25, 0.5, 1.3):
        assert costmodel.report(network=net, alpha=alpha).mult_adds > 0
    swept = costmodel.sweep([0.5, 1.0], [160, 224], network=net)
    assert r.mult_adds in {int(v) for v in swept.mult_adds.ravel()}
    assert main(["report", "--arch", str(EXAMPLE), "--format", "json"]) == 0
    assert main(["layers", "--arch", str(EXAMPLE), "--format", "csv"]) == 0


def test_the_example_uploads_to_the_dashboard() -> None:
    from streamlit.testing.v1 import AppTest

    from costmodel.presentation.dashboard_state import VIEWS

    app = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"),
                            default_timeout=60)
    app.session_state["fold_budget"] = True  # the upload's fold, open as a click does
    app.run()
    app.file_uploader(key="architecture_upload").set_value(
        ("shuffle.csv", EXAMPLE.read_bytes(), "text/csv")).run()
    assert not app.exception
    expected = costmodel.report(network=costmodel.load_network(EXAMPLE)).mult_adds
    assert next(m.value for m in app.metric if m.label.startswith("Mult-Adds")) == \
        f"{expected:,}"
    for view in VIEWS:
        app.button_group(key="view").set_value(view).run()
        assert not app.exception, view


# --- refusals: each names the line, the operation and the rule ---------------------------------

HEAD = "# image_size: 32\nname,op,inputs,c,k,s,groups,part\n"
STEM = "stem,conv,input,16,3,2,,\n"  # line 3


@pytest.mark.parametrize(("body", "message"), [
    ("a,pointwise,nothing,8,,,,\n",
     r"line 4: operation 'a': input 'nothing' does not exist"),
    ("a,pointwise,b,8,,,,\nb,pointwise,,8,,,,\n",
     r"line 4: operation 'a': input 'b' is defined later \(line 5\): a graph table is acyclic"),
    ("a,pointwise,a,8,,,,\n",
     r"line 4: operation 'a': input 'a' is the operation itself"),
    ("down,conv,stem,16,3,2,,\ncat,concat,stem+down,,,,,\n",
     r"line 5: operation 'cat': a concat joins maps of one size; got 'stem' 16×16×16, 'down' "
     r"8×8×16"),
    ("half,split,,,,,,1/3\n",
     r"line 4: operation 'half': split part=1/3 must divide the channels: 'stem' has 16"),
    ("g,conv,,24,3,1,3,\n",
     r"line 4: operation 'g': groups=3 must divide the input channels \(16\) and the output "
     r"channels \(24\)"),
    ("p,pointwise,,24,,,,\nsh,shuffle,,,,,5,\n",
     r"line 5: operation 'sh': a shuffle's channels must be divisible by its groups: 'p' has "
     r"24 channels, groups=5"),
    ("p,pointwise,,24,,,,\nadd,add,stem+p,,,,,\n",
     r"line 5: operation 'add': an add needs two maps of one shape; got 'stem' 16×16×16 and "
     r"'p' 16×16×24"),
    ("down,conv,,16,3,2,,\nadd,add,stem+down,,,,,\n",
     r"line 5: operation 'add': an add needs two maps of one shape; got 'stem' 16×16×16 and "
     r"'down' 8×8×16"),
    ("pool,pool,,,,,,\ngate,pointwise,,8,,,,\nx,scale,stem+gate,,,,,\n",
     r"line 6: operation 'x': a scale multiplies a map \(first input\) by a 1×1 gate of its "
     r"channels"),
    ("stem,pointwise,,8,,,,\n",
     r"line 4: operation 'stem': the name is already used on line 3; names must be unique"),
    ("a,conv,,8,4,,,\n", r"line 4: operation 'a': k must be an odd positive integer up to 31"),
    ("a,conv,,8,3,65,,\n", r"line 4: operation 'a': s must be an integer in \[1, 64\]"),
    ("a,conv,,100001,3,,,\n", r"line 4: operation 'a': c must be an integer in \[1, 100,000\]"),
    ("f,fc,,10,,,,\n", r"line 4: operation 'f': fc runs on a pooled 1×1 vector"),
    ("a,warp,,8,,,,\n", r"line 4: operation 'a': op must be one of conv, depthwise"),
    ("a,depthwise,,8,3,,,\n", r"line 4: operation 'a': a depthwise conv keeps its channels"),
    ("a,add,stem,,,,,\n", r"line 4: operation 'a': add reads two inputs; got 1"),
    ("a,pointwise,input+stem,8,,,,\n", r"line 4: operation 'a': pointwise reads one input"),
    ("d,conv,stem,16,3,2,,\np,maxpool,stem,,3,4,,\n",
     r"line 5: operation 'p': a stride of 4 on a 16-px map that the network already "
     r"downsamples by 2"),
])
def test_a_broken_graph_is_refused_naming_line_operation_and_rule(body: str,
                                                                  message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_network(HEAD + STEM + body)


def test_the_row_limit_holds() -> None:
    body = "".join(f"p{i},pointwise,,16,,,,\n" for i in range(2_000))
    with pytest.raises(ValueError, match="2,001 rows; at most 2,000"):
        parse_network(HEAD + STEM + body)


BLOCK = ("# block.res.a: op=pointwise inputs=in c=in*t nl=nl\n"
         "# block.res.b: op=depthwise k=k s=s\n"
         "# block.res.c: op=pointwise c=out nl=none\n"
         "# block.res.add: op=add inputs=c+in\n")


@pytest.mark.parametrize(("block", "row", "message"), [
    (BLOCK, "r,res,,16,3,1,2,3\n", None),
    (BLOCK, "r,res,,24,3,1,2,1\n",
     r"line 8 \(block 'res', line 4\): operation 'r.add': an add needs two maps of one shape; "
     r"got 'r.c' 32×32×24 and 'stem' 32×32×16"),
    (BLOCK, "r,res,,16,3,1,,1\n",
     r"operation 'r.a': c=in\*t: the row using this block gives no t"),
    (BLOCK.replace("c+in", "c+nope"), "r,res,,16,3,1,2,1\n",
     r"operation 'r.add': input 'nope' does not exist"),
    (BLOCK.replace("c+in", "c+add"), "r,res,,16,3,1,2,1\n",
     r"operation 'r.add': input 'add' is the operation itself"),
    (BLOCK.replace("inputs=in c=in*t", "inputs=b c=in*t"), "r,res,,16,3,1,2,1\n",
     r"operation 'r.a': input 'b' is defined later"),
    (BLOCK, "r,res,,16,3,1,2,1,0.25\n",
     r"line 8: operation 'r': se=0.25: block 'res' \(line 1\) has no operation that uses it"),
    (BLOCK.replace("c=out", "c=out/3"), "r,res,,16,3,1,2,1\n",
     r"operation 'r.c': c=out/3: 16 channels do not divide into 3 equal parts"),
    (BLOCK + "# block.res.x: op=conv wat=1\n", "r,res,,16,3,1,2,1\n",
     r"line 5: unknown field 'wat' in block 'res'"),
    (BLOCK + "# block.spare.x: op=pool\n", "r,res,,16,3,1,2,1\n",
     r"line 5: block 'spare' is defined but no row uses it"),
    (BLOCK, "r,res,,16,3,2,2,1\n",
     r"operation 'r.add': an add needs two maps of one shape; got 'r.c' 16×16×16 and 'stem' "
     r"32×32×16"),
])
def test_own_blocks_are_checked_where_they_are_used(block: str, row: str,
                                                    message: str | None) -> None:
    if row.count(",") == 7:
        row = row.rstrip("\n") + ",\n"
    table = (block + "# image_size: 32\nname,op,inputs,c,k,s,t,n,se\n"
             "stem,conv,input,16,3,1,,,\n" + row)
    if message is None:
        net = parse_network(table)
        r = costmodel.report(network=net)
        # three repeats of 16 → 32 → 16 on 32²: (2·16·32 + 9·32)·1024 each
        assert r.mult_adds == 32 * 32 * 9 * 3 * 16 + 3 * (2 * 16 * 32 + 9 * 32) * 1024
        assert sorted(set(r.layers["block"])) == [0, 1, 2, 3]
        assert "r_3.add" in set(r.layers["name"])
        return
    with pytest.raises(ValueError, match=message):
        parse_network(table)


def test_nothing_written_is_evaluated() -> None:
    for width in ("__import__('os')", "in**2", "in*t*t", "2+2", "in*0.5"):
        with pytest.raises(ValueError, match="c must be a number of channels"):
            parse_network("# block.x.a: op=pointwise c=" + width + "\n"
                          "name,op,inputs,c\nstem,conv,input,16\nb,x,,\n")


def test_the_older_schemas_still_load() -> None:
    for name in ("mobilenet_v1_layers.csv", "mobilenet_v1_cifar_layers.csv"):
        assert costmodel.load_network(EXAMPLE.parent / name).rows
    assert not costmodel.load_network(EXAMPLE).rows


def test_the_docs_example_is_the_example_files_beginning() -> None:
    import re

    text = (EXAMPLE.parents[2] / "docs" / "tables.md").read_text(encoding="utf-8")
    shown = next(b for b in re.findall(r"```text\n(.*?)```", text, re.S) if "block.down" in b)
    short = costmodel.report(network=parse_network(shown))
    full = costmodel.report(network=costmodel.load_network(EXAMPLE))
    assert rows(short)[:30] == rows(full)[:30]
