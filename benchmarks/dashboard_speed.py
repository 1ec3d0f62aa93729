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
- *slider move to a new value*: the same, stepping upwards from α 1.0 to 1.4, then (past the
  values seen, untimed) downwards from 0.9 to 0.25, so that every value is new and the
  library's results (cached by configuration) are computed in the move.
The dashboard is timed in every view (``?view=NAME``), each view on a fresh server (nothing
cached by another view), and the hello-world page beside it, turn about: each load and each
move of one page is followed by the same on the other, in both orders in turn (ABBA), so that
every measurement has its counterpart seconds away, under the same load. (Timing the
hello-world page between the views instead, minutes from the view's own moves, let its medians
move between 79 and 111 ms within one run, in steps of a 60-Hz frame, and a view's ratio with
them: in one run, the Lesson's 94-ms median was 1.18x the runs on either side of it and
0.99x all of them.) Each page
runs in a browser context of its own. Prints each view's medians and their ratio to the
hello-world page's timed beside it (target ≤ 1.2), the ratio of the means as a check, and
writes ``benchmarks/dashboard_speed.csv`` (one row per measurement; the hello-world page's rows
name the view they were timed beside). Usage: ``python benchmarks/dashboard_speed.py
[--moves 8] [--loads 3] [--new-values 6] [--cpu-slowdown 1]``.

``--cpu-slowdown N`` runs both pages' renderers N times slower (Chromium's CPU throttling; the
servers run as they are), as on a device whose browser is slower than this one, and writes
``benchmarks/dashboard_speed_slowed.csv``. The two pages spend a move differently: most of the
hello-world page's is its server's (its run and the collection after it), most of the
dashboard's is the browser's main thread redrawing its elements
(``benchmarks/dashboard_main_thread.py`` measures both), so the ratio depends on how fast the
browser is beside the server, and a slowed renderer shows how much room each view has.

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
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs"))

from screenshots import ARGS, CHROMIUM, IDLE, free_port, start  # noqa: E402

#: the pages' names in the CSV
DASHBOARD, HELLO = "costmodel dashboard", "hello-world page"

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


def _move(page: object, key: str) -> float:
    """Press ``key`` on the page's α slider; the time to an idle page (ms)."""
    page.locator("[data-testid=stSlider] input[type=range]").first.focus()  # type: ignore[attr-defined]
    page.evaluate(WATCH)  # type: ignore[attr-defined]
    page.keyboard.press(key)  # type: ignore[attr-defined]
    elapsed = float(page.evaluate("window.__done"))  # type: ignore[attr-defined]
    if elapsed < 0:
        raise SystemExit("a slider move did not redraw within 15 s")
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    return elapsed


def _load(page: object, url: str) -> float:
    """Open ``url``; the time until the first metric shows and the script is idle (ms)."""
    start_time = time.perf_counter()
    page.goto(url)  # type: ignore[attr-defined]
    page.wait_for_selector("[data-testid=stMetricValue]", timeout=60_000)  # type: ignore[attr-defined]
    page.wait_for_selector(IDLE, timeout=60_000)  # type: ignore[attr-defined]
    return (time.perf_counter() - start_time) * 1000


def slow_down(page: object, rate: float) -> None:
    """Run ``page``'s renderer ``rate`` times slower (the DevTools protocol's
    ``Emulation.setCPUThrottlingRate``): a slower device's browser, the servers unchanged."""
    session = page.context.new_cdp_session(page)  # type: ignore[attr-defined]
    session.send("Emulation.setCPUThrottlingRate", {"rate": rate})


def new_value_moves() -> tuple[int, int]:
    """The moves to a value not seen that the α slider offers from α 1.0 (both pages' slider:
    ``dashboard_state.ALPHA_SLIDER`` in steps of ``ALPHA_STEP``; hello_app.py the same):
    upwards to the top, and downwards below the value under 1.0, seen in the moves back and
    forth (8 and 14: 1.05 to 1.4, then 0.9 to 0.25)."""
    from costmodel.presentation.dashboard_state import ALPHA_SLIDER, ALPHA_STEP

    low, high = ALPHA_SLIDER
    return round((high - 1.0) / ALPHA_STEP), round((1.0 - low) / ALPHA_STEP) - 1


