"""The reports in a real browser (headless Chromium): they load without errors, draw every chart,
fit a phone, and show hostile POS text as text.

Chromium comes from the system (CI installs Debian's ``chromium``): without it the tests skip,
and fail on CI (``CI=true``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlparse
from urllib.request import url2pathname

import pandas as pd
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from store_pipeline.lib.reports import write_index
from store_pipeline_tests.test_reports import (
    CLOSER,
    DAY,
    QUOTED,
    SUNDAY,
    WEEK,
    XSS,
    fake_tables,
    make_fetch,
    render_all,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
SETTLE_MS = 5_000

FITS = """(chart) => chart.querySelector(".main-svg") !== null
  && chart.querySelector(".main-svg").getBoundingClientRect().width <= chart.clientWidth + 1"""
CHARTS_DRAWN = """() => [...document.querySelectorAll(".plotly-graph-div")]
  .every((chart) => chart.querySelector(".main-svg"))"""
CHARTS_FIT = f"""() => [...document.querySelectorAll(".plotly-graph-div")].every({FITS})"""
CHART_STATES = f"""() => [...document.querySelectorAll(".plotly-graph-div")].map((chart) => ({{
  id: chart.id,
  svg: chart.querySelector(".main-svg") !== null,
  fits: ({FITS})(chart),
  points: (chart._fullData || []).map((trace) =>
    trace._length ?? (trace.z || trace.values || trace.labels || []).length),
  marks: chart.querySelectorAll(".point, .js-line, .slice, .hm image").length,
}}))"""

SIDEWAYS_SCROLL = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@dataclass
class Visit:
    """What one page did in the browser."""

    path: str
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)
    sideways: int = 0


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        message = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI", "").lower() in {"true", "1"}:
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return fake_tables()


@pytest.fixture(scope="module")
def site(tmp_path_factory, tables) -> Path:
    """Every kind of report, rendered from a chain whose POS text is hostile, and the index."""
    quarantine = pd.DataFrame([{"business_date": DAY, "kind": "orphan_lines", "row_count": 3}])
    reports = tmp_path_factory.mktemp("site")
    render_all(make_fetch({**tables, "qua_summary": quarantine}), reports)
    write_index(reports)
    return reports


def _watch(page: Page, visit: Visit) -> None:
    page.on("console", lambda message: message.type == "error" and visit.errors.append(
        f"console: {message.text}"))
    page.on("pageerror", lambda error: visit.errors.append(f"page: {error}"))
    page.on("dialog", lambda dialog: (visit.dialogs.append(dialog.message), dialog.dismiss()))


def _begin(context: BrowserContext, site: Path, url: str) -> tuple[Page, Visit]:
    """A fresh tab that starts loading ``url`` and records what the page does."""
    page = context.new_page()
    visit = Visit(Path(url2pathname(urlparse(url).path)).relative_to(site).as_posix())
    _watch(page, visit)
    page.goto(url, wait_until="commit")
    return page, visit


def _finish(page: Page, visit: Visit) -> list[str]:
    """Let the tab's charts settle, record them, close it; where the page links."""
    page.wait_for_load_state()  # before it, a page not yet parsed has no chart left to draw
    _settle(page)
    visit.charts = page.evaluate(CHART_STATES)
    visit.sideways = page.evaluate(SIDEWAYS_SCROLL)
    links = page.eval_on_selector_all("a[href]", "(links) => links.map((link) => link.href)")
    page.close()
    return [urldefrag(link).url for link in links]


def _open(page: Page, url: str) -> None:
    """Go to ``url`` and let its charts settle."""
    page.goto(url)
    _settle(page)


def _settle(page: Page) -> None:
    """Wait until every chart is drawn and, for a while, until each fits its card."""
    page.wait_for_function(CHARTS_DRAWN, timeout=SETTLE_MS)
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(CHARTS_FIT, timeout=SETTLE_MS)


def _crawl(browser: Browser, site: Path, viewport: dict) -> dict[str, Visit]:
    """Every page of ``site`` reachable from its ``index.html``, each in a fresh tab; the pages
    an index links to load side by side (Plotly's start-up is most of a page's time)."""
    context = browser.new_context(viewport=viewport)
    start = (site / "index.html").as_uri()
    level, seen, visits = [start], {start}, {}
    while level:
        tabs = [_begin(context, site, url) for url in level]
        level = []
        for page, visit in tabs:
            visits[visit.path] = visit
            for link in _finish(page, visit):
                if link.startswith(site.as_uri()) and link not in seen:
                    seen.add(link)
                    level.append(link)
    context.close()
    return visits


@pytest.fixture(scope="module", params=sorted(VIEWPORTS))
def visits(request, browser, site) -> dict[str, Visit]:
    return _crawl(browser, site, VIEWPORTS[request.param])


def test_index_reaches_every_report(visits, site):
    pages = {path.relative_to(site).as_posix() for path in site.rglob("*.html")}
    assert set(visits) == pages
    assert len(pages) == 9  # 7 reports, the index and the day's index


def test_no_errors_and_no_dialogs(visits):
    for visit in visits.values():
        assert visit.errors == [], visit.path
        assert visit.dialogs == [], visit.path


def test_every_chart_draws_its_data(visits):
    charts = [(visit.path, chart) for visit in visits.values() for chart in visit.charts]
    assert len(charts) == 28
    for path, chart in charts:
        where = f"{path} #{chart['id']}"
        assert chart["svg"], where
        assert chart["points"] and all(points > 0 for points in chart["points"]), where
        assert chart["marks"] >= len(chart["points"]), where


