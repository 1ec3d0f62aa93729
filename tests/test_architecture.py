"""The MobileNet v1 table (data/mobilenet_v1.csv) against paper Table 1."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from costmodel.architecture import Architecture, LayerSpec, mobilenet_v1
from costmodel.counting import count_layers
from costmodel.kinds import Kind

DATA = Path(__file__).resolve().parents[1] / "data"


def test_table1_has_28_layers_counting_dw_and_pw_separately() -> None:
    arch = mobilenet_v1()
    counted = [s for s in arch.layers if s.kind is not Kind.AVGPOOL]
    assert len(counted) == 28  # Table 1
    assert arch.layers[0].kind is Kind.CONV and arch.layers[0].stride == 2
    assert arch.layers[0].in_channels == 3 and arch.layers[0].out_channels == 32
    assert arch.layers[-1].kind is Kind.FC
    assert (arch.layers[-1].in_channels, arch.layers[-1].out_channels) == (1024, 1000)


def test_strides_give_table1_input_sizes() -> None:
    rows = list(csv.DictReader((DATA / "mobilenet_v1.csv").read_text("utf-8").splitlines()))
    counts = count_layers(mobilenet_v1(), 1.0, 224)
    assert [c.in_size for c in counts] == [int(row["input_size"]) for row in rows]


def test_second_to_last_depthwise_is_stride_1_erratum() -> None:
    dw13 = mobilenet_v1().layer("dw13")
    assert dw13.stride == 1
    assert "erratum" in dw13.note
    counts = {c.name: c for c in count_layers(mobilenet_v1(), 1.0, 224)}
    assert counts["dw13"].in_size == counts["dw13"].out_size == 7


def test_every_row_cites_its_source() -> None:
    for name in ("mobilenet_v1.csv", "paper_results.csv", "tfslim_checkpoints.csv",
                 "paper_table2.csv", "paper_table3.csv"):
        rows = list(csv.DictReader((DATA / name).read_text("utf-8").splitlines()))
        assert rows and all(row["source"] for row in rows), name


def test_variants() -> None:
    full = mobilenet_v1("full")
    assert [s.kind for s in full.layers].count(Kind.CONV) == 14
    assert Kind.DEPTHWISE not in {s.kind for s in full.layers}
    shallow = mobilenet_v1("shallow")
    assert len(mobilenet_v1().layers) - len(shallow.layers) == 10  # five dw+pw pairs
    with pytest.raises(ValueError, match="variant must be one of separable, full, shallow"):
        mobilenet_v1("deep")


def test_unknown_layer_name_lists_the_names() -> None:
    with pytest.raises(ValueError, match="layer must be one of: conv1, dw1"):
        mobilenet_v1().layer("dw99")


def test_layer_spec_validation() -> None:
    with pytest.raises(ValueError, match="kernel must be a positive integer"):
        LayerSpec(name="x", kind=Kind.CONV, kernel=0, stride=1, in_channels=3, out_channels=8)
    with pytest.raises(ValueError, match="depthwise layer keeps its channels"):
        LayerSpec(name="x", kind=Kind.DEPTHWISE, kernel=3, stride=1, in_channels=8,
                  out_channels=16)


def test_architecture_validation() -> None:
    a = LayerSpec(name="a", kind=Kind.CONV, kernel=3, stride=1, in_channels=3, out_channels=8)
    b = LayerSpec(name="b", kind=Kind.POINTWISE, kernel=1, stride=1, in_channels=16,
                  out_channels=8)
    with pytest.raises(ValueError, match="does not match out_channels=8"):
        Architecture(name="t", layers=(a, b))
    with pytest.raises(ValueError, match="empty"):
        Architecture(name="t", layers=())
