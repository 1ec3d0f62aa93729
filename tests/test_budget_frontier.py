"""frontier()'s ranking (issue 17, 2): a configuration with a released checkpoint is preferred
where its measured top-1 is within or above the best prediction's interval (the ranking is by
``low``, the low end of the top-1's interval), a checkpoint's top-1 is taken before a paper's
figure of the same configuration, and ``checkpoints_only`` ranks released checkpoints only.

Expected answers are published figures, the source in the test id or the comment:
TF-slim ``mobilenet_v1.md`` (MobileNet_v1_1.0_224: 569 M MACs, 70.9 %; MobileNet_v1_0.5_224:
150 M, 63.3 %), TF-slim ``mobilenet/README.md`` (mobilenet_v2_1.0_192: 221 M, 70.7 %),
tensorflow/tpu ``mnasnet/README.md`` (MnasNet-A1 0.75-160: 70.1 %), timm's
``results/results-imagenet.csv`` at aa4b5850 (mixnet_l.ft_in1k 78.970 %, ghostnet_100.in1k
73.958 %), torchvision's weights (efficientnet_b2 at 288 px: 80.608 %) and the EfficientNet
paper, Table 2 (B2 at 260 px: 79.8 %). The intervals are ± the largest leave-one-out error
docs/accuracy.md lists per fit (MnasNet-A1: 0.99 points)."""

from __future__ import annotations

import pytest

import costmodel
from costmodel.presentation.dashboard_state import BUDGET_NETWORKS

V1_SLIM = "TF-slim mobilenet_v1.md"
V2_SLIM = "TF-slim mobilenet/README.md (v2)"
MNAS = "tensorflow/tpu mnasnet/README.md"
TIMM = "timm results/results-imagenet.csv @aa4b5850"


def _first(frame: object) -> tuple[object, ...]:
    row = frame.iloc[0]  # type: ignore[attr-defined]
    return (row["network"], float(row["alpha"]), int(row["resolution"]), float(row["top1"]),
            row["basis"], bool(row["checkpoint"]), row["source"])


def test_600m_mobilenet_v1_is_the_tf_slim_checkpoint_not_the_prediction_at_216_px() -> None:
    # before: α 1 at 216 px, 70.8 % predicted; the paper's 70.6 % stood for 1.0-224
    f = costmodel.frontier(max_mult_adds=600e6)
    assert _first(f) == ("mobilenet_v1", 1.0, 224, 70.9, "measured", True,
                         f"{V1_SLIM}: MobileNet_v1_1.0_224")
    assert int(f["mult_adds"].iloc[0]) == 568_740_352  # TF-slim prints 569 M
    second = f.iloc[1]
    assert (float(second["alpha"]), int(second["resolution"]), second["basis"]) == (
        1.0, 216, "predicted")
    assert not bool(second["checkpoint"])


def test_a_checkpoint_within_the_prediction_interval_is_preferred() -> None:
    # MobileNet v2 at 300 M: the best point estimate is a prediction above 70.7 %, but TF-slim's
    # mobilenet_v2_1.0_192 (70.7 %) is within its interval: the checkpoint is the answer
    f = costmodel.frontier(max_mult_adds=300e6, networks=["mobilenet_v2"])
    assert _first(f) == ("mobilenet_v2", 1.0, 192, 70.7, "measured", True,
                         f"{V2_SLIM}: mobilenet_v2_1.0_192")
    predicted = f[f["basis"] == "predicted"]
    best = predicted.sort_values("top1", ascending=False).iloc[0]
    assert best["top1"] > 70.7 >= best["low"]


def test_a_checkpoint_below_the_prediction_interval_is_not_preferred() -> None:
    # MnasNet-A1 at 150 M: the README's best within it, 0.75-160 at 70.1 %, is below the best
    # prediction's interval (α 1.05 at 144 px, ± 0.99): the prediction stays the answer
    f = costmodel.frontier(max_mult_adds=150e6, networks=["mnasnet_a1"])
    first = f.iloc[0]
    assert (first["network"], float(first["alpha"]), int(first["resolution"]),
            first["basis"], bool(first["checkpoint"])) == (
        "mnasnet_a1", 1.05, 144, "predicted", False)
    assert 70.1 < first["low"] == pytest.approx(first["top1"] - 0.99, abs=0.005)