def paired(pages: dict[str, object], urls: dict[str, str], moves: int, loads: int,
           new_values: int) -> dict[str, dict[str, list[float]]]:
    """Time both pages turn about (the hello-world page and the dashboard in one view), so
    that each measurement of one has one of the other beside it, seconds apart, under the same
    load: ``{page: {measure: [ms, ...]}}``. The pages take turns in both orders (ABBA)."""
    times: dict[str, dict[str, list[float]]] = {name: {} for name in pages}
    names = list(pages)

    def turns(i: int) -> list[str]:
        return names if i % 2 == 0 else names[::-1]

    def record(name: str, measure: str, value: float) -> None:
        times[name].setdefault(measure, []).append(value)

    for name in names:  # warm each server's caches once
        _load(pages[name], urls[name])
    for i in range(loads):
        for name in turns(i):
            record(name, "first load", _load(pages[name], urls[name]))
    for name in names:
        pages[name].wait_for_timeout(1000)  # type: ignore[attr-defined]
    # back and forth between two values (after the first two moves, each value seen before),
    # then step by step to values not seen (the library's results computed in the move)
    for i in range(moves):
        key = "ArrowLeft" if i % 2 == 0 else "ArrowRight"
        for name in turns(i):
            record(name, "slider move to idle", _move(pages[name], key))
    if moves % 2:  # back at α 1.0 first (a value seen), untimed
        for name in names:
            _move(pages[name], "ArrowRight")
    upwards = min(new_values, new_value_moves()[0])
    for i in range(upwards):
        for name in turns(i):
            record(name, "slider move to a new value", _move(pages[name], "ArrowRight"))
    if new_values > upwards:  # back down through the values seen (untimed), then below them
        for _ in range(upwards + 1):
            for name in names:
                _move(pages[name], "ArrowLeft")
        for i in range(new_values - upwards):
            for name in turns(i):
                record(name, "slider move to a new value", _move(pages[name], "ArrowLeft"))
    return times


def summary_line(view: str, times: dict[str, dict[str, list[float]]]) -> str:
    """One view's medians against the hello-world page's timed beside it, as ratios."""
    ours, theirs = times[DASHBOARD], times[HELLO]

    def ratio(measure: str, average: Callable[[list[float]], float] = statistics.median) -> float:
        return average(ours[measure]) / average(theirs[measure])

    move = "slider move to idle"
    line = (f"{view}: slider move {statistics.median(ours[move]):,.0f} ms against the "
            f"hello-world page's {statistics.median(theirs[move]):,.0f} ms: {ratio(move):.2f}× "
            f"(target ≤ 1.2; means {ratio(move, statistics.mean):.2f}×)")
    if "slider move to a new value" in ours:
        line += f"; to a new value {ratio('slider move to a new value'):.2f}×"
    loads = statistics.median(ours["first load"]) - statistics.median(theirs["first load"])
    return line + f"; first load {loads:+,.0f} ms (target ≤ +1,500)"


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--moves", type=int, default=8)
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--new-values", type=int, default=6,
                        help=f"moves to a value not seen before (at most "
                             f"{sum(new_value_moves())}: from α 1.0 up to the slider's top, "
                             f"then down from below 0.95 to its bottom)")
    parser.add_argument("--cpu-slowdown", type=float, default=1.0,
                        help="run each page's renderer this many times slower (Chromium's CPU "
                             "throttling, both pages alike; 1: none; at most 20)")
    parser.add_argument("--out", help="the CSV to write (default benchmarks/dashboard_speed.csv; "
                                      "with --cpu-slowdown, dashboard_speed_slowed.csv)")
    parser.add_argument("--app", default=str(ROOT / "app.py"), help="the page to time")
    args = parser.parse_args()
    if not 1 <= args.cpu_slowdown <= 20:
        parser.error(f"--cpu-slowdown must be in [1, 20], not {args.cpu_slowdown}")
    out = Path(args.out) if args.out else ROOT / "benchmarks" / (
        "dashboard_speed.csv" if args.cpu_slowdown == 1 else "dashboard_speed_slowed.csv")
    from costmodel.presentation.dashboard_state import VIEWS

    rows: list[dict[str, object]] = []
    hello, dashboard = ROOT / "benchmarks" / "hello_app.py", Path(args.app)
    # the hello-world page on one server; the dashboard on a fresh server for each view, so
    # that each view's moves to new values find nothing cached by the views before it
    ports = {hello: free_port()}
    processes = {hello: start(hello, ports[hello])}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            for run, view in enumerate(VIEWS):
                if dashboard in processes:
                    previous = processes.pop(dashboard)
                    previous.terminate()
                    previous.wait(timeout=15)
                ports[dashboard] = free_port()
                processes[dashboard] = start(dashboard, ports[dashboard])
                urls = {HELLO: f"http://127.0.0.1:{ports[hello]}/",
                        DASHBOARD: f"http://127.0.0.1:{ports[dashboard]}/?view={quote(view)}"}
                # each page in a browser context of its own (its own renderer process)
                pages: dict[str, object] = {
                    name: browser.new_page(viewport={"width": 1440, "height": 900})
                    for name in urls}
                if args.cpu_slowdown > 1:
                    for page in pages.values():
                        slow_down(page, args.cpu_slowdown)
                times = paired(pages, urls, args.moves, args.loads,
                               min(args.new_values, sum(new_value_moves())))
                for page in pages.values():
                    page.close()  # type: ignore[attr-defined]
                for name, measures in times.items():
                    rows += [{"run": run, "page": name, "view": view, "measure": measure,
                              "ms": round(v, 1), "cpu_slowdown": args.cpu_slowdown}
                             for measure, values in measures.items() for v in values]
                print(summary_line(view, times), flush=True)
            browser.close()
    finally:
        for process in processes.values():
            process.terminate()
            process.wait(timeout=15)
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["run", "page", "view", "measure", "ms",
                                                    "cpu_slowdown"])
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
