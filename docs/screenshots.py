"""Screenshots of the dashboard at 1440×900 and 390×844 in Debian's Chromium (playwright, no
browser download): ``python docs/screenshots.py [--out docs]``. Starts the app on a free port,
waits for each run to finish, and saves at each size the headline with the accuracy chart, the
per-layer, α × resolution and latency charts (static pictures), the lesson's block diagram
beside its first step, and the first step's check question answered with the next step open
and another block type's lesson (EfficientNetV2's fused block) and the Exercises view with
a first answer's hint
(``dashboard_{desktop,phone}_{accuracy,per_layer,plane,latency,lesson_steps,lesson_check,``
``lesson_fused,exercises}.png``, and ``dashboard_phone_accuracy_chart.png``: the phone's
accuracy chart scrolled into view).
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
#: the screenshot's name of each view shown (dashboard_{desktop,phone}_NAME.png)
SHOT_NAMES = {"Accuracy": "accuracy", "Per layer": "per_layer", "α × resolution": "plane",
              "Latency": "latency"}
IDLE = ("[data-testid=stApp][data-test-script-state=notRunning]"
        "[data-test-connection-state=CONNECTED]")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(app: Path, port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("streamlit did not start within 60 s")


def _go(page: Any, url: str, settle_ms: int = 1500) -> None:  # noqa: ANN401 -- a playwright Page
    """Open ``url`` and wait until the headline shows, the script is idle, and ``settle_ms``
    more for the pictures to be laid out."""
    page.goto(url)
    page.wait_for_selector("[data-testid=stMetricValue]", timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_timeout(settle_ms)


def lesson_first_answer(query: str) -> str:
    """The answer to the lesson's first question at the link's configuration (the library's
    own, as the page shows it)."""
    from urllib.parse import parse_qs

    from costmodel.presentation.dashboard_state import read_link
    from costmodel.teaching.lesson import build_lesson

    values = read_link({k: v[0] for k, v in parse_qs(query).items()}).values
    lesson = build_lesson(network=values.get("network"), alpha=values.get("alpha"),
                          resolution=values.get("resolution"))
    check = lesson.steps[0].check
    assert check is not None
    return str(check.answer)


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs"))
    parser.add_argument("--full-page", action="store_true")
    parser.add_argument("--query", default="alpha=0.5&resolution=160&budget_mult_adds=150")
    # (the dashboard's own widgets are set from the link, as a user's shared link would)
    args = parser.parse_args()
    port = free_port()
    process = start(ROOT / "app.py", port)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            for label, (width, height) in SIZES.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                for view in ("Accuracy", "Per layer", "α × resolution", "Latency", "Lesson"):
                    _go(page, f"http://127.0.0.1:{port}/?{args.query}&view={quote(view)}")
                    if view != "Lesson":
                        if view != "Accuracy":  # its chart, below the headline
                            page.locator(".cm-picture svg:visible").first \
                                .scroll_into_view_if_needed()
                            page.wait_for_timeout(500)
                        path = Path(args.out) / f"dashboard_{label}_{SHOT_NAMES[view]}.png"
                        page.screenshot(path=str(path), full_page=args.full_page)
                        print(path)
                        if view == "Accuracy" and label == "phone":  # its chart, scrolled to
                            # (its top just under the headline, which stays on screen)
                            page.locator(".cm-picture svg:visible").first \
                                .scroll_into_view_if_needed()
                            page.mouse.move(width / 2, height / 2)
                            page.mouse.wheel(0, -190)
                            page.wait_for_timeout(500)
                            path = Path(args.out) / "dashboard_phone_accuracy_chart.png"
                            page.screenshot(path=str(path))
                            print(path)
                    else:  # the block's diagram and the first step, scrolled into view
                        page.locator(".cm-picture svg:visible").first \
                            .scroll_into_view_if_needed()
                        page.wait_for_timeout(500)
                        path = Path(args.out) / f"dashboard_{label}_lesson_steps.png"
                        page.screenshot(path=str(path))
                        print(path)
                        # the first check question answered right: step 2 opens below it
                        answer = f"{lesson_first_answer(args.query)}"
                        page.get_by_role("radiogroup").get_by_text(answer, exact=True).click()
                        page.get_by_text(f"Right: {answer}").wait_for(timeout=60_000)
                        page.wait_for_selector(IDLE, timeout=60_000)
                        page.wait_for_timeout(1000)
                        page.get_by_text(f"Right: {answer}").scroll_into_view_if_needed()
                        page.wait_for_timeout(500)
                        path = Path(args.out) / f"dashboard_{label}_lesson_check.png"
                        page.screenshot(path=str(path))
                        print(path)
                # another block type's lesson (a link to one block): EfficientNetV2's fused
                # block, its diagram beside its first step
                _go(page, f"http://127.0.0.1:{port}/?network=tf_efficientnetv2_b0&view=Lesson"
                          f"&lesson_block=b2")
                page.locator(".cm-picture svg:visible").first.scroll_into_view_if_needed()
                page.wait_for_timeout(500)
                path = Path(args.out) / f"dashboard_{label}_lesson_fused.png"
                page.screenshot(path=str(path))
                print(path)
                # the Exercises view, a first answer wrong: its hint and the second try
                _go(page, f"http://127.0.0.1:{port}/?{args.query}&view=Exercises", settle_ms=1000)
                box = page.get_by_label("Your answer")
                if box.count() and box.first.get_attribute("type") == "text":
                    box.first.fill("7")
                    box.first.press("Enter")
                    page.wait_for_selector(IDLE, timeout=60_000)
                    page.get_by_role("button", name="Check", exact=True).click()
                    page.get_by_text("Hint.").wait_for(timeout=60_000)
                    page.wait_for_selector(IDLE, timeout=60_000)
                    page.wait_for_timeout(800)
                    page.get_by_text("Hint.").scroll_into_view_if_needed()
                page.wait_for_timeout(500)
                path = Path(args.out) / f"dashboard_{label}_exercises.png"
                page.screenshot(path=str(path))
                print(path)
                page.close()
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=15)


if __name__ == "__main__":
    main()
