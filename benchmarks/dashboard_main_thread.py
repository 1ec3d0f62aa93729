"""Where a slider move's time goes: the browser's main thread against the wall clock.

For the hello-world page (``benchmarks/hello_app.py``) and the dashboard in each view (a fresh
server each), moves the α slider back and forth as ``benchmarks/dashboard_speed.py`` does
(keyboard, until the metric shows the new value and the page is idle) with a Chromium trace
running, and adds up, move by move, the time the renderer's main thread spent in tasks
(``RunTask`` on ``CrRendererMain``, clipped to the move) between the key press and the idle
page. What is left of the move is waiting: for the server's run (and the collection after it),
the network and the next frame. Prints, per page, the medians of the move and of the main
thread's busy time, and writes ``benchmarks/dashboard_main_thread.csv`` (one row per move).
Tracing costs the page some time of its own, so the moves are slower than in
dashboard_speed.py; compare the pages with each other, not with that run. Usage: ``python
benchmarks/dashboard_main_thread.py [--moves 20] [--views Lesson,Accuracy]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from dashboard_speed import HELLO, _load, _move  # noqa: E402
from screenshots import ARGS, CHROMIUM, free_port, start  # noqa: E402

START, END = "costmodel-move-start", "costmodel-move-end"


def busy_per_move(trace: bytes) -> list[float]:
    """The main thread's time in tasks within each move (ms), from a Chromium trace whose moves
    are marked ``START`` … ``END`` (``performance.mark``)."""
    events = json.loads(trace)
    events = events["traceEvents"] if isinstance(events, dict) else events
    main = {(e["pid"], e["tid"]) for e in events
            if e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"}
    starts = sorted(e["ts"] for e in events if e.get("name") == START)
    ends = sorted(e["ts"] for e in events if e.get("name") == END)
    tasks = [(e["ts"], e["ts"] + e["dur"]) for e in events
             if e.get("name") == "RunTask" and (e.get("pid"), e.get("tid")) in main
             and "dur" in e]
    return [sum(max(0, min(end, b) - max(begin, a)) for a, b in tasks) / 1000
            for begin, end in zip(starts, ends, strict=True)]


def measure(browser: object, url: str, moves: int) -> tuple[list[float], list[float]]:
    """``moves`` moves back and forth on the page at ``url``: (wall ms, main-thread busy ms)."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})  # type: ignore[attr-defined]
    _load(page, url)
    _load(page, url)
    for i in range(4):  # warm: each value seen
        _move(page, "ArrowLeft" if i % 2 == 0 else "ArrowRight")
    browser.start_tracing(page=page, categories=[  # type: ignore[attr-defined]
        "devtools.timeline", "disabled-by-default-devtools.timeline", "blink.user_timing"])
    walls = []
    for i in range(moves):
        walls.append(_move(page, "ArrowLeft" if i % 2 == 0 else "ArrowRight"))
        # the move's bounds, marked afterwards at the times the move was timed between (_move
        # waits 300 ms after the page is idle)
        page.evaluate(f"performance.mark('{START}', {{startTime: window.__t0}}); "
                      f"performance.mark('{END}', {{startTime: window.__t0 + {walls[-1]}}})")
    busy = busy_per_move(browser.stop_tracing())  # type: ignore[attr-defined]
    page.close()
    return walls, busy


def main() -> None:
    from playwright.sync_api import sync_playwright

    from costmodel.presentation.dashboard_state import VIEWS

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument("--views", default=",".join(VIEWS),
                        help=f"the dashboard's views, comma-separated (of {', '.join(VIEWS)})")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "dashboard_main_thread.csv"))
    args = parser.parse_args()
    views = [v.strip() for v in args.views.split(",")]
    unknown = [v for v in views if v not in VIEWS]
    if unknown or not 2 <= args.moves <= 200:
        parser.error(f"--views must name views of {', '.join(VIEWS)} (not {unknown}) and "
                     f"--moves be in [2, 200]")
    pages = [(HELLO, ROOT / "benchmarks" / "hello_app.py", "")] + [
        (f"costmodel dashboard, {view}", ROOT / "app.py", f"?view={quote(view)}")
        for view in views]
    rows: list[dict[str, object]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for name, app, query in pages:
            port = free_port()
            process = start(app, port)
            try:
                walls, busy = measure(browser, f"http://127.0.0.1:{port}/{query}", args.moves)
            finally:
                process.terminate()
                process.wait(timeout=15)
            rows += [{"page": name, "move": i, "wall_ms": round(w, 1), "main_thread_ms":
                      round(b, 1)} for i, (w, b) in enumerate(zip(walls, busy, strict=True))]
            wall, main_thread = statistics.median(walls), statistics.median(busy)
            print(f"{name}: a move {wall:,.0f} ms, the main thread busy {main_thread:,.0f} ms "
                  f"of it ({main_thread / wall:.0%}), waiting {wall - main_thread:,.0f} ms",
                  flush=True)
        browser.close()
    with open(args.out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["page", "move", "wall_ms", "main_thread_ms"])
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
