"""Your own network tables: both schemas, validation (line and field named), and report()."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import costmodel
from costmodel.descriptions.network_tables import load_architecture, load_network, parse_network

DATA = Path(__file__).resolve().parents[1] / "data"
HEADER = "name,kind,kernel,stride,in_channels,out_channels\n"
SMALL = HEADER + (
    "c1,conv,3,2,3,16\n"
    "d1,depthwise,3,1,16,16\n"
    "p1,pointwise,1,1,16,32\n"
    "pool,avgpool,1,1,32,32\n"
    "fc,fc,1,1,32,10\n"
)


def test_small_table_counts_by_hand() -> None:
    arch = parse_network(SMALL, title="tiny", image_size=8)
    r = costmodel.report(architecture=arch)
    # c1: 3·3·3·16·4·4 = 6,912; d1: 3·3·16·4·4 = 2,304; p1: 16·32·4·4 = 8,192; fc: 32·10
    assert r.mult_adds == 6_912 + 2_304 + 8_192 + 320
    assert r.params == 432 + 144 + 512 + 330
    assert r.resolution == 8 and r.rho == 1.0
    half = costmodel.report(0.5, architecture=arch, resolution=16)
    # channels 16→8, 32→16 (the minimum is 8); sizes 8 px after the stride-2 conv
    assert half.mult_adds == 9 * 3 * 8 * 64 + 9 * 8 * 64 + 8 * 16 * 64 + 16 * 10


def test_mobilenet_layer_table_is_the_same_network() -> None:
    # the per-layer schema of earlier versions still loads, and counts as the block table
    arch = load_architecture(DATA / "examples" / "mobilenet_v1_layers.csv")
    assert arch.image_size == 224
    r = costmodel.report(0.5, resolution=160, architecture=arch)
    assert (r.mult_adds, r.params) == (76_524_800, 1_320_648)
    assert r.published == () and r.accuracy is None  # only for the library's own MobileNet
    assert list(r.layers["name"]) == list(costmodel.report(0.5).layers["name"])
    full = costmodel.report(architecture=arch, variant="full")
    assert full.mult_adds == 4_867_293_184
    shallow = costmodel.report(architecture=arch, variant="shallow")
    assert shallow.mult_adds == 307_323_392


def test_cifar_mobilenet() -> None:
    arch = load_network(DATA / "examples" / "mobilenet_v1_cifar_layers.csv")
    assert arch.image_size == 32
    r = costmodel.report(architecture=arch)
    builtin = costmodel.report(network="mobilenet_v1_cifar")
    assert (builtin.mult_adds, builtin.params) == (r.mult_adds, r.params)
    # conv1 at 32×32 (stride 1): 3·3·3·32·32·32; then the ImageNet body at 1/7 the size
    assert r.layers.iloc[0]["mult_adds"] == 884_736
    assert r.mult_adds == 46_354_432
    assert r.params == 3_195_338  # 3,185,088 body + 1024·10 + 10
    assert costmodel.sweep([1.0], [32], architecture=arch).mult_adds[0, 0] == r.mult_adds


def test_file_objects_and_bytes() -> None:
    assert load_network(SMALL.encode()).rows[0].name == "c1"
    assert load_network(io.BytesIO(SMALL.encode())).rules[0].classes == 10
    assert load_network(io.StringIO(SMALL)).image_size == 224
    assert load_network(("\ufeff" + SMALL).encode()).rows[0].name == "c1"  # BOM
    assert load_network(SMALL.replace("\n", "\r").encode()).rows[0].name == "c1"  # CR only


BAD = [
    ("", "empty"),
    (HEADER, "no layer rows"),
    ("name,kind,kernel\nx,conv,3\n", "line 1: missing column\\(s\\) stride, in_channels"),
    (HEADER.strip() + ",colour\n" + "c1,conv,3,2,3,16,red\n", "unknown column\\(s\\) 'colour'"),
    (HEADER + "c1,pool,3,2,3,16\n", "line 2: kind must be one of conv, depthwise"),
    (HEADER + "c1,conv,3.5,2,3,16\n", "line 2: kernel must be an integer in ASCII digits"),
    (HEADER + "c1,conv,3,0,3,16\n", "line 2: stride must be an integer in \\[1, 64\\]; got 0"),
    (HEADER + "c1,conv,3,2,3,-16\n", "line 2: out_channels must be an integer in \\[1"),
    (HEADER + "c1,conv,3,2,3,16\nd1,depthwise,3,1,8,8\n",
     "line 3: in_channels=8 does not match out_channels=16"),
    (HEADER + "c1,conv,3,2,3,16\nd1,depthwise,3,1,16,32\n",
     "line 3: .*depthwise layer keeps its channels"),
    (HEADER + "c1,conv,3,2,3,16\nc2,conv,3,400,16,16\n",
     "line 3: stride must be an integer in \\[1, 64\\]"),
    (HEADER + "c1,conv,3,2,3,16\nfc,fc,1,1,16,10\n",
     "line 3: classifier needs a pooled 1×1 input; put a pool row before it"),
    (HEADER + "c1,conv,3,2,3,16\nc1,conv,3,1,16,16\n", "line 3: name 'c1' is already used"),
    (HEADER + "c1,conv,3,2,3,16,9\n", "line 2: expected 6 fields, got 7"),
    ('name,kind,kernel,stride,in_channels,out_channels\n"c1,conv,3,2,3,16\n', "not valid CSV"),
    ("name,kind,kernel,stride,in_channels,out_channels,input_size\nc1,conv,3,2,3,16,224\n"
     "c2,conv,3,1,16,16,100\n", "line 3: input_size=100 but the strides above give 112"),
]


@pytest.mark.parametrize(("text", "message"), BAD, ids=[m[:30] for _, m in BAD])
def test_validation_names_line_and_field(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_architecture(text.encode())


def test_not_utf8_not_text_and_too_large(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not UTF-8"):
        load_architecture(b"name,kind\n\xff\xfe\x00")
    with pytest.raises(ValueError, match="not a CSV text file"):
        load_architecture(b"\x00\x01\x02")
    big = tmp_path / "big.csv"
    big.write_text(SMALL + "#" * 1_000_001)
    with pytest.raises(ValueError, match="over 1 MB"):
        load_architecture(big)
    with pytest.raises(ValueError, match="over 1 MB"):
        load_architecture(big.read_bytes())
    with pytest.raises(ValueError, match="does not exist"):
        load_architecture(tmp_path / "missing.csv")
    with pytest.raises(ValueError, match="a network table must be a path"):
        load_architecture(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="is a directory"):
        load_network(tmp_path)
    with pytest.raises(ValueError, match="not a regular file"):
        load_network("/dev/null")


def test_report_rejects_a_non_network() -> None:
    with pytest.raises(ValueError, match="network must be one of"):
        costmodel.report(architecture="mobilenet.csv")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="network must be a name such as"):
        costmodel.report(network=42)  # type: ignore[arg-type]


# --- the custom-table cases of issue 9: each counted exactly or refused -----------------------

def test_pointwise_after_the_pool_is_counted_on_the_pooled_map() -> None:
    table = HEADER + ("c1,conv,3,2,3,16\npool,avgpool,1,1,16,16\np1,pointwise,1,1,16,32\n"
                      "fc,fc,1,1,32,10\n")
    r = costmodel.report(network=parse_network(table, image_size=8))
    # c1: 3·3·3·16·4·4; p1 on the 1×1 pooled vector: 16·32; fc: 32·10
    assert r.mult_adds == 6_912 + 512 + 320
    assert r.layers["mult_adds"].sum() == r.mult_adds


def test_a_pointwise_classifier_keeps_its_classes() -> None:
    table = HEADER + "c1,conv,3,2,3,16\np1,pointwise,1,1,16,10\n"
    layers = costmodel.report(0.5, network=parse_network(table, image_size=8)).layers
    assert layers.iloc[-1]["out_c"] == 10  # the classes never scale


def test_a_depthwise_first_layer_keeps_the_image_channels() -> None:
    table = HEADER + "d1,depthwise,3,2,3,3\np1,pointwise,1,1,3,32\npool,avgpool,1,1,32,32\n" \
        "fc,fc,1,1,32,10\n"
    layers = costmodel.report(2.0, network=parse_network(table, image_size=8)).layers
    assert list(layers["in_c"][:2]) == [3, 3]
    assert layers.iloc[0]["mult_adds"] == 9 * 3 * 4 * 4


def test_an_fc_must_follow_a_pool_at_every_resolution() -> None:
    table = HEADER + "c1,conv,3,2,3,16\nfc,fc,1,1,16,10\n"
    with pytest.raises(ValueError, match="line 3: classifier needs a pooled 1×1 input"):
        parse_network(table, image_size=2)


# --- the block schema ---------------------------------------------------------------------

BLOCK = ("operator,t,c,n,s,k,se,nl\n"
         "conv,,16,1,2,3,,relu\n"
         "inverted_residual,6,24,2,2,3,0.25,relu\n"
         "pool,,,,,,,\n"
         "classifier,,classes,,,,,\n")


def test_block_table_counts_by_hand() -> None:
    net = parse_network("# image_size: 16\n# classes: 10\n# se_squeeze: input\n# expansion: "
                        "product\n" + BLOCK)
    r = costmodel.report(network=net)
    # stem 3→16 at 8×8: 3·3·3·16·64 = 27,648
    # b1: expand 16→96 at 8×8 (98,304), dw 3×3 on 96 at 4×4 (13,824), SE 96→4→96 (768),
    #     project 96→24 at 4×4 (36,864)
    # b2: expand 24→144 at 4×4 (55,296), dw (20,736), SE 144→6→144 (1,728), project 144→24
    #     (55,296); residual at stride 1 with equal channels
    # classifier 24→10: 240
    assert r.mult_adds == (27_648 + 98_304 + 13_824 + 768 + 36_864 + 55_296 + 20_736 + 1_728
                           + 55_296 + 240)
    names = list(r.layers["name"])
    assert "b2.add" in names and "b1.add" not in names


BLOCK_BAD = [
    ("operator,t,c,k\nconv,,16,3\ninverted_residual,0,16,3\n", "line 3: t must be a number in"),
    ("operator,t,c,k\nconv,,16,3\ninverted_residual,-1,16,3\n", "line 3: t must be a number"),
    ("operator,c,k,nl\nconv,16,3,mish\n", "line 2: nl must be one of none, relu"),
    ("operator,t,c,s,k,residual\nconv,,16,1,3,\ninverted_residual,6,24,1,3,yes\n",
     "line 3: residual=yes needs stride 1 and equal input and output channels"),
    ("operator,t,c,s,k,residual\nconv,,16,1,3,\ninverted_residual,6,16,2,3,yes\n",
     "line 3: residual=yes needs stride 1"),
    ("operator,t,c,k,se\nconv,,16,3,\ninverted_residual,6,16,3,1.5\n",
     "line 3: se must be a ratio in \\(0, 1\\]"),
    ("operator,t,c,k,se\nconv,,16,3,\ninverted_residual,6,16,3,0\n",
     "line 3: se must be a ratio in \\(0, 1\\]"),
    ("operator,c,k\nconv,16,4\n", "line 2: k must be an odd positive integer"),
    ("operator,c,k\nconv,16,0\n", "line 2: k must be an odd positive integer"),
    ("operator,c,k\nconv,16,x\n", "line 2: k must be an integer in ASCII digits"),
    ("operator,c,k\nconvolution,16,3\n", "line 2: operator must be one of conv"),
    ("operator,c,k\nconv,16,3\nclassifier,classes,\n", "line 3: classifier needs a pooled"),
    ("operator;c;k\nconv;16;3\n", "line 1: the header is semicolon-separated"),
    ("operator\tc\tk\nconv\t16\t3\n", "line 1: the header is tab-separated"),
    ("operator,c,c\nconv,16,3\n", "line 1: column 'c' appears twice"),
    ("# colour: red\noperator,c,k\nconv,16,3\n", "line 1: unknown key 'colour'"),
    ("operator,c,k\nconv,１６,3\n", "line 2: c must be an integer in ASCII digits"),
    ("operator,c,k\nconv,1_6,3\n", "line 2: c must be an integer in ASCII digits"),
]


@pytest.mark.parametrize(("text", "message"), BLOCK_BAD, ids=[m[:40] for _, m in BLOCK_BAD])
def test_block_schema_errors_name_line_and_field(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_network(text)
