"""The per-α cache of report()'s fast path (costmodel.core.counting.weights_at): a cached entry is
the fresh evaluation, equal α share one entry, and no two graphs share one."""

from __future__ import annotations

import pytest

import costmodel
from costmodel.core.counting import (
    compile_plan,
    compile_standard_plan,
    weights_at,
    weights_by_level,
)
from costmodel.core.graph import Graph, build_graph
from costmodel.descriptions.builtin_networks import NETWORK_NAMES, get_network

PAIRS = [(name, rules) for name in NETWORK_NAMES for rules in get_network(name).rule_names]


def _graph(network: str, rules: str, classes: int | None = None) -> Graph:
    net = get_network(network)
    rule_set = net.rule_set(rules)
    return build_graph(net, rule_set, classes or rule_set.classes, "separable", net.depth)


@pytest.mark.parametrize(("network", "rules"), PAIRS, ids=[f"{n}-{r}" for n, r in PAIRS])
def test_a_cached_entry_is_the_fresh_evaluation(network: str, rules: str) -> None:
    net = get_network(network)
    graph = _graph(network, rules)
    alphas = (net.width,) if net.fixed_width else (net.width, 0.35, 0.8734, 1.4)
    for plan in (compile_plan(graph), compile_standard_plan(graph)):
        for alpha in alphas:
            first = weights_at(plan, alpha)
            assert weights_at(plan, alpha) is first  # the second call is the cached entry
            assert first == weights_by_level(plan, plan.program.evaluate(alpha))
    for alpha in alphas:
        warm = [costmodel.report(alpha, resolution=r, network=network, rules=rules)
                for r in (97, 224)]
        weights_at.cache_clear()
        cold = [costmodel.report(alpha, resolution=r, network=network, rules=rules)
                for r in (224, 97)][::-1]
        for w, c in zip(warm, cold, strict=True):
            assert (w.mult_adds, w.params, w.params_with_bn, w.standard_mult_adds,
                    w.standard_params) == (c.mult_adds, c.params, c.params_with_bn,
                                           c.standard_mult_adds, c.standard_params)


def test_equal_alphas_share_one_entry() -> None:
    plan = compile_plan(_graph("mobilenet_v2", "tf-slim"))
    assert weights_at(plan, 1) is weights_at(plan, 1.0)
    assert costmodel.report(1, network="mobilenet_v2") == costmodel.report(
        1.0, network="mobilenet_v2")


def test_graphs_do_not_share_entries() -> None:
    # the same network and α with 10 and with 1000 classes: two graphs, two entries
    counts = {}
    for classes in (10, 1000, 10):
        r = costmodel.report(0.5, resolution=128, network="mobilenet_v3_small",
                             num_classes=classes)
        counts.setdefault(classes, (r.mult_adds, r.params))
        assert counts[classes] == (r.mult_adds, r.params)
    assert counts[10] != counts[1000]
