"""Screenshots for the README: the daily sales dashboard (desktop and phone) and the asset graph.

    make demo
    .venv/bin/python scripts/screenshots.py

Reads the newest daily dashboard and the Dagster instance of the data home in force
(STORE_PIPELINE_HOME, default ./var), starts dagster-webserver on a free loopback port for the
asset graph and stops it afterwards. Writes docs/daily_dashboard.png,
docs/daily_dashboard_phone.png and docs/asset_graph.png. Needs Chromium (CHROMIUM, default
/usr/bin/chromium).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from store_pipeline.instance.config import ensure_dagster_home
from store_pipeline.lib.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
GRAPH_WINDOW = {"width": 1600, "height": 900}
# Groups shown asset by asset; the dbt groups stay folded so the graph fits one screen.
UNFOLDED_GROUPS = ("ingestion", "exports", "reports", "notifications")
SERVER_START_SECONDS = 180
MAX_ZOOM_OUTS = 8

CHARTS_DRAWN = """() => [...document.querySelectorAll(".plotly-graph-div")]
  .every((chart) => chart.querySelector(".main-svg"))"""
# The asset graph's visible area and the box around its nodes, in page pixels.
GRAPH_GEOMETRY = """() => {
  const nodes = [...document.querySelectorAll("svg foreignObject")]
    .map((node) => node.getBoundingClientRect());
  const view = document.querySelector("svg foreignObject").ownerSVGElement
    .closest('div[style*="overflow: hidden"]').getBoundingClientRect();
  return {
    view: {left: view.left, top: view.top, right: view.right, bottom: view.bottom},
    graph: {left: Math.min(...nodes.map((box) => box.left)),
            top: Math.min(...nodes.map((box) => box.top)),
            right: Math.max(...nodes.map((box) => box.right)),
            bottom: Math.max(...nodes.map((box) => box.bottom))},
  };
}"""
TOOLBAR_PX = 60  # the search bar floats over the top of the graph's area
MARGIN_PX = 16


def newest_dashboard(settings: Settings) -> Path:
    dashboards = sorted(settings.reports.glob("daily/*/sales_dashboard.html"))
    if not dashboards:
        raise SystemExit(f"no daily dashboard under {settings.reports}: run `make demo` first")
    return dashboards[-1]


def shoot_dashboard(browser: Browser, dashboard: Path) -> list[Path]:
    """The whole page on a desktop; the first screen on a phone (at the phone's pixel ratio)."""
    shots = []
    for name, viewport, scale, full_page in (
        ("daily_dashboard", DESKTOP, 1, True),
        ("daily_dashboard_phone", PHONE, 2, False),
    ):
        page = browser.new_page(viewport=viewport, device_scale_factor=scale)
        page.goto(dashboard.as_uri())
        page.wait_for_function(CHARTS_DRAWN)
        shots.append(DOCS / f"{name}.png")
        page.screenshot(path=shots[-1], full_page=full_page)
        page.close()
    return shots


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"dagster-webserver exited with status {server.returncode}")
        with (contextlib.suppress(urllib.error.URLError, ConnectionError),
              urllib.request.urlopen(f"{url}/server_info", timeout=5)):
            return
        time.sleep(1)
    raise SystemExit(f"dagster-webserver did not answer on {url} in {SERVER_START_SECONDS} s")


@contextlib.contextmanager
def webserver(settings: Settings) -> Iterator[str]:
    """dagster-webserver for this code location on 127.0.0.1; yields its URL, then stops it."""
    ensure_dagster_home(settings)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(Path(sys.executable).with_name("dagster-webserver")),
               "-w", str(ROOT / "workspace.yaml"), "-h", "127.0.0.1", "-p", str(port)]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        wait_until_serving(url, server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def fit_graph(page: Page) -> None:
    """Zoom out until the whole graph fits its area, then drag it to the middle."""
    zoom_out = page.locator("button:has([aria-label='zoom_out'])")
    for _ in range(MAX_ZOOM_OUTS):
        view, graph = page.evaluate(GRAPH_GEOMETRY).values()
        fits_across = graph["right"] - graph["left"] < 0.95 * (view["right"] - view["left"])
        fits_down = graph["bottom"] - graph["top"] < view["bottom"] - view["top"] - TOOLBAR_PX
        if fits_across and fits_down:
            break
        zoom_out.click()
        page.wait_for_timeout(400)
    view, graph = page.evaluate(GRAPH_GEOMETRY).values()
    dx = (view["left"] + view["right"] - graph["left"] - graph["right"]) / 2
    dy = (view["top"] + TOOLBAR_PX + view["bottom"] - graph["top"] - graph["bottom"]) / 2
    start_x, start_y = view["left"] + 10, view["bottom"] - 10
    page.mouse.move(start_x, start_y)
    page.mouse.down()
    page.mouse.move(start_x + dx, start_y + dy, steps=10)
    page.mouse.up()


def shoot_asset_graph(browser: Browser, url: str) -> Path:
    """The global asset lineage with the main stages unfolded, cropped to the graph."""
    page = browser.new_page(viewport=GRAPH_WINDOW, device_scale_factor=2)
    page.goto(f"{url}/asset-groups")
    page.wait_for_selector("svg foreignObject", timeout=60_000)
    page.wait_for_timeout(1500)  # the community sign-up dialog shows on a first visit
    welcome = page.get_by_role("button", name="Skip")
    if welcome.is_visible():
        welcome.click()
    page.get_by_role("button", name="Hide navigation").click()
    page.locator("button:has([aria-label='panel_show_right'])").click()
    for group in UNFOLDED_GROUPS:
        page.locator(f"[data-tooltip='{group}']").first.click()
        page.wait_for_timeout(300)
    fit_graph(page)
    page.wait_for_timeout(800)
    graph = page.evaluate(GRAPH_GEOMETRY)["graph"]
    path = DOCS / "asset_graph.png"
    page.screenshot(path=path, clip={
        "x": graph["left"] - MARGIN_PX, "y": graph["top"] - MARGIN_PX,
        "width": graph["right"] - graph["left"] + 2 * MARGIN_PX,
        "height": graph["bottom"] - graph["top"] + 2 * MARGIN_PX,
    })
    page.close()
    return path


def main() -> int:
    settings = load_settings()
    dashboard = newest_dashboard(settings)
    DOCS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            shots = shoot_dashboard(browser, dashboard)
            with webserver(settings) as url:
                shots.append(shoot_asset_graph(browser, url))
        finally:
            browser.close()
    for shot in shots:
        print(f"{shot.relative_to(ROOT)}  {shot.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
