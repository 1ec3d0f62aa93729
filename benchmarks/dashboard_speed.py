"""How fast the dashboard redraws, against a hello-world Streamlit page, in real Chromium.

Both pages (``app.py`` and ``benchmarks/hello_app.py``) are served the same way (one Streamlit
server each, started from the repository's root, so both read ``.streamlit/config.toml``) and
timed the same way, in one run:
- *first load*: from ``page.goto`` until the first metric is shown and the script is idle;
- *slider move → idle*: one ArrowLeft/ArrowRight on the α slider (keyboard focus), back and
  forth between two values, until the first metric shows the new value, the script state is
  ``notRunning``, no element is marked stale, and two animation frames have been painted
  (every element redrawn). (A fast rerun can go from running to idle within one React render,
  so the script-state attribute alone cannot be watched for the change.) The page's changes
  schedule one check at the start of the next frame rather than a check each: checks run on
  every change cost the heavier views up to 8 ms a move of the page's own time (a JavaScript
  profile of the Lesson), for the same frame boundary. (Checking on every frame instead, changed
  or not, delayed the key's handling by ~10 ms on both pages.) The check reads the metric's
  ``textContent``: ``innerText`` made the browser lay the page out at every check, ~3 ms a move
  of the Lesson's main thread (a JavaScript profile), more on a heavier page.
- *slider move to a new value*: the same, stepping upwards from α 1.0, so that every value is
  new and the library's results (cached by configuration) are computed in the move.
The dashboard is timed in every view (``?view=NAME``), each view on a fresh server (nothing
cached by another view), the hello-world page between views, so that both see the same machine
load. Prints medians and the ratio of each view's slider move to the hello-world page's runs
just before and just after it (the same minutes of the machine's load: its medians moved
between 96 and 176 ms within one run) and to all its runs (target ≤ 1.2), and writes
``benchmarks/dashboard_speed.csv`` (one row per measurement, ``run`` numbering the pages in
the order timed). Usage: ``python benchmarks/dashboard_speed.py [--moves 8] [--loads 3]
[--new-values 6]``.

What the hello-world page's time holds: Streamlit's full garbage collection after each run
(``runner.postScriptGC``), about half of it; the dashboard freezes its heap at each full run so
that its collection after a move scans only what the move made (app.py).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs"))

from screenshots import ARGS, CHROMIUM, IDLE, free_port, start  # noqa: E402

#: the dashboard's rows in the CSV (the hello-world page's: "hello-world page")
DASHBOARD = "costmodel dashboard"

WATCH = """() => {
  // (textContent, not innerText: innerText lays the page out on every check)
  const metric = () => document.querySelector('[data-testid=stMetricValue]')?.textContent;
  const before = metric();
  window.__t0 = performance.now();
  window.__done = new Promise(resolve => {
    const idle = () => {
      const app = document.querySelector('[data-testid=stApp]');
      return metric() !== before && app?.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-stale=true]');
    };
    // a change schedules one check at the start of the next frame (not a check per change:
    // three queries of the whole page on each of a move's many changes cost the heavier
    // views up to 8 ms a move); done at the second frame boundary after the page became
    // idle, as before
    let scheduled = false;
    const check = () => {
      scheduled = false;
      if (!idle()) return;
      observer.disconnect();
      requestAnimationFrame(() => resolve(performance.now() - window.__t0));
    };
    const observer = new MutationObserver(() => {
      if (!scheduled) { scheduled = true; requestAnimationFrame(check); }
    });
    observer.observe(document.body, {attributes: true, subtree: true, childList: true,
                                     characterData: true});
    setTimeout(() => { observer.disconnect(); resolve(-1); }, 15000);
  });
}"""


def _moves(page: object, keys: list[str]) -> list[float]:
    """Press each key on the focused slider; the time of each to an idle page (ms)."""
    redraw: list[float] = []
    for key in keys:
        page.evaluate(WATCH)  # type: ignore[attr-defined]
        page.keyboard.press(key)  # type: ignore[attr-defined]
        elapsed = float(page.evaluate("window.__done"))  # type: ignore[attr-defined]
        if elapsed < 0:
            raise SystemExit("a slider move did not redraw within 15 s")
        redraw.append(elapsed)
        page.wait_for_timeout(300)  # type: ignore[attr-defined]
    return redraw


def measure(page: object, url: str, moves: int, loads: int,
            new_values: int) -> tuple[list[float], list[float], list[float]]:
    first: list[float] = []
    for _ in range(loads):
        start_time = time.perf_counter()
        page.goto(url)  # type: ignore[attr-defined]
        page.wait_for_selector("[data-testid=stMetricValue]", timeout=60_000)  # type: ignore[attr-defined]
        page.wait_for_selector(IDLE, timeout=60_000)  # type: ignore[attr-defined]
        first.append((time.perf_counter() - start_time) * 1000)
    page.wait_for_timeout(1000)  # type: ignore[attr-defined]
    slider = page.locator("[data-testid=stSlider] input[type=range]").first  # type: ignore[attr-defined]
    slider.focus()
    # back and forth between two values (after the first two moves, each value seen before),
    # then step by step upwards from α 1.0 (each value new: the library's results computed)
    redraw = _moves(page, ["ArrowLeft" if i % 2 == 0 else "ArrowRight" for i in range(moves)])
    if moves % 2:  # back at α 1.0 first (a value seen), untimed
        _moves(page, ["ArrowRight"])
    fresh = _moves(page, ["ArrowRight"] * new_values)
    return first, redraw, fresh


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--moves", type=int, default=8)
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--new-values", type=int, default=6,
                        help="moves to a value not seen before (at most 8: α 1.0 to 1.4)")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "dashboard_speed.csv"))
    parser.add_argument("--app", default=str(ROOT / "app.py"), help="the page to time")
    args = parser.parse_args()
    from costmodel.presentation.dashboard_state import VIEWS

    rows: list[dict[str, object]] = []
    hello, dashboard = ROOT / "benchmarks" / "hello_app.py", Path(args.app)
    # the hello-world page on one server; the dashboard on a fresh server for each view, so
    # that each view's moves to new values find nothing cached by the views before it
    ports = {hello: free_port(), dashboard: free_port()}
    processes = {hello: start(hello, ports[hello])}
    # the hello-world page before every view: both are timed under the same load
    runs = [("hello-world page", hello, "")]
    for view in VIEWS:
        runs += [(DASHBOARD, dashboard, view), ("hello-world page", hello, "")]
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            for run, (label, app, view) in enumerate(runs):
                if app == dashboard:
                    if dashboard in processes:
                        previous = processes.pop(dashboard)
                        previous.terminate()
                        previous.wait(timeout=15)
                    ports[dashboard] = free_port()
                    processes[dashboard] = start(dashboard, ports[dashboard])
                url = f"http://127.0.0.1:{ports[app]}/" + (f"?view={quote(view)}" if view else "")
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                page.goto(url)  # warm the server's caches once
                page.wait_for_selector("[data-testid=stMetricValue]", timeout=60_000)
                page.wait_for_selector(IDLE, timeout=60_000)
                first, redraw, fresh = measure(page, url, args.moves, args.loads,
                                               min(args.new_values, 8))
                page.close()
                rows += [{"run": run, "page": label, "view": view, "measure": "first load",
                          "ms": round(v, 1)} for v in first]
                rows += [{"run": run, "page": label, "view": view,
                          "measure": "slider move to idle", "ms": round(v, 1)} for v in redraw]
                rows += [{"run": run, "page": label, "view": view,
                          "measure": "slider move to a new value", "ms": round(v, 1)}
                         for v in fresh]
                print(f"{label} {view}: first load median {statistics.median(first):,.0f} ms; "
                      f"slider move to idle median {statistics.median(redraw):,.0f} ms "
                      f"({min(redraw):,.0f}-{max(redraw):,.0f}); to a new value median "
                      f"{statistics.median(fresh):,.0f} ms", flush=True)
            browser.close()
    finally:
        for process in processes.values():
            process.terminate()
            process.wait(timeout=15)
    def median(page: str, measure: str, view: str = "",
               beside: int | None = None) -> float:
        """The median of ``page``'s ``measure``: in ``view``, or, for the hello-world page
        with ``beside``, in its runs just before and just after run ``beside``."""
        return statistics.median(
            float(str(r["ms"])) for r in rows if r["page"] == page and r["measure"] == measure
            and r["view"] == view and (beside is None or abs(int(str(r["run"])) - beside) == 1))

    hello_moves = median("hello-world page", "slider move to idle")
    hello_load = median("hello-world page", "first load")
    for view in VIEWS:
        run = next(int(str(r["run"])) for r in rows if r["page"] == DASHBOARD
                   and r["view"] == view)
        move = median(DASHBOARD, "slider move to idle", view)
        beside = median("hello-world page", "slider move to idle", beside=run)
        new = (median(DASHBOARD, "slider move to a new value", view)
               / median("hello-world page", "slider move to a new value", beside=run))
        print(f"{view}: {move / beside:.2f}× the hello-world page's runs on either side "
              f"(target ≤ 1.2), {move / hello_moves:.2f}× all its runs; to a new value "
              f"{new:.2f}×; first load +{median(DASHBOARD, 'first load', view) - hello_load:,.0f}"
              f" ms (target ≤ 1,500)")
    with open(args.out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["run", "page", "view", "measure", "ms"])
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
