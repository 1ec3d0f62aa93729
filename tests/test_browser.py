"""The dashboard in a real browser: Debian's Chromium driven by playwright (no browser download).

Starts the app on a free 127.0.0.1 port, waits for the script to finish, moves the α slider
with the keyboard, checks that the headline metric follows the library and that the three
plotly charts render, and saves a screenshot. With CI=true a missing Chromium is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import costmodel

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def _chromium_or_skip() -> None:
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return
    message = f"{CHROMIUM} is missing (Debian package chromium; .ci/run installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server() -> Iterator[str]:
    _chromium_or_skip()
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail("the streamlit server did not come up within 60 s")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def _wait_for_run(page: object) -> None:
    page.wait_for_selector(  # type: ignore[attr-defined]
        "[data-testid=stApp][data-test-script-state=notRunning]"
        "[data-test-connection-state=CONNECTED]", timeout=60_000)


def test_dashboard_in_chromium(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 2600})
            page.goto(server)
            page.wait_for_selector("[data-testid=stMetricValue]", timeout=60_000)
            _wait_for_run(page)
            value = page.locator("[data-testid=stMetricValue]").first
            expect(value).to_have_text(f"{costmodel.report().mult_adds:,}")

            slider = page.locator("[data-testid=stSlider] input[type=range]").first
            slider.focus()
            page.keyboard.press("ArrowLeft")
            page.keyboard.press("ArrowLeft")  # α 1.0 → 0.9
            expected = f"{costmodel.report(0.9).mult_adds:,}"
            expect(value).to_have_text(expected, timeout=30_000)
            _wait_for_run(page)

            charts = page.locator(".js-plotly-plot")
            expect(charts).to_have_count(3, timeout=30_000)
            for i in range(3):
                expect(charts.nth(i).locator(".main-svg").first).to_be_visible()
            assert page.locator("[data-testid=stException]").count() == 0
            shot = tmp_path / "dashboard.png"
            page.screenshot(path=str(shot))
            assert shot.stat().st_size > 50_000
            if os.environ.get("COSTMODEL_SCREENSHOT"):
                page.screenshot(path=os.environ["COSTMODEL_SCREENSHOT"])
        finally:
            browser.close()
