"""Validation (c): timm's published CPU timings, ordered.

timm's benchmark CSVs (huggingface/pytorch-image-models@aa4b5850; fp32, batch 1, PyTorch 2.4
with dynamo) time MobileNet v1, v2, v3-Small, v3-Large and EfficientNet-B0 on an i9-10940X and
an i7-12700H. Mult-Adds order v1 after v2 and v3-Large, where both CPUs run it faster. This
script says where the latency model orders the five as measured, and where not, on:

* the i9-10940X by its spec sheet (i9-10940x-spec: no overhead, peak rates);
* this machine, calibrated now (costmodel.calibrate, not saved; PyTorch if installed, as timm
  times PyTorch, else numpy).

Deterministic for the spec sheet; the calibrated column moves with this machine. Writes
latency_timm.csv.
"""

from __future__ import annotations

from importlib.util import find_spec
from itertools import combinations
from pathlib import Path

from results_table import write_results

import costmodel
from costmodel.hardware.latency_validation import kendall_tau
from costmodel.literature.published import published_rows

HERE = Path(__file__).resolve().parent
#: The five networks of both CPUs (latency_validation.py holds the i9's 113 rows).
FILE = "timm_cpu.csv"


def main() -> None:
    profiles = {"i9-10940x-spec": costmodel.get_profile("i9-10940x-spec"),
                "this machine": costmodel.calibrate(
                    "this-machine", save=False,
                    backend="pytorch" if find_spec("torch") else "numpy")}
    rows = []
    devices = sorted({r.device for r in published_rows() if r.file == FILE})
    for device in devices:
        measured = [r for r in published_rows() if r.file == FILE and r.device == device
                    and r.network and r.latency_ms is not None]
        names = [r.network for r in measured]
        times = [float(r.latency_ms or 0) for r in measured]
        reports = [costmodel.report(resolution=224, network=r.network, rules=r.rules)
                   for r in measured]
        macs = [float(r.mult_adds) for r in reports]
        order = [n for _, n in sorted(zip(times, names, strict=True))]
        print(f"{device}: measured order {' < '.join(order)}")
        print(f"  Mult-Adds order {' < '.join(n for _, n in sorted(zip(macs, names, strict=True)))}"
              f" (Kendall τ {kendall_tau(times, macs):+.2f})")
        rows.append((f"{device}: Kendall tau, Mult-Adds vs measured", kendall_tau(times, macs),
                     "", "", " < ".join(n for _, n in sorted(zip(macs, names, strict=True)))))
        for label, profile in profiles.items():
            predicted = [r.latency(profile).total_ms for r in reports]
            wrong = [f"{a}/{b}" for (a, ta, pa), (b, tb, pb) in combinations(
                zip(names, times, predicted, strict=True), 2) if (ta - tb) * (pa - pb) < 0]
            tau = kendall_tau(times, predicted)
            predicted_order = " < ".join(n for _, n in sorted(zip(predicted, names, strict=True)))
            print(f"  {label}: order {predicted_order} (Kendall τ {tau:+.2f}); misordered pairs: "
                  f"{', '.join(wrong) or 'none'}")
            rows.append((f"{device}: Kendall tau, latency model on {label}", tau, "", "",
                         f"misordered: {', '.join(wrong) or 'none'}"))
    write_results(HERE / "latency_timm.csv", rows)


if __name__ == "__main__":
    main()
