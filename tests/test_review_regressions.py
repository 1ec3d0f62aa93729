"""Cases a review found, each counted exactly or refused (expected values from torchvision's own
build counted by fvcore, or derived in the test)."""

from __future__ import annotations

import numpy as np
import pytest

import costmodel
from costmodel.base.formatting import times_fewer_or_more
from costmodel.descriptions.network_tables import parse_network


def test_torchvision_v3_drops_the_expansion_where_its_widths_meet() -> None:
    # torchvision's mobilenet_v3_large(width_mult=0.1) counted by fvcore (conv + linear) and
    # torch's own parameter count: the first blocks' 8-wide expansions equal their inputs
    r = costmodel.report(0.1, resolution=224, network="mobilenet_v3_large", rules="torchvision")
    assert (r.mult_adds, r.params_with_bn) == (9_008_704, 184_944)
    grid = costmodel.sweep([0.1, 1.0], [224], network="mobilenet_v3_large", rules="torchvision")
    assert grid.mult_adds[0, 0] == r.mult_adds
    assert r.layers["mult_adds"].sum() == r.mult_adds


def test_residual_adds_follow_the_built_widths() -> None:
    # v2 at α = 0.2: 64 → 96 (b11) rounds to 16 → 24 ... ; every stride-1 block whose built
    # input and output widths are equal adds its input: the elements of those outputs
    r = costmodel.report(0.2, network="mobilenet_v2")
    adds = r.layers[r.layers["op"] == "add"]
    assert (adds["in_c"] == adds["out_c"]).all()
    assert r.elementwise["residual adds"] == int((adds["out_h"] ** 2 * adds["out_c"]).sum())
    assert r.elementwise["residual adds"] == 159_936


def test_a_one_channel_image_is_not_a_depthwise_stem() -> None:
    net = parse_network("# image_channels: 1\n# image_size: 28\noperator,c,n,s,k\n"
                        "conv,16,1,1,3\npool,,,,\nclassifier,classes,,,\n")
    r = costmodel.report(network=net)
    d = costmodel.derive("stem", network=net)
    assert d.mult_adds == 3 * 3 * 1 * 16 * 28 * 28 == r.layers.iloc[0]["mult_adds"]
    assert r.layers.iloc[0]["kind"] == "conv"


def test_a_misspelt_row_in_a_rule_set_is_refused() -> None:
    with pytest.raises(ValueError, match=r"width\.heda names no row"):
        parse_network("# rules.a: width.heda=fixed\noperator,name,c,k\nconv,stem,16,3\n"
                      "conv,head,32,1\n")


def test_classes_belong_to_the_classifier() -> None:
    with pytest.raises(ValueError, match="c=classes is for the layer that gives the classes"):
        parse_network("operator,t,c,k\nconv,,16,3\ninverted_residual,6,classes,3\n")


def test_frontier_refuses_what_it_cannot_compare() -> None:
    net = costmodel.report().network
    for bad in ([net], [None], ["resnet50"]):
        with pytest.raises(ValueError, match="networks must name built-in networks"):
            costmodel.frontier(networks=bad)  # type: ignore[arg-type]


def test_sweep_refuses_counts_beyond_int64() -> None:
    net = parse_network("operator,c,n,s,k\nconv,100000,1,1,31\nconv,100000,1,1,31\n")
    exact = costmodel.report(4.0, resolution=4096, network=net).mult_adds
    # 31·31·400,000·400,000·4096² for the second conv alone
    assert exact > 31 * 31 * 400_000 * 400_000 * 4096**2 > 2**63
    with pytest.raises(ValueError, match="cannot stay exact in int64"):
        costmodel.sweep([4.0], [4096], network=net)
    with pytest.raises(ValueError, match="cannot stay exact in int64"):
        costmodel.sweep([4.0], [4096], network=net, paired=True)


def test_layers_stay_exact_beyond_int64() -> None:
    net = parse_network("operator,c,n,s,k\nconv,100000,1,1,1\n" + "conv,100000,1,1,1\n" * 4)
    r = costmodel.report(4.0, resolution=4096, network=net)
    assert r.mult_adds > 2**63
    assert sum(r.layers["mult_adds"]) == r.mult_adds
    assert sum(r.by_type["mult_adds"]) == r.mult_adds
    assert abs(sum(r.by_type["mult_adds_pct"]) - 100) < 1e-9


