"""Server-side rerun time of the dashboard after a slider move (target: median <= 150 ms).

Drives app.py headless with streamlit.testing.v1.AppTest: each rerun moves the α or the
resolution slider to a new value, so no cached figure answers. The time includes AppTest's own
bookkeeping, so it is an upper bound on what the server spends. Writes app_results.csv.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from results_table import write_results
from streamlit.testing.v1 import AppTest

HERE = Path(__file__).resolve().parent
APP = str(HERE.parent / "app.py")


def main() -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    alphas = [0.25 + 0.05 * i for i in range(16)]
    times: dict[str, list[float]] = {"alpha slider": [], "resolution slider": [],
                                     "with a 150 M budget": []}
    for i in range(40):
        at.slider(key="alpha").set_value(round(alphas[i % 16], 2))
        start = time.perf_counter()
        at.run()
        times["alpha slider"].append(time.perf_counter() - start)
        at.slider(key="resolution").set_value(96 + (i * 7) % 225)
        start = time.perf_counter()
        at.run()
        times["resolution slider"].append(time.perf_counter() - start)
    at.number_input(key="budget_mult_adds").set_value(150.0).run()
    for i in range(20):
        at.slider(key="resolution").set_value(100 + i * 5)
        start = time.perf_counter()
        at.run()
        times["with a 150 M budget"].append(time.perf_counter() - start)
    assert not at.exception
    rows = [(f"dashboard rerun, {name} (AppTest)", statistics.median(v) * 1e3, "ms",
             "<= 150 ms", f"{len(v)} reruns, max {max(v) * 1e3:.0f} ms")
            for name, v in times.items()]
    for name, value, unit, target, note in rows:
        print(f"  {name:<52} {value:8.1f} {unit}  {target}  {note}")
    write_results(HERE / "app_results.csv", rows)


if __name__ == "__main__":
    main()