@pytest.mark.parametrize(("budget", "network", "expected"), [
    pytest.param(600e6, "mobilenet_v1",
                 ("mobilenet_v1", 1.0, 224, 70.9, "measured", True,
                  f"{V1_SLIM}: MobileNet_v1_1.0_224"), id="600M-v1-TF-slim-1.0_224"),
    pytest.param(150e6, "mobilenet_v1",
                 ("mobilenet_v1", 0.5, 224, 63.3, "measured", True,
                  f"{V1_SLIM}: MobileNet_v1_0.5_224"), id="150M-v1-TF-slim-0.5_224"),
    pytest.param(150e6, "mnasnet_a1",
                 ("mnasnet_a1", 0.75, 160, 70.1, "measured", True,
                  f"{MNAS}: MnasNet-A1 0.75-160"), id="150M-MnasNet-README-0.75-160"),
])
def test_checkpoints_only(budget: float, network: str, expected: tuple[object, ...]) -> None:
    f = costmodel.frontier(max_mult_adds=budget, networks=[network], checkpoints_only=True)
    assert _first(f) == expected
    assert set(f["basis"]) == {"measured"} and f["checkpoint"].all()
    assert "with a released checkpoint fit" in f.attrs["message"]


@pytest.mark.parametrize(("budget", "expected"), [
    pytest.param(600e6, ("mixnet_l", 1.3, 224, 78.97, "measured", True,
                         f"{TIMM}: mixnet_l.ft_in1k"), id="600M-timm-mixnet_l"),
    pytest.param(150e6, ("ghostnet_100", 1.0, 224, 73.958, "measured", True,
                         f"{TIMM}: ghostnet_100.in1k"), id="150M-timm-ghostnet_100"),
])
@pytest.mark.parametrize("checkpoints_only", [False, True])
def test_every_network(budget: float, expected: tuple[object, ...],
                       checkpoints_only: bool) -> None:
    f = costmodel.frontier(max_mult_adds=budget, networks=BUDGET_NETWORKS,
                           checkpoints_only=checkpoints_only)
    assert _first(f) == expected


def test_a_paper_figure_is_measured_but_not_a_checkpoint() -> None:
    # EfficientNet-B2: the paper's 79.8 % at 260 px (no checkpoint listed at that size);
    # torchvision's checkpoint is evaluated at 288 px (80.608 %)
    f = costmodel.frontier(networks=["efficientnet_b2"])
    assert [(int(r), float(t), bool(c)) for r, t, c in zip(
        f["resolution"], f["top1"], f["checkpoint"], strict=True)] == [
        (288, 80.608, True), (260, 79.8, False)]
    only = costmodel.frontier(networks=["efficientnet_b2"], checkpoints_only=True)
    assert list(only["resolution"]) == [288]
    within = costmodel.frontier(networks=["efficientnet_b2"], max_mult_adds=1e9)
    assert _first(within)[3:] == (79.8, "measured", False,
                                  "EfficientNet paper, Table 2: EfficientNet-B2")
    none = costmodel.frontier(networks=["efficientnet_b2"], max_mult_adds=1e9,
                              checkpoints_only=True)
    assert none.empty
    assert none.attrs["message"].startswith(
        "No configuration with a released checkpoint fits the budget (Mult-Adds ≤ "
        "1,000,000,000); the cheapest checkpoint, efficientnet_b2 α = 1.1 at 288 px, needs ")


def test_checkpoints_only_names_the_networks_it_cannot_rank() -> None:
    f = costmodel.frontier(max_mult_adds=600e6, networks=["mobilenet_v1", "ghostnet_050"],
                           checkpoints_only=True)
    assert "1 network with no checkpoint evaluated on ImageNet is not ranked: ghostnet_050" in (
        f.attrs["message"])
    assert set(f["network"]) == {"mobilenet_v1"}


@pytest.mark.parametrize("bad", ["yes", 1, None])
def test_checkpoints_only_must_be_a_bool(bad: object) -> None:
    with pytest.raises(ValueError, match=r"checkpoints_only must be True or False; got"):
        costmodel.frontier(checkpoints_only=bad)  # type: ignore[arg-type]


def test_equal_low_puts_the_checkpoint_first() -> None:
    # MobileNet v1 0.75-224: the paper (Tables 5 and 6) and TF-slim's checkpoint both print
    # 68.4 %: the one configuration is the checkpoint's
    f = costmodel.frontier(networks=["mobilenet_v1"], alphas=[0.75], resolutions=[224])
    assert _first(f) == ("mobilenet_v1", 0.75, 224, 68.4, "measured", True,
                         f"{V1_SLIM}: MobileNet_v1_0.75_224")
