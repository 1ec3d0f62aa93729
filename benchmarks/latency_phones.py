"""Validation (a): phone latencies, held out.

The ``pixel1`` profile is fitted on MobileNet v2's 22 published Pixel-1 latencies only (TF-slim
README). It then predicts MnasNet-A1's 25 (tensorflow/tpu README) and the float MobileNet v3
rows (TF-slim README, Large, Small and minimalistic), which it never saw. The baseline is an
affine function of the printed Mult-Adds, fitted on the same 22 v2 rows. Both are reported side
by side, whichever wins. Deterministic: no timing involved. Writes latency_phones.csv.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from results_table import write_results

import costmodel
from costmodel.hardware.device_fit import published_latencies
from costmodel.literature.published import published_rows

HERE = Path(__file__).resolve().parent
HELD_OUT = {"MnasNet-A1": ["mnasnet_a1"],
            "MobileNet v3 (float)": ["mobilenet_v3_large", "mobilenet_v3_small",
                                     "mobilenet_v3_large_minimalistic",
                                     "mobilenet_v3_small_minimalistic"]}
TARGETS = {"MnasNet-A1": 10.0, "MobileNet v3 (float)": 15.0}


def printed_mult_adds(network: str, model: str) -> float:
    """The Mult-Adds the checkpoint table prints for ``model``, in millions."""
    row = next(r for r in published_rows() if r.network == network and r.model == model
               and r.mult_adds is not None and r.latency_ms is not None)
    assert row.mult_adds is not None
    return row.mult_adds.millions


def mape(predicted: list[float], measured: list[float]) -> float:
    p, m = np.array(predicted), np.array(measured)
    return float(np.mean(np.abs(p - m) / m) * 100)


def main() -> None:
    profile = costmodel.get_profile("pixel1")
    v2 = published_latencies("mobilenet_v2")
    x = np.array([printed_mult_adds("mobilenet_v2", model) for *_, model in v2])
    y = np.array([ms for _, _, ms, _ in v2])
    slope, intercept = np.linalg.lstsq(np.c_[x, np.ones_like(x)], y, rcond=None)[0]
    assert profile.fit is not None
    rows = [("pixel1 fit on MobileNet v2 (22 rows), MAPE", profile.fit.mape_pct, "%", "",
             f"largest error {profile.fit.max_abs_pct:.1f} %")]
    print(f"pixel1 profile: {profile.description}")
    print(f"  fit on 22 v2 rows: MAPE {profile.fit.mape_pct:.2f} %, largest "
          f"{profile.fit.max_abs_pct:.1f} %; baseline: {slope:.4f} ms per M Mult-Adds + "
          f"{intercept:.2f} ms")
    for label, networks in HELD_OUT.items():
        measured, model, baseline = [], [], []
        for network in networks:
            for alpha, resolution, ms, name in published_latencies(network):
                r = costmodel.report(alpha, resolution=resolution, network=network)
                measured.append(ms)
                model.append(r.latency(profile).total_ms)
                baseline.append(slope * printed_mult_adds(network, name) + intercept)
        ours, theirs = mape(model, measured), mape(baseline, measured)
        print(f"  {label} ({len(measured)} rows, held out): model MAPE {ours:.2f} %, "
              f"Mult-Adds-affine baseline {theirs:.2f} % (target ≤ {TARGETS[label]:g} %)")
        rows.append((f"{label}, {len(measured)} rows held out: latency model MAPE", ours, "%",
                     f"<= {TARGETS[label]:g} %", "pixel1 profile fitted on v2 only"))
        rows.append((f"{label}, {len(measured)} rows held out: Mult-Adds-affine baseline MAPE",
                     theirs, "%", "", "affine in printed Mult-Adds, fitted on v2 only"))
    write_results(HERE / "latency_phones.csv", rows)


if __name__ == "__main__":
    main()