def test_variants_keep_the_papers_names() -> None:
    shallow = costmodel.report(variant="shallow").layers
    assert "dw7" not in set(shallow["name"]) and "dw12" in set(shallow["name"])
    dw12 = shallow.set_index("name").loc["dw12"]
    assert (dw12["in_c"], dw12["stride"]) == (512, 2)
    full = costmodel.report(variant="full").layers
    assert list(full["name"][:3]) == ["conv1", "conv_dw1_pw1", "conv_dw2_pw2"]


def test_a_borrowed_key_gets_no_published_table() -> None:
    text = ("# key: mobilenet_v1\n# rounding: truncate\noperator,name,c,n,s,k\n"
            "conv,conv1,32,1,2,3\nseparable,,64,1,1,3\npool,pool,,,,\n"
            "classifier,fc,classes,,,\n")
    r = costmodel.report(network=parse_network(text))
    assert "paper_mult_adds_pct" not in r.by_type.columns
    assert r.published == () and r.accuracy is None


def test_a_new_depth_with_the_same_repeats_reuses_the_network() -> None:
    from costmodel.core.graph import _build

    costmodel.report(network="efficientnet_b0", depth=1.01)
    before = _build.cache_info().misses
    for depth in np.linspace(1.02, 1.04, 5):  # ceil(d·n) stays (2, 3, 3, 4, 4, 5, 2)
        costmodel.report(network="efficientnet_b0", depth=float(depth))
    assert _build.cache_info().misses == before


def test_frontier_says_why_candidates_were_not_ranked() -> None:
    # α 0.01 and 0.02 cost 5.7 M Mult-Adds (within the budget) but lie outside the v1 model's
    # range; the message must say that rather than "nothing fits"
    f = costmodel.frontier(max_mult_adds=1e9, alphas=[0.01, 0.02], resolutions=[224])
    assert f.empty
    message = f.attrs["message"]
    assert "No configuration fits" not in message
    assert "2 mobilenet_v1 candidates lie outside its accuracy model's range" in message


def test_csv_neutralises_formula_names_in_string_columns() -> None:
    import pandas as pd

    from costmodel.base.formatting import frame_to_csv

    frame = pd.DataFrame({"name": pd.Series(["=cmd|' /C calc'!A0", "+pw1", "pw2"],
                                            dtype="string"), "mult_adds": [1, 2, 3]})
    text = frame_to_csv(frame)
    assert "\n'=cmd" in text and "\n'+pw1" in text and "\npw2," in text
    table = ("name,kind,kernel,stride,in_channels,out_channels\n"
             "=cmd,conv,3,2,3,8\n@x,pointwise,1,1,8,8\n")
    r = costmodel.report(network=costmodel.load_network(table.encode(), name="t.csv"))
    csv_text = frame_to_csv(r.layers)
    assert "\n'=cmd," in csv_text and "\n'@x," in csv_text


def test_image_size_accepts_numpy_integers() -> None:
    import numpy as np

    from costmodel.descriptions.builtin_networks import data_dir

    path = data_dir() / "examples" / "mobilenet_v1_cifar_layers.csv"
    assert costmodel.load_network(path, image_size=np.int64(32)).image_size == 32


def test_plane_figure_of_a_table_with_a_large_reference_size() -> None:
    from costmodel.presentation import plots

    table = ("# image_size: 4096\noperator,t,c,n,s,k,se,nl\nconv,,16,1,2,3,,relu\n"
             "pool,,,,,,,\nclassifier,,classes,,,,,\n")
    net = costmodel.load_network(table.encode(), name="big.csv")
    figure = plots.plane_figure(costmodel.report(network=net))
    assert 4000 < max(figure.data[0].x) <= 4096  # the plane stops at the largest input


@pytest.mark.parametrize(("ratio", "words"), [
    (0.1168, "8.56× fewer Mult-Adds than standard convs"),
    (1.1679, "1.17× more Mult-Adds than standard convs"),
    (1.002, "1.002× more Mult-Adds than standard convs"),
    (1.0004, "1.0004× more Mult-Adds than standard convs"),  # not "1.000× more"
    (1 / 1.00003, "1.00003× fewer Mult-Adds than standard convs"),
    (1 + 1e-9, "about as many Mult-Adds as standard convs"),
    (1.0, "as many Mult-Adds as standard convs"),
])
def test_a_factor_near_one_is_printed_with_the_digits_that_show_it(ratio: float,
                                                                   words: str) -> None:
    # issue 17, section 1: "1.0×" and "0.5×" fewer; a factor never prints as 1.00 or 1.000
    assert times_fewer_or_more(ratio, "Mult-Adds", "standard convs") == words