def test_charts_fit_their_cards(visits):
    misfits = [f"{visit.path} #{chart['id']}" for visit in visits.values()
               for chart in visit.charts if not chart["fits"]]
    assert misfits == []


def test_pages_never_scroll_sideways(visits):
    assert {visit.path: visit.sideways for visit in visits.values()} == dict.fromkeys(visits, 0)


@pytest.fixture
def tab(browser) -> Iterator[tuple[Page, Visit]]:
    """A phone-sized tab, and what it does: dialogs, console errors, page errors."""
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    seen = Visit("tab")
    _watch(page, seen)
    yield page, seen
    context.close()


def test_pos_text_shows_as_text(tab, site):
    page, seen = tab
    _open(page, (site / "daily/2026-11-24/employee_productivity.html").as_uri())
    expect(page.get_by_role("cell", name=CLOSER, exact=True).first).to_be_visible()
    assert page.locator("main img").count() == 0
    _open(page, (site / "monthly/2026-11/business_review.html").as_uri())
    expect(page.get_by_role("cell", name=QUOTED, exact=True)).to_be_visible()
    _open(page, (site / "daily/2026-11-24/sales_dashboard.html").as_uri())
    assert XSS in page.locator("#top-products .ytick text").all_text_contents()
    store_names = page.locator("#net-sales-by-store .ytick text").all_text_contents()
    assert f"S03 {QUOTED}" in store_names
    assert (seen.dialogs, seen.errors) == ([], [])


def test_hover_shows_pos_text_as_text(tab, site):
    page, seen = tab
    _open(page, (site / "daily/2026-11-24/sales_dashboard.html").as_uri())
    page.evaluate("""() => {
      const chart = document.getElementById("net-sales-by-store");
      const point = Array.from(chart._fullData[0].y).indexOf("S02");
      Plotly.Fx.hover(chart, [{curveNumber: 0, pointNumber: point}]);
    }""")
    label = page.locator("#net-sales-by-store .hoverlayer .hovertext")
    expect(label).to_contain_text(f"S02 {XSS}")
    expect(label).to_contain_text("Region: West")
    assert (seen.dialogs, seen.errors) == ([], [])


def _tiles(page: Page) -> dict[str, float]:
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll("#tiles .tile")]
      .map((tile) => [tile.dataset.kpi, Number(tile.dataset.value)]))""")


def _column(page: Page, slot: str, column: int) -> list[str]:
    return page.locator(f"#{slot} tr td:nth-child({column})").all_text_contents()


def test_store_selector_redraws_the_chosen_store(tab, site, tables):
    page, seen = tab
    sales = tables["rpt_daily_sales"].set_index(["business_date", "store_code"])
    _open(page, (site / "daily/2026-11-24/store_day.html").as_uri() + "#store=S02")
    expect(page.locator("#scope-name")).to_have_text(f"S02 {XSS}")
    assert _tiles(page)["net_sales"] == sales.at[(DAY, "S02"), "net_sales"]
    expect(page.locator("#cash-note")).to_have_text(
        "Over or short: register 2 batch 102: -40.00.")
    assert _column(page, "cash-over-short", 14) == ["", "short", "open"]
    page.select_option("#scope", "S03")
    page.wait_for_function("() => location.hash === '#store=S03'")
    expect(page.locator("#scope-name")).to_have_text(f"S03 {QUOTED}")
    assert _tiles(page)["net_sales"] == sales.at[(DAY, "S03"), "net_sales"]
    assert _tiles(page)["transactions"] == sales.at[(DAY, "S03"), "transactions"]
    expect(page.locator("#cash-note")).to_have_text(
        "No drawer over or short beyond the tolerance.")
    expect(page.locator("#exceptions-note")).to_have_text(
        f"Flagged: #7 {CLOSER} (voids); #8 Cat (discounts).")
    hours = page.evaluate("() => document.getElementById('staffing-by-hour').data[0].x.length")
    assert hours == 12
    page.evaluate("() => { location.hash = 'store=S01'; }")
    expect(page.locator("#scope-name")).to_have_text("S01 Downtown")
    assert page.locator("#scope").input_value() == "S01"
    assert (seen.dialogs, seen.errors) == ([], [])


def test_region_selector_ranks_the_regions_stores(tab, site, tables):
    page, seen = tab
    _open(page, (site / "weekly/2026-11-23/region_week.html").as_uri() + "#region=East")
    week = tables["rpt_daily_sales"]
    week = week[(week["business_date"] >= WEEK) & (week["business_date"] <= SUNDAY)]
    east = week[week["region"] == "East"].groupby("store_code")["net_sales"].sum()
    ranked = east.sort_values(ascending=False).index.tolist()
    assert _column(page, "ranking", 2) == ranked
    assert _tiles(page)["net_sales"] == pytest.approx(east.sum(), abs=0.005)
    assert page.locator("#store-select").input_value() == ranked[0]
    page.select_option("#store-select", ranked[1])
    page.wait_for_function(f"() => location.hash === '#region=East&store={ranked[1]}'")
    assert _column(page, "reorder", 10) == [f"{65 + 2:.2f}" if ranked[1] == "S03" else "65.00"]
    page.select_option("#scope", "West")
    page.wait_for_function("() => location.hash === '#region=West'")
    assert _column(page, "ranking", 2) == ["S02"]
    assert _column(page, "reorder", 3) == [XSS]
    assert (seen.dialogs, seen.errors) == ([], [])
