"""Report renderer: content, escaping, determinism, index, shared plotly.js, no-data pages."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import plotly.offline
import pytest

from store_pipeline.reports import (
    ensure_plotly_js,
    render_daily_reports,
    render_monthly_report,
    render_weekly_reports,
    write_index,
)
from store_pipeline.reports.employee import staffing_by_hour
from store_pipeline.reports.inventory import department_turnover
from store_pipeline.reports.kpis import KPIS
from store_pipeline.reports.theme import STORE_PALETTE, store_colors
from store_pipeline.reports.tiles import delta

XSS = "<script>alert(1)</script>"
CLOSER = "</script><img src=x onerror=alert(2)>"
DAY = date(2026, 11, 24)  # a Tuesday
WEEK = date(2026, 11, 23)
SUNDAY = date(2026, 11, 29)
MONTH = date(2026, 11, 1)
STORES = (("S01", "Downtown", "East"), ("S02", XSS, "West"), ("S03", "Harbor", "East"))
PRODUCTS = (
    ("P1", "Coffee beans", "Grocery", "Coffee", "A"),
    ("P2", XSS, "Grocery", "Snacks", "A"),
    ("P3", "Mug", XSS, "Kitchen", "B"),
    ("P4", "Kettle", "Home", "Kitchen", "C"),
)


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _daily_sales(days: list[date]) -> pd.DataFrame:
    rows = []
    for day in days:
        for number, (code, name, region) in enumerate(STORES, start=1):
            transactions = 100 + 7 * number + day.toordinal() % 13
            gross = round(transactions * (25 + number + day.day / 10), 2)
            discounts, returns = round(gross * 0.05, 2), round(gross * 0.02, 2)
            net = round(gross - discounts - returns, 2)
            cost = round(net * (0.55 + number / 100), 2)
            rows.append({
                "business_date": day, "store_code": code, "store_name": name, "region": region,
                "transactions": transactions, "units_sold": 2 * transactions,
                "gross_sales": gross, "discounts": discounts, "returns": returns,
                "net_sales": net, "tax": round(net * 0.08, 2),
                "total_collected": round(net * 1.08, 2), "cost_of_goods": cost,
                "gross_margin": round(net - cost, 2),
                "gross_margin_pct": round((net - cost) / net, 4),
                "avg_transaction_value": round(net / transactions, 2),
                "units_per_transaction": 2.0, "labor_hours": 40.0,
                "sales_per_labor_hour": round(net / 40, 2),
                "net_sales_last_week": round(net * 0.95, 2),
                "net_sales_same_day_last_year": None,
            })
    return pd.DataFrame(rows)


def _employee_hours(days: list[date]) -> pd.DataFrame:
    """Employee 1 works 7.5 h Monday to Saturday: no daily overtime, 5 h weekly; 2 works 5 h."""
    rows = []
    for day in days:
        for code, _, _ in STORES:
            second = "Robert" if day == SUNDAY else "Bob"  # the name was corrected on Sunday
            for number, name in (("1", CLOSER if code == "S01" else "Ann"), ("2", second)):
                hours = 7.5 if number == "1" else 5.0
                if day.weekday() == 6 and number == "1":
                    continue
                rows.append({
                    "business_date": day, "store_code": code, "employee_number": number,
                    "employee_name": name, "position": "Cashier", "shifts": 1,
                    "hours_worked": hours, "regular_hours": hours, "overtime_hours": 0.0,
                    "labor_cost": hours * 15, "transactions_handled": 40,
                    "net_sales_handled": 1000.0, "sales_per_labor_hour": round(1000 / hours, 2),
                })
    return pd.DataFrame(rows)


def _hourly_sales(days: list[date]) -> pd.DataFrame:
    """Noon is busy with one person on the clock; 09:00 is quiet with four."""
    rows = []
    for day in days:
        for code, _, _ in STORES:
            for hour in range(9, 21):
                transactions = {12: 40, 9: 2}.get(hour, 10)
                staff = {12: 1, 9: 4}.get(hour, 2)
                rows.append({
                    "business_date": day, "store_code": code, "hour": hour,
                    "transactions": transactions, "net_sales": transactions * 30.0,
                    "units_sold": transactions * 2, "staff_on_clock": staff,
                })
    return pd.DataFrame(rows)


def _tender_mix(days: list[date]) -> pd.DataFrame:
    return pd.DataFrame([
        {"business_date": day, "store_code": code, "tender_type": tender,
         "tender_count": count, "amount": count * 30.0, "refund_amount": 5.0,
         "split_transactions": 1}
        for day in days
        for code, _, _ in STORES
        for tender, count in (("cash", 30), ("credit", 60), ("debit", 25))
    ])


def _products(days: list[date]) -> pd.DataFrame:
    return pd.DataFrame([
        {"business_date": day, "store_code": code, "sku": sku, "product_name": name,
         "department": department, "category": category, "units_sold": 10 * rank,
         "units_returned": 1, "net_sales": 100.0 * rank, "cost_of_goods": 60.0 * rank,
         "gross_margin": 40.0 * rank, "gross_margin_pct": 0.4, "rank_in_store": 5 - rank,
         "abc_class": abc}
        for day in days
        for code, _, _ in STORES
        for rank, (sku, name, department, category, abc) in enumerate(PRODUCTS, start=1)
    ])


def _inventory(days: list[date]) -> pd.DataFrame:
    """P1 is out of stock every day; P2 runs out on Sunday only; P4 is dead stock."""
    rows = []
    for day in days:
        for code, _, _ in STORES:
            for sku, name, department, _, _ in PRODUCTS:
                out = sku == "P1" or (sku == "P2" and day.weekday() == 6)
                on_hand = 0.0 if out else 20.0
                rows.append({
                    "business_date": day, "store_code": code, "sku": sku,
                    "product_name": name, "department": department, "on_hand_units": on_hand,
                    "on_hand_value": on_hand * 5,
                    "avg_daily_units_28d": 0.0 if sku == "P4" else 2.0,
                    "days_of_supply": None if sku == "P4" else on_hand / 2,
                    "reorder_point": 5.0, "below_reorder_point": int(out),
                    "is_stockout": int(out), "last_sold_date": day - timedelta(days=90),
                    "days_since_last_sale": 90, "is_dead_stock": int(sku == "P4"),
                    "sell_through_pct_28d": 0.3,
                })
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    sales_days = _days(date(2026, 10, 1), date(2026, 11, 30)) + _days(
        date(2025, 11, 1), date(2025, 11, 30)
    )
    november = _days(MONTH, date(2026, 11, 30))
    return {
        "rpt_daily_sales": _daily_sales(sales_days),
        "rpt_employee_hours": _employee_hours(sales_days),
        "rpt_hourly_sales": _hourly_sales(november),
        "rpt_tender_mix": _tender_mix(november),
        "rpt_product_performance": _products(november),
        "rpt_inventory_status": _inventory(_days(WEEK, SUNDAY)),
    }


def make_fetch(tables: dict[str, pd.DataFrame], *, shuffle: bool = False):
    """A fetch over in-memory tables; ``shuffle`` returns rows in another order."""

    def fetch(table: str, start: date, end: date) -> pd.DataFrame:
        frame = tables.get(table, pd.DataFrame())
        if frame.empty:
            return frame
        rows = frame[(frame["business_date"] >= start) & (frame["business_date"] <= end)]
        return rows.sample(frac=1, random_state=3) if shuffle else rows

    return fetch


def render_all(fetch, reports_dir: Path) -> list[Path]:
    paths = render_daily_reports(fetch, DAY, reports_dir)
    paths += render_weekly_reports(fetch, WEEK, reports_dir)
    paths.append(render_monthly_report(fetch, MONTH, reports_dir))
    return paths


@pytest.fixture(scope="module")
def rendered(tables, tmp_path_factory) -> dict[str, str]:
    reports_dir = tmp_path_factory.mktemp("reports")
    paths = render_all(make_fetch(tables), reports_dir)
    return {path.relative_to(reports_dir).as_posix(): path.read_text() for path in paths}


def tile_value(page: str, key: str) -> str:
    match = re.search(rf'data-kpi="{key}">.*?<div class="value">([^<]*)</div>', page)
    assert match, f"no tile {key}"
    return match.group(1)


def tile_deltas(page: str, key: str) -> list[tuple[str, str]]:
    match = re.search(rf'data-kpi="{key}">(.*?)</div></div>', page)
    assert match, f"no tile {key}"
    return re.findall(r'<div class="delta (\w+)">([^<]*) <span>', match.group(0))


def chart_ids(page: str) -> list[str]:
    return re.findall(r'<div id="([\w-]+)" class="plotly-graph-div"', page)


def test_paths_and_titles(rendered):
    expected = {
        "daily/2026-11-24/sales_dashboard.html": "Daily sales — 2026-11-24",
        "daily/2026-11-24/employee_productivity.html": "Employee productivity — 2026-11-24",
        "weekly/2026-11-23/inventory_analysis.html": "Weekly inventory — week of 2026-11-23",
        "weekly/2026-11-23/employee_productivity.html":
            "Weekly employee productivity — week of 2026-11-23",
        "monthly/2026-11/business_review.html": "Monthly business review — November 2026",
    }
    assert set(rendered) == set(expected)
    for name, title in expected.items():
        assert f"<title>{title}</title>" in rendered[name]
        assert f"<h1>{title}</h1>" in rendered[name]
        assert '<meta name="viewport"' in rendered[name]


def test_each_report_has_its_charts(rendered):
    expected = {
        "daily/2026-11-24/sales_dashboard.html": [
            "net-sales-by-store", "sales-by-hour", "tender-mix", "top-products",
            "discounts-returns",
        ],
        "daily/2026-11-24/employee_productivity.html": [
            "hours-by-employee", "splh-by-employee", "staffing-by-hour", "staffing-by-store",
        ],
        "weekly/2026-11-23/employee_productivity.html": [
            "hours-by-employee", "splh-by-employee", "staffing-by-hour", "staffing-by-store",
        ],
        "weekly/2026-11-23/inventory_analysis.html": [
            "reorder-by-store", "days-of-supply", "dead-stock", "abc-mix",
            "turnover-by-department",
        ],
        "monthly/2026-11/business_review.html": [
            "daily-trend", "margin-labor-trend", "store-ranking", "region-ranking",
            "category-mix",
        ],
    }
    for name, ids in expected.items():
        assert chart_ids(rendered[name]) == ids, name


def test_plotly_js_is_shared_not_embedded(rendered):
    for page in rendered.values():
        assert page.count('<script src="../../plotly.min.js" charset="utf-8"></script>') == 1
        assert len(page) < 200_000
        assert '"responsive": true' in page


def expected_delta(current: float, previous: float) -> tuple[str, str]:
    change = (current / previous - 1) * 100
    return ("pos", f"▲ {change:+.1f}%") if change > 0 else ("neg", f"▼ {change:+.1f}%")


def test_net_sales_tile_is_the_day_total_with_deltas(rendered, tables):
    sales = tables["rpt_daily_sales"]

    def total(day: date) -> float:
        return sales.loc[sales["business_date"] == day, "net_sales"].sum()

    page = rendered["daily/2026-11-24/sales_dashboard.html"]
    assert tile_value(page, "net_sales") == f"{total(DAY):,.2f}"
    assert tile_deltas(page, "net_sales") == [
        expected_delta(total(DAY), total(DAY - timedelta(days=7))),
        expected_delta(total(DAY), total(DAY - timedelta(days=364))),
    ]


def test_daily_without_last_year_says_na(tables, tmp_path):
    recent = dict(tables)
    sales = tables["rpt_daily_sales"]
    recent["rpt_daily_sales"] = sales[sales["business_date"] >= date(2026, 1, 1)]
    page = render_daily_reports(make_fetch(recent), DAY, tmp_path)[0].read_text()
    deltas = tile_deltas(page, "net_sales")
    assert deltas[0][0] in {"pos", "neg"}
    assert deltas[1] == ("na", "n/a")
    assert re.search(r'<div class="delta na">n/a <span>vs same day last year</span>', page)


def test_transactions_and_labor_tiles(rendered, tables):
    sales, hours = tables["rpt_daily_sales"], tables["rpt_employee_hours"]
    day_sales = sales[sales["business_date"] == DAY]
    day_hours = hours[hours["business_date"] == DAY]
    page = rendered["daily/2026-11-24/sales_dashboard.html"]
    assert tile_value(page, "transactions") == f"{day_sales['transactions'].sum():,.0f}"
    labor = day_hours["labor_cost"].sum() / day_sales["net_sales"].sum()
    assert tile_value(page, "labor_pct") == f"{labor * 100:.1f}%"


def test_delta_colours_follow_what_is_good():
    by_key = {kpi.key: kpi for kpi in KPIS}
    assert delta(by_key["net_sales"], 110.0, 100.0) == ("▲ +10.0%", "pos")
    assert delta(by_key["net_sales"], 90.0, 100.0) == ("▼ -10.0%", "neg")
    assert delta(by_key["labor_pct"], 0.30, 0.20) == ("▲ +10.0 pp", "neg")
    assert delta(by_key["gross_margin_pct"], 0.30, 0.20) == ("▲ +10.0 pp", "pos")
    assert delta(by_key["net_sales"], 100.0, None) == ("n/a", "na")
    assert delta(by_key["net_sales"], 100.0, 0.0) == ("n/a", "na")
    assert delta(by_key["gross_margin_pct"], 0.40001, 0.4) == ("+0.0 pp", "flat")


def test_peak_hour_is_named(rendered):
    page = rendered["daily/2026-11-24/sales_dashboard.html"]
    assert re.search(r"Peak hours \(highlighted\): 12:00 \(3,600\.00\)", page)


def test_staffing_verdicts():
    hourly = _hourly_sales([DAY])
    verdicts = staffing_by_hour(hourly)["status"]
    assert verdicts[12] == "under-staffed"
    assert verdicts[9] == "over-staffed"
    assert (verdicts.drop([9, 12]) == "ok").all()


def test_weekly_overtime_is_hours_beyond_40(rendered):
    weekly = rendered["weekly/2026-11-23/employee_productivity.html"]
    daily = rendered["daily/2026-11-24/employee_productivity.html"]
    assert tile_value(weekly, "overtime_hours") == "15.0"  # 45 h - 40 h in each of 3 stores
    assert tile_value(daily, "overtime_hours") == "0.0"
    assert tile_value(weekly, "hours_worked") == f"{3 * (45 + 7 * 5.0):,.1f}"
    hours_regular_overtime = "".join(f'<td class="num">{h}</td>' for h in ("45.0", "40.0", "5.0"))
    assert hours_regular_overtime in weekly
    assert "<td>Robert</td>" in weekly and "<td>Bob</td>" not in weekly  # the latest name


def test_inventory_uses_the_last_day_of_the_week(rendered):
    page = rendered["weekly/2026-11-23/inventory_analysis.html"]
    assert "Stock as of Sunday 2026-11-29" in page
    assert tile_value(page, "stockouts") == "6"  # P1 and P2 in 3 stores on Sunday
    assert tile_value(page, "dead_stock_value") == "300.00"
    assert "28-day cost of goods" in page


def test_inventory_falls_back_to_the_latest_day_with_rows(tables, tmp_path):
    partial = dict(tables)
    stock = tables["rpt_inventory_status"]
    partial["rpt_inventory_status"] = stock[stock["business_date"] < SUNDAY]
    path, _ = render_weekly_reports(make_fetch(partial), WEEK, tmp_path)
    page = path.read_text()
    assert "Stock as of Saturday 2026-11-28" in page
    assert tile_value(page, "stockouts") == "3"


def test_turnover_estimate_from_unit_cost_and_rate_of_sale(tables):
    stock = tables["rpt_inventory_status"]
    sunday = stock[stock["business_date"] == SUNDAY]
    turnover = department_turnover(sunday)["turnover"]
    # Home holds only P4 (no sales): 0 turns. Grocery on Sunday: P1 and P2 are out of stock and
    # left out. XSS department: P3 sells 2 a day at unit cost 5 against 20 x 5 on hand.
    assert turnover[XSS] == pytest.approx(2 * 5 * 365 / 100)
    assert turnover["Home"] == 0
    assert "Grocery" not in turnover.index


def test_monthly_region_ranking(rendered, tables):
    sales = tables["rpt_daily_sales"]
    november = sales[sales["business_date"] >= MONTH]
    east = november.loc[november["region"] == "East", "net_sales"].sum()
    page = rendered["monthly/2026-11/business_review.html"]
    assert "region-ranking" in chart_ids(page)
    assert f"{east:,.2f}" in page  # the region's total in its hover text


def test_monthly_compares_with_previous_month_and_last_year(rendered, tables):
    sales = tables["rpt_daily_sales"]
    months = sales["business_date"].map(lambda day: (day.year, day.month))
    november = sales.loc[months == (2026, 11), "net_sales"].sum()
    october = sales.loc[months == (2026, 10), "net_sales"].sum()
    last_year = sales.loc[months == (2025, 11), "net_sales"].sum()
    page = rendered["monthly/2026-11/business_review.html"]
    assert tile_value(page, "net_sales") == f"{november:,.2f}"
    texts = [text for _, text in tile_deltas(page, "net_sales")]
    assert texts[0].endswith(f"{(november / october - 1) * 100:+.1f}%")
    assert texts[1].endswith(f"{(november / last_year - 1) * 100:+.1f}%")
    assert "vs October 2026" in page and "vs November 2025" in page


def test_monthly_without_last_year_says_na(tables, tmp_path):
    recent = dict(tables)
    sales = tables["rpt_daily_sales"]
    recent["rpt_daily_sales"] = sales[sales["business_date"] >= date(2026, 1, 1)]
    page = render_monthly_report(make_fetch(recent), MONTH, tmp_path).read_text()
    assert tile_deltas(page, "net_sales")[1] == ("na", "n/a")


def test_pos_text_is_escaped_everywhere(rendered, tmp_path, tables):
    render_all(make_fetch(tables), tmp_path)
    write_index(tmp_path)
    pages = list(rendered.values()) + [p.read_text() for p in tmp_path.rglob("index.html")]
    for page in pages:
        assert XSS not in page
        assert "<img" not in page
        # only our own script elements: the shared plotly.js and one per chart
        charts = len(chart_ids(page))
        assert page.count("<script") == (charts + 1 if charts else 0)
    employee = rendered["daily/2026-11-24/employee_productivity.html"]
    assert "&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in employee  # table cell
    products = rendered["daily/2026-11-24/sales_dashboard.html"]
    # chart text: entity-escaped for plotly.js, and "<", ">", "/" escaped again in the JSON
    assert "&lt;script&gt;alert(1)&lt;\\u002fscript&gt;" in products


def test_rendering_is_deterministic(tables, tmp_path):
    first = render_all(make_fetch(tables), tmp_path / "a")
    second = render_all(make_fetch(tables, shuffle=True), tmp_path / "b")
    for one, other in zip(first, second, strict=True):
        assert one.read_bytes() == other.read_bytes(), one.name
    mtimes = [path.stat().st_mtime_ns for path in first]
    render_all(make_fetch(tables), tmp_path / "a")
    assert [path.stat().st_mtime_ns for path in first] == mtimes


def test_index_links_every_report_newest_first(tables, tmp_path):
    fetch = make_fetch(tables)
    render_daily_reports(fetch, DAY, tmp_path)
    render_daily_reports(fetch, DAY + timedelta(days=1), tmp_path)
    render_daily_reports(fetch, date(2026, 11, 2), tmp_path)
    render_weekly_reports(fetch, WEEK, tmp_path)
    render_monthly_report(fetch, MONTH, tmp_path)
    (tmp_path / "daily" / "not-a-date").mkdir()
    index = write_index(tmp_path)
    assert index == tmp_path / "index.html"

    reports = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.html")
                     if p.name != "index.html")
    root = index.read_text()
    hrefs = re.findall(r'href="([^"]+)"', root)
    assert sorted(h for h in hrefs if not h.endswith("index.html")) == reports
    assert root.index("daily/2026-11-25/") < root.index("daily/2026-11-24/")
    assert root.index("daily/2026-11-24/") < root.index("daily/2026-11-02/")
    assert "not-a-date" not in root

    day_index = tmp_path / "daily" / "2026-11-24" / "index.html"
    day_links = re.findall(r'href="([^"]+)"', day_index.read_text())
    for href in day_links:
        assert (day_index.parent / href).resolve().is_file(), href
    assert "../../weekly/2026-11-23/inventory_analysis.html" in day_links
    assert "../../monthly/2026-11/business_review.html" in day_links
    other_week = re.findall(r'href="([^"]+)"', (tmp_path / "daily/2026-11-02/index.html")
                            .read_text())
    assert not any("weekly/" in href for href in other_week)


def test_plotly_js_written_once_and_reachable(tables, tmp_path):
    paths = render_daily_reports(make_fetch(tables), DAY, tmp_path)
    script = tmp_path / "plotly.min.js"
    assert script.read_text() == plotly.offline.get_plotlyjs()
    assert (paths[0].parent / "../../plotly.min.js").resolve() == script.resolve()
    written = script.stat().st_mtime_ns
    assert ensure_plotly_js(tmp_path) == script
    assert script.stat().st_mtime_ns == written
    script.write_text("stale")
    ensure_plotly_js(tmp_path)
    assert script.read_text() == plotly.offline.get_plotlyjs()


@pytest.mark.parametrize("empty", [pd.DataFrame(), None])
def test_no_data_pages(tmp_path, empty):
    def fetch(table, start, end):
        return empty

    paths = render_all(fetch, tmp_path)
    assert len(paths) == 5
    for path in paths:
        page = path.read_text()
        assert "<h2>No data</h2>" in page
        assert "<script" not in page
    assert "Daily sales — 2026-11-24" in paths[0].read_text()


def test_reports_render_with_only_their_main_table(tables, tmp_path):
    """Sections without rows say so; the rest of the report still renders."""
    main = {name: tables[name] for name in ("rpt_daily_sales", "rpt_employee_hours")}
    main["rpt_inventory_status"] = tables["rpt_inventory_status"]
    pages = {p.name + p.parent.parent.name: p.read_text()
             for p in render_all(make_fetch(main), tmp_path)}
    dashboard = pages["sales_dashboard.htmldaily"]
    assert "No hourly sales for this day." in dashboard
    assert "No tender rows for this day." in dashboard
    assert chart_ids(dashboard) == ["net-sales-by-store", "discounts-returns"]
    assert "No hourly rows for this period." in pages["employee_productivity.htmlweekly"]
    assert "No product sales this month." in pages["business_review.htmlmonthly"]
    assert "unranked" in pages["inventory_analysis.htmlweekly"]


def test_weeks_start_on_monday(tables, tmp_path):
    with pytest.raises(ValueError, match="Monday"):
        render_weekly_reports(make_fetch(tables), DAY, tmp_path)


def test_store_colours_are_stable_and_distinct():
    codes = [f"S{n:02d}" for n in range(1, 16)]
    colors = store_colors(codes)
    assert len(set(colors.values())) == len(codes)
    assert set(colors.values()) <= set(STORE_PALETTE)
    assert store_colors(reversed(codes)) == colors
    more = store_colors([*codes, "S99"])
    assert {code: more[code] for code in codes} == colors
