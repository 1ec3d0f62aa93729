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


@pytest.mark.parametrize(("network", "rules"), PAIRS, ids=[f"{n}-{r}" for n, r in PAIRS])
def test_widths_match_the_array_evaluation(network: str, rules: str) -> None:
    # WidthProgram.evaluate (α-only widths, then the rest) against evaluate_array, a separate
    # numpy path, at the same α, for the graph's program and the plan's compact one
    import numpy as np

    net = get_network(network)
    graph = _graph(network, rules)
    alphas = (net.width,) if net.fixed_width else (net.width, 0.25, 0.35, 0.8734, 1.0,
                                                    1.4, 2.7, 4.0)
    for program in (graph.program, compile_plan(graph).program):
        arrays = program.evaluate_array(np.array(alphas, dtype=np.float64))
        for i, alpha in enumerate(alphas):
            assert program.evaluate(alpha) == [int(v[i]) for v in arrays], alpha


def test_alphas_that_round_to_the_same_widths_share_one_entry() -> None:
    # v1's widths are max(int(α·C), 8): α 0.5001 and 0.5002 give the same channel counts
    from costmodel.core.counting import clear_caches, widths_cached

    plan = compile_plan(_graph("mobilenet_v1", "tf-slim"))
    clear_caches()
    assert widths_cached() == 0
    first = weights_at(plan, 0.5001)
    assert widths_cached() == 1
    second = weights_at(plan, 0.5002)
    assert second is first and widths_cached() == 1
    assert second == weights_by_level(plan, plan.program.evaluate(0.5002))
    third = weights_at(plan, 0.75)  # other widths: a new entry
    assert third != first and widths_cached() == 2
    # ../shared/reference/paper_tables.md, "Exact counts": α 0.5 at 160 px, 76,524,800
    # Mult-Adds and 1,320,648 params; α 0.5002 has the same widths, so the same count
    for alpha in (0.5, 0.5002):
        r = costmodel.report(alpha, resolution=160)
        assert (r.mult_adds, r.params) == (76_524_800, 1_320_648)
    clear_caches()
    assert widths_cached() == 0
