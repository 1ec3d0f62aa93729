"""Your own layer tables: validation (line and field named), the CIFAR table, and report()."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import costmodel
from costmodel.layer_tables import load_architecture, parse_architecture

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
    arch = parse_architecture(SMALL, name="tiny", image_size=8)
    r = costmodel.report(architecture=arch)
    # c1: 3·3·3·16·4·4 = 6,912; d1: 3·3·16·4·4 = 2,304; p1: 16·32·4·4 = 8,192; fc: 32·10
    assert r.mult_adds == 6_912 + 2_304 + 8_192 + 320
    assert r.params == 432 + 144 + 512 + 330
    assert r.resolution == 8 and r.rho == 1.0
    half = costmodel.report(0.5, architecture=arch, resolution=16)
    # channels 16→8, 32→16 (the minimum is 8); sizes 8 px after the stride-2 conv
    assert half.mult_adds == 9 * 3 * 8 * 64 + 9 * 8 * 64 + 8 * 16 * 64 + 16 * 10


def test_mobilenet_table_through_the_loader_is_the_same_network() -> None:
    arch = load_architecture(DATA / "mobilenet_v1.csv")
    assert arch.image_size == 224 and arch.layers == costmodel.mobilenet_v1().layers
    r = costmodel.report(0.5, resolution=160, architecture=arch)
    assert (r.mult_adds, r.params) == (76_524_800, 1_320_648)
    assert r.published == () and r.accuracy is None  # only for the library's own MobileNet
    full = costmodel.report(architecture=arch, variant="full")
    assert full.mult_adds == 4_867_293_184


def test_cifar_mobilenet() -> None:
    arch = costmodel.cifar_mobilenet_v1()
    assert arch.image_size == 32
    r = costmodel.report(architecture=arch)
    # conv1 at 32×32 (stride 1): 3·3·3·32·32·32; then the ImageNet body at 1/7 the size
    assert r.layers.iloc[0]["mult_adds"] == 884_736
    assert r.mult_adds == 46_354_432
    assert r.params == 3_195_338  # 3,185,088 body + 1024·10 + 10
    assert costmodel.sweep([1.0], [32], architecture=arch).mult_adds[0, 0] == r.mult_adds


def test_file_objects_and_bytes() -> None:
    assert load_architecture(SMALL.encode()).layers[0].name == "c1"
    assert load_architecture(io.BytesIO(SMALL.encode())).layers[-1].out_channels == 10
    assert load_architecture(io.StringIO(SMALL)).image_size == 224
    assert load_architecture(("\ufeff" + SMALL).encode()).layers[0].name == "c1"  # BOM


BAD = [
    ("", "empty"),
    (HEADER, "no layer rows"),
    ("name,kind,kernel\nx,conv,3\n", "line 1: missing column\\(s\\) stride, in_channels"),
    (HEADER.strip() + ",colour\n" + "c1,conv,3,2,3,16,red\n", "unknown column\\(s\\) 'colour'"),
    (HEADER + "c1,pool,3,2,3,16\n", "line 2: kind must be one of conv, depthwise"),
    (HEADER + "c1,conv,3.5,2,3,16\n", "line 2: kernel must be a positive integer, got '3.5'"),
    (HEADER + "c1,conv,3,0,3,16\n", "line 2: stride must be a positive integer, got 0"),
    (HEADER + "c1,conv,3,2,3,-16\n", "line 2: out_channels must be a positive integer"),
    (HEADER + "c1,conv,3,2,3,16\nd1,depthwise,3,1,8,8\n",
     "line 3: in_channels=8 does not match out_channels=16"),
    (HEADER + "c1,conv,3,2,3,16\nd1,depthwise,3,1,16,32\n",
     "line 3: .*depthwise layer keeps its channels"),
    (HEADER + "c1,conv,3,2,3,16\nc2,conv,3,400,16,16\n",
     "line 3: stride 400 leaves no pixels of a 112×112 input"),
    (HEADER + "c1,conv,3,2,3,16\nfc,fc,1,1,16,10\n", "line 3: an fc layer needs a 1×1 input"),
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
    with pytest.raises(ValueError, match="architecture must be a path"):
        load_architecture(42)  # type: ignore[arg-type]


def test_report_rejects_a_non_architecture() -> None:
    with pytest.raises(ValueError, match="architecture must be an Architecture"):
        costmodel.report(architecture="mobilenet.csv")  # type: ignore[arg-type]
