"""Report renderer: content, escaping, determinism, index, shared plotly.js, no-data pages,
batches of periods (worker processes, blocks of dates)."""

from __future__ import annotations

import base64
import html
import json
import re
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import plotly.offline
import pytest

from store_pipeline.defs.resources.warehouse import DuckDBWarehouse
from store_pipeline.lib.reports import (
    ensure_plotly_js,
    render_daily_reports,
    render_monthly_report,
    render_weekly_reports,
    write_index,
)
from store_pipeline.lib.reports.data import (
    BLOCK_DAYS,
    DAILY_SALES,
    KEPT_BLOCKS,
    QUARANTINE,
    DateBlocks,
    is_missing_table,
    load,
    load_optional,
)
from store_pipeline.lib.reports.employee import staffing_by_hour
from store_pipeline.lib.reports.inventory import department_turnover
from store_pipeline.lib.reports.kpis import KPIS
from store_pipeline.lib.reports.parallel import (
    BATCHES_PER_WORKER,
    PERIODS_PER_WORKER,
    batches,
    render_batch,
    render_periods,
    worker_count,
)
from store_pipeline.lib.reports.theme import STORE_PALETTE, store_colors
from store_pipeline.lib.reports.tiles import delta

XSS = "<script>alert(1)</script>"
CLOSER = "</script><img src=x onerror=alert(2)>"
QUOTED = 'Harbor "Bay" & Sons'
DAY = date(2026, 11, 24)  # a Tuesday
WEEK = date(2026, 11, 23)
SUNDAY = date(2026, 11, 29)
MONTH = date(2026, 11, 1)
STORES = (("S01", "Downtown", "East"), ("S02", XSS, "West"), ("S03", QUOTED, "East"))
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


def _hourly_staffing(days: list[date]) -> pd.DataFrame:
    """rpt_hourly_sales' hours with labour: noon under-staffed, 09:00 over-staffed."""
    hours = _hourly_sales(days).drop(columns="units_sold")
    labour = hours["staff_on_clock"].astype(float)
    return hours.assign(
        labor_hours=labour, sales_per_labor_hour=(hours["net_sales"] / labour).round(2),
        day_sales_per_labor_hour=150.0, is_judged=1,
        is_under_staffed=(hours["hour"] == 12).astype(int),
        is_over_staffed=(hours["hour"] == 9).astype(int),
    )


def _cashier_exceptions(days: list[date]) -> pd.DataFrame:
    """Cashier 7 of each store voids too much; at S03 cashier 8 also gives too much discount."""
    return pd.DataFrame([
        {"business_date": day, "store_code": code, "employee_number": number,
         "employee_name": CLOSER if number == "7" else "Cat", "transactions": 40,
         "voided_transactions": 6 if number == "7" else 1, "voided_amount": 120.5,
         "return_lines": 2, "returns_amount": 30.0, "unmatched_returns": 1,
         "discount_amount": 55.25, "discount_pct": 0.0525, "void_flag": int(number == "7"),
         "return_flag": 0, "discount_flag": int(number == "8" and code == "S03")}
        for day in days for code, _, _ in STORES for number in ("7", "8")
    ])


def _cash_over_short(days: list[date]) -> pd.DataFrame:
    """Register 2 of S02 is 40.00 short; register 3 of each store is still open."""
    rows = []
    for day in days:
        for code, _, _ in STORES:
            for register in (1, 2, 3):
                short = code == "S02" and register == 2
                open_batch = register == 3
                rows.append({
                    "business_date": day, "store_code": code, "register_number": register,
                    "batch_number": 100 + register, "opening_time": f"{day} 08:00:00",
                    "closing_time": None if open_batch else f"{day} 20:00:00",
                    "opening_total": 150.0, "cash_sales": 900.0, "cash_refunds": 20.0,
                    "paid_out": 10.0, "dropped": 800.0, "expected_cash": 220.0,
                    "closing_total": None if open_batch else (180.0 if short else 221.0),
                    "over_short": None if open_batch else (-40.0 if short else 1.0),
                    "no_sales_count": 1, "flagged": int(short),
                })
    return pd.DataFrame(rows)


def _reorder_suggestions(days: list[date]) -> pd.DataFrame:
    """P1 (out of stock) is to be reordered at every store."""
    return pd.DataFrame([
        {"business_date": day, "store_code": code, "sku": "P1", "product_name": "Coffee beans",
         "supplier": XSS, "on_hand_units": 0.0, "on_order_units": 4.0, "reorder_point": 5.0,
         "restock_level": 24.0, "avg_daily_units_28d": 2.0, "forecast_units_14d": None,
         "suggested_order_units": 20.0, "suggested_order_cost": 65.0 + number}
        for day in days for number, (code, _, _) in enumerate(STORES)
    ])


def fake_tables() -> dict[str, pd.DataFrame]:
    """Report marts of a 3-store chain with hostile POS text; no ``qua_summary`` table."""
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
        "rpt_hourly_staffing": _hourly_staffing(november),
        "rpt_cashier_exceptions": _cashier_exceptions(november),
        "rpt_cash_over_short": _cash_over_short(november),
        "rpt_reorder_suggestions": _reorder_suggestions(_days(WEEK, SUNDAY)),
    }


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return fake_tables()


def make_fetch(tables: dict[str, pd.DataFrame], *, shuffle: bool = False):
    """A fetch over in-memory tables; ``shuffle`` returns rows in another order.

    A table not in ``tables`` raises what DuckDB raises for a table that does not exist.
    """

    def fetch(table: str, start: date, end: date,
              date_column: str = "business_date") -> pd.DataFrame:
        if table not in tables:
            raise duckdb.CatalogException(f"Catalog Error: Table with name {table} does not exist!")
        frame = tables[table]
        if frame.empty:
            return frame
        rows = frame[(frame[date_column] >= start) & (frame[date_column] <= end)]
        return rows.sample(frac=1, random_state=3) if shuffle else rows

    return fetch


def render_all(fetch, reports_dir: Path) -> list[Path]:
    paths = render_daily_reports(fetch, DAY, reports_dir)
    paths += render_weekly_reports(fetch, WEEK, reports_dir)
    paths += render_monthly_report(fetch, MONTH, reports_dir)
    return paths


@pytest.fixture(scope="module")
def rendered(tables, tmp_path_factory) -> dict[str, str]:
    reports_dir = tmp_path_factory.mktemp("reports")
    paths = render_all(make_fetch(tables), reports_dir)
    return {path.relative_to(reports_dir).as_posix(): path.read_text() for path in paths}


def _tile(page: str, key: str) -> re.Match:
    match = re.search(rf'<div class="tile" data-kpi="{key}"(?: data-value="([^"]*)")?>(.*?)'
                      r"</div></div>", page)
    assert match, f"no tile {key}"
    return match


def tile_value(page: str, key: str) -> str:
    """The text a tile shows."""
    return re.search(r'<div class="value">([^<]*)', _tile(page, key).group(2)).group(1)


def tile_number(page: str, key: str) -> float | None:
    """The number a tile holds in ``data-value`` (None when it has none)."""
    value = _tile(page, key).group(1)
    return None if value is None else float(value)


def tile_deltas(page: str, key: str) -> list[tuple[str, str]]:
    return re.findall(r'<div class="delta (\w+)">([^<]*) <span>', _tile(page, key).group(2))


def chart_ids(page: str) -> list[str]:
    return re.findall(r'<div id="([\w-]+)" class="plotly-graph-div"', page)


def table_rows(page: str, heading: str) -> list[dict[str, tuple[str, float | None]]]:
    """Rows of the first table in the section titled ``heading``: header -> (text, data-value)."""
    match = re.search(rf"<h2>{re.escape(html.escape(heading))}</h2>.*?<table>(.*?)</table>",
                      page, re.S)
    assert match, f"no table under {heading}"
    rows = re.findall(r"<tr>(.*?)</tr>", match.group(1))
    header = [html.unescape(text) for text in re.findall(r"<th[^>]*>([^<]*)</th>", rows[0])]
    cells = (re.findall(r'<td[^>]*?(?: data-value="([^"]*)")?>([^<]*)</td>', row)
             for row in rows[1:])
    return [
        {name: (html.unescape(text), float(value) if value else None)
         for name, (value, text) in zip(header, row, strict=True)}
        for row in cells
    ]


def figures(page: str) -> dict[str, dict]:
    """Each chart's ``data`` and ``layout`` by its div id, with plotly's typed arrays decoded."""
    decoder = json.JSONDecoder()
    separator = re.compile(r"\s*,\s*")
    found = {}
    for match in re.finditer(r"Plotly\.newPlot\(\s*", page):
        div_id, end = decoder.raw_decode(page, match.end())
        data, end = decoder.raw_decode(page, separator.match(page, end).end())
        layout, _ = decoder.raw_decode(page, separator.match(page, end).end())
        found[div_id] = {"data": _decoded(data), "layout": layout}
    return found


def _decoded(value):
    """``value`` with every ``{"dtype", "bdata"}`` typed array turned into a list."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" in value:
            array = array.reshape([int(n) for n in value["shape"].split(",")])
        return array.tolist()
    if isinstance(value, dict):
        return {key: _decoded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decoded(item) for item in value]
    return value


def store_colours(page: str, codes: set[str]) -> dict[str, set[str]]:
    """The colours each store code is drawn in, over every chart of ``page``."""
    seen: dict[str, set[str]] = {}
    for chart in figures(page).values():
        for trace in chart["data"]:
            color = trace.get("marker", {}).get("color")
            name = html.unescape(trace.get("name", ""))
            if isinstance(color, str) and name in codes:
                seen.setdefault(name, set()).add(color)
            elif isinstance(color, list):
                axis = trace["y"] if trace.get("orientation") == "h" else trace["x"]
                for key, each in zip(axis, color, strict=True):
                    if html.unescape(key) in codes:
                        seen.setdefault(html.unescape(key), set()).add(each)
    return seen


def test_paths_and_titles(rendered):
    expected = {
        "daily/2026-11-24/sales_dashboard.html": "Daily sales — 2026-11-24",
        "daily/2026-11-24/employee_productivity.html": "Employee productivity — 2026-11-24",
        "weekly/2026-11-23/inventory_analysis.html": "Weekly inventory — week of 2026-11-23",
        "weekly/2026-11-23/employee_productivity.html":
            "Weekly employee productivity — week of 2026-11-23",
        "monthly/2026-11/business_review.html": "Monthly business review — November 2026",
        "daily/2026-11-24/store_day.html": "Store day — 2026-11-24",
        "weekly/2026-11-23/region_week.html": "Region week — week of 2026-11-23",
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
    for name, page in rendered.items():
        assert page.count('<script src="../../plotly.min.js" charset="utf-8"></script>') == 1
        assert len(page) < 200_000
        assert ('"responsive": true' in page) or (SCOPED in page), name


SCOPED = '<script type="application/json" id="scope-data">'



def expected_delta(current: float, previous: float) -> tuple[str, str]:
    change = (current / previous - 1) * 100
    return ("pos", f"▲ {change:+.1f}%") if change > 0 else ("neg", f"▼ {change:+.1f}%")


def test_net_sales_tile_is_the_day_total_with_deltas(rendered, tables):
    sales = tables["rpt_daily_sales"]

    def total(day: date) -> float:
        return sales.loc[sales["business_date"] == day, "net_sales"].sum()

    page = rendered["daily/2026-11-24/sales_dashboard.html"]
    assert tile_value(page, "net_sales") == f"{total(DAY):,.2f}"
    assert tile_number(page, "net_sales") == pytest.approx(total(DAY), abs=1e-9)
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
    assert re.search(r'<div class="delta na">n/a <span>vs last year</span>', page)


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
    assert tile_value(weekly, "overtime_hours") == "15.00"  # 45 h - 40 h in each of 3 stores
    assert tile_value(daily, "overtime_hours") == "0.00"
    assert tile_value(weekly, "hours_worked") == f"{3 * (45 + 7 * 5.0):,.2f}"
    first = [row for row in table_rows(weekly, "Employees") if row["#"][0] == "1"]
    assert len(first) == 3
    for row in first:
        assert [row[name] for name in ("Hours", "Regular", "Overtime")] == [
            ("45.00", 45.0), ("40.00", 40.0), ("5.00", 5.0)
        ]
    assert "<td>Robert</td>" in weekly and "<td>Bob</td>" not in weekly  # the latest name


def test_daily_splh_is_the_warehouse_figure(tables, tmp_path):
    """A day's SPLH per employee is the mart's, computed from unrounded hours."""
    hours = tables["rpt_employee_hours"].copy()
    hours["sales_per_labor_hour"] = 123.45
    fetch = make_fetch({**tables, "rpt_employee_hours": hours})
    daily = render_daily_reports(fetch, DAY, tmp_path)[1].read_text()
    assert {row["SPLH"] for row in table_rows(daily, "Employees")} == {("123.45", 123.45)}
    weekly = render_weekly_reports(fetch, WEEK, tmp_path)[1].read_text()
    # the week's sales over its hours: 6 x 1,000 / 45 h and 7 x 1,000 / 35 h
    assert {row["SPLH"][0] for row in table_rows(weekly, "Employees")} == {"133.33", "200.00"}


def test_splh_points_carry_their_own_employees_hover(rendered):
    page = rendered["daily/2026-11-24/employee_productivity.html"]
    traces = figures(page)["splh-by-employee"]["data"]
    assert [trace["name"] for trace in traces] == [code for code, _, _ in STORES]
    for trace in traces:
        assert trace["x"] == [7.5, 5.0]  # employees 1 and 2
        assert [text.split("<br>")[1:3] for text in trace["hovertext"]] == [
            [f"Store: {trace['name']}", f"Employee #: {number}"] for number in ("1", "2")]
    assert traces[0]["hovertext"][0].startswith(f"<b>{html.escape(CLOSER, quote=False)}</b>")


def test_staffing_heat_map_hover_names_each_cell(tables, tmp_path):
    hourly = pd.DataFrame([
        {"business_date": DAY, "store_code": code, "hour": hour, "transactions": n,
         "net_sales": 30.0 * n, "units_sold": 2 * n, "staff_on_clock": staff}
        for code, hour, n, staff in (("S01", 9, 3, 2), ("S01", 12, 40, 4), ("S02", 12, 10, 0))
    ])
    fetch = make_fetch({**tables, "rpt_hourly_sales": hourly})
    page = render_daily_reports(fetch, DAY, tmp_path)[1].read_text()
    [heat_map] = figures(page)["staffing-by-store"]["data"]

    def cell(title: str, transactions: str, staff: str, per_staff: str) -> str:
        return (f"<b>{title}</b><br>Transactions: {transactions}<br>Staff-hours: {staff}"
                f"<br>Transactions per staff-hour: {per_staff}")

    assert heat_map["y"] == ["S01", "S02"] and heat_map["x"] == ["09:00", "12:00"]
    assert heat_map["hovertext"] == [
        [cell("S01 09:00", "3", "2.0", "1.5"), cell("S01 12:00", "40", "4.0", "10.0")],
        [cell("S02 09:00", "n/a", "n/a", "n/a"), cell("S02 12:00", "10", "0.0", "n/a")],
    ]


def test_inventory_uses_the_last_day_of_the_week(rendered):
    page = rendered["weekly/2026-11-23/inventory_analysis.html"]
    assert "Stock as of Sunday 2026-11-29" in page
    assert tile_value(page, "stockouts") == "6"  # P1 and P2 in 3 stores on Sunday
    assert tile_value(page, "dead_stock_value") == "300.00"
    assert "28-day cost of goods" in page


def test_inventory_reorder_list_carries_the_reorder_suggestions(rendered):
    page = rendered["weekly/2026-11-23/inventory_analysis.html"]
    section = page[page.index("Reorder first"):]
    section = section[:section.index("</table>")]
    assert "On order" in section and "Order units" in section
    rows = [row for row in section.split("<tr")[1:] if ">P1<" in row]
    assert len(rows) == len(STORES)  # P1 is due at every store
    cells = [re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in rows]
    assert all(c[-4:-2] == ["4", "20"] for c in cells), cells  # on order, order units


def test_inventory_falls_back_to_the_latest_day_with_rows(tables, tmp_path):
    partial = dict(tables)
    stock = tables["rpt_inventory_status"]
    partial["rpt_inventory_status"] = stock[stock["business_date"] < SUNDAY]
    path, *_ = render_weekly_reports(make_fetch(partial), WEEK, tmp_path)
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
    page = render_monthly_report(make_fetch(recent), MONTH, tmp_path)[0].read_text()
    assert tile_deltas(page, "net_sales")[1] == ("na", "n/a")


def test_monthly_counts_and_sales_by_customer_segment(tables, tmp_path):
    segments = pd.DataFrame({
        "month_start_date": [MONTH] * 4, "customer_key": ["a", "b", "c", "d"],
        "segment": ["champions", "champions", "lapsed", "new"],
        "month_net_sales": [120.5, 80.0, 0.0, 30.25], "net_sales_90d": [400.0, 300.0, 0.0, 30.25]})
    page = render_monthly_report(make_fetch({**tables, "rpt_customer_segments": segments}),
                                 MONTH, tmp_path)[0].read_text()
    section = page[page.index("Loyalty customers by segment"):]
    assert "200.50" in section and "700.00" in section  # the two champions
    assert "50.0%" in section and "25.0%" in section
    without = render_monthly_report(make_fetch(tables), MONTH, tmp_path)[0].read_text()
    assert "No loyalty customer segments for this month." in without


def test_pos_text_is_escaped_everywhere(rendered, tmp_path, tables):
    render_all(make_fetch(tables), tmp_path)
    write_index(tmp_path)
    pages = list(rendered.values()) + [p.read_text() for p in tmp_path.rglob("index.html")]
    for page in pages:
        assert XSS not in page
        assert "<img" not in page
        # only our own script elements: the shared plotly.js, one per chart, the resizer; a
        # scoped page has its figures and its script instead of one per chart
        charts = len(chart_ids(page))
        expected = 4 if SCOPED in page else (charts + 2 if charts else 0)
        assert page.count("<script") == expected
        assert QUOTED not in page
    employee = rendered["daily/2026-11-24/employee_productivity.html"]
    assert "&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in employee  # table cell
    review = rendered["monthly/2026-11/business_review.html"]
    assert "<td>Harbor &quot;Bay&quot; &amp; Sons</td>" in review
    axis = figures(review)["store-ranking"]["layout"]["yaxis"]
    names = dict(zip(axis["tickvals"], axis["ticktext"], strict=True))
    assert names["S03"] == 'S03 Harbor "Bay" &amp; Sons'  # plotly.js shows "&amp;" as "&"
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
    assert len(paths) == 7
    for path in paths:
        page = path.read_text()
        assert "<h2>No data</h2>" in page
        assert "<script" not in page
    assert "Daily sales — 2026-11-24" in paths[0].read_text()


def test_reports_render_with_only_their_main_table(tables, tmp_path):
    """Sections without rows say so; the rest of the report still renders."""
    main = {name: frame.iloc[0:0] for name, frame in tables.items()}
    for name in ("rpt_daily_sales", "rpt_employee_hours", "rpt_inventory_status"):
        main[name] = tables[name]
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


def test_top_products_by_sku_named_by_product(rendered, tables):
    products = tables["rpt_product_performance"]
    day = products[products["business_date"] == DAY].groupby("sku")["net_sales"].sum()
    chart = figures(rendered["daily/2026-11-24/sales_dashboard.html"])["top-products"]
    [bars] = chart["data"]
    assert bars["y"] == ["P4", "P3", "P2", "P1"]  # keys: unique even if two names are equal
    assert bars["x"] == [day[sku] for sku in bars["y"]]
    axis = chart["layout"]["yaxis"]
    assert axis["tickvals"] == bars["y"]
    assert axis["ticktext"] == ["Kettle", "Mug", "&lt;script&gt;alert(1)&lt;/script&gt;",
                                "Coffee beans"]


def test_each_store_has_one_colour_in_every_chart_of_every_report(tables, tmp_path):
    """S03 and S3 want the same palette slot; only S3 has dead stock: one chart shows it alone."""
    assert store_colors(["S3"]) != {"S3": store_colors(["S03", "S3"])["S3"]}
    renamed = {name: frame.replace({"store_code": {"S02": "S3"}}) for name, frame in tables.items()}
    stock = renamed["rpt_inventory_status"]
    only_s3 = stock["is_dead_stock"].where(stock["store_code"] == "S3", 0)
    renamed["rpt_inventory_status"] = stock.assign(is_dead_stock=only_s3)
    codes = {"S01", "S03", "S3"}
    seen: dict[str, set[str]] = {}
    for path in render_all(make_fetch(renamed), tmp_path):
        for code, colours in store_colours(path.read_text(), codes).items():
            seen.setdefault(code, set()).update(colours)
    assert set(seen) == codes
    assert all(len(colours) == 1 for colours in seen.values()), seen
    assert len(set.union(*seen.values())) == len(codes)


def _quarantine(*counts: tuple[str, int]) -> pd.DataFrame:
    return pd.DataFrame([{"business_date": DAY, "kind": kind, "row_count": rows}
                         for kind, rows in counts])


def test_data_quality_card_counts_quarantined_rows(tables, tmp_path):
    quarantine = _quarantine(("orphan_lines", 3), ("duplicate_rows", 0), ("unknown_items", 12))
    fetch = make_fetch({**tables, "qua_summary": quarantine})
    page = render_daily_reports(fetch, DAY, tmp_path)[0].read_text()
    assert table_rows(page, "Data quality") == [
        {"Problem": ("Unknown items", None), "Rows quarantined": ("12", 12.0)},
        {"Problem": ("Orphan lines", None), "Rows quarantined": ("3", 3.0)},
    ]
    assert "15 POS rows broke a data rule" in page
    assert "marts.qua_summary" in page


def test_data_quality_card_on_a_clean_day(tables, tmp_path):
    fetch = make_fetch({**tables, "qua_summary": _quarantine(("orphan_lines", 0))})
    page = render_daily_reports(fetch, DAY, tmp_path)[0].read_text()
    assert "<h2>Data quality</h2>" in page
    assert "No POS row was quarantined for this day." in page


def test_no_data_quality_card_without_the_table(rendered):
    page = rendered["daily/2026-11-24/sales_dashboard.html"]
    assert "Data quality" not in page and "qua_summary" not in page


def test_other_warehouse_errors_still_fail_the_report(tables, tmp_path):
    def fetch(table, start, end):
        if table == "qua_summary":
            raise duckdb.IOException("IO Error: could not read block")
        return make_fetch(tables)(table, start, end)

    with pytest.raises(duckdb.IOException):
        render_daily_reports(fetch, DAY, tmp_path)


def test_missing_table_is_told_apart_from_other_errors():
    sql_server = "[42S02] [Microsoft][ODBC Driver 18 for SQL Server]Invalid object name"
    assert is_missing_table(duckdb.CatalogException("Table with name qua_summary does not exist!"),
                            "qua_summary")
    assert is_missing_table(Exception("42S02", f"{sql_server} 'marts.qua_summary'."),
                            "qua_summary")
    assert not is_missing_table(duckdb.CatalogException("Table with name rpt_daily_sales does "
                                                        "not exist!"), "qua_summary")
    assert not is_missing_table(Exception("42S02", f"{sql_server} 'marts.other'."), "qua_summary")
    assert not is_missing_table(Exception("08S01", "qua_summary: link failure"), "qua_summary")


def test_periods_split_into_consecutive_batches():
    days = _days(date(2026, 1, 1), date(2026, 1, 30))
    work = batches(days, workers=2)
    assert len(work) == 2 * BATCHES_PER_WORKER
    assert [d for batch in work for d in batch] == days
    assert max(map(len, work)) - min(map(len, work)) <= 1
    assert worker_count(1, cores=2) == 1
    assert worker_count(365, cores=2) == 2
    assert worker_count(2 * PERIODS_PER_WORKER - 1, cores=4) == 1


def test_rendering_in_worker_processes_writes_the_same_pages(tables, tmp_path):
    """Two worker processes, each reading the warehouse file itself, render what one does."""
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA marts")
    for name, frame in tables.items():
        con.register("frame", frame)
        con.execute(f"CREATE TABLE marts.{name} AS SELECT * FROM frame")
        con.unregister("frame")
    con.close()
    warehouse = DuckDBWarehouse(path=str(path))
    days = _days(DAY - timedelta(days=6), DAY)
    logged = []
    alone = render_periods(warehouse, render_daily_reports, days, tmp_path / "one", print,
                           workers=1)
    shared = render_periods(warehouse, render_daily_reports, days, tmp_path / "two",
                            logged.append, workers=2)
    assert len(shared) == 3 * len(days)
    assert [p.relative_to(tmp_path / "two") for p in shared] == [
        p.relative_to(tmp_path / "one") for p in alone]
    assert [p.read_bytes() for p in shared] == [p.read_bytes() for p in alone]
    assert len(logged) == len(batches(days, 2)) and "2 processes" in logged[-1]
    assert (tmp_path / "two" / "plotly.min.js").is_file()


EDGE = date.fromordinal(DAY.toordinal() // BLOCK_DAYS * BLOCK_DAYS)  # the first day of DAY's block


def counting_fetch(tables: dict[str, pd.DataFrame]):
    """``make_fetch(tables, shuffle=True)`` and the list of (table, start, end) it was asked."""
    fetch, calls = make_fetch(tables, shuffle=True), []

    def counted(table: str, start: date, end: date) -> pd.DataFrame:
        calls.append((table, start, end))
        return fetch(table, start, end)

    return counted, calls


class FakeWarehouse:
    """What ``render_batch`` uses of a warehouse: a reader yielding ``fetch``."""

    def __init__(self, fetch):
        self.fetch = fetch

    @contextmanager
    def reader(self):
        yield self.fetch


@pytest.mark.parametrize("table", ["rpt_daily_sales", "rpt_employee_hours", "rpt_hourly_sales",
                                   "rpt_tender_mix", "qua_summary", "rpt_product_performance"])
def test_date_blocks_load_what_the_plain_fetch_loads(tables, table):
    fetch = make_fetch({**tables, QUARANTINE: _quarantine(("orphan_lines", 3))}, shuffle=True)
    blocks = DateBlocks(fetch)
    day = timedelta(days=1)
    last = EDGE + (BLOCK_DAYS - 1) * day
    ranges = [
        (DAY, DAY), (EDGE, EDGE), (EDGE - day, EDGE - day), (EDGE - day, EDGE), (EDGE, last),
        (last, last + day), (EDGE - 40 * day, EDGE + 40 * day), (MONTH, date(2026, 11, 30)),
        (DAY - 364 * day, DAY - 364 * day), (date(2027, 3, 1), date(2027, 3, 3)),
    ]
    for start, end in ranges:
        pd.testing.assert_frame_equal(load(blocks, table, start, end),
                                      load(fetch, table, start, end))


def test_date_blocks_fetch_each_block_once(tables):
    fetch, calls = counting_fetch(tables)
    blocks = DateBlocks(fetch)
    days = [day - timedelta(days=back) for day in _days(EDGE - timedelta(days=9), DAY)
            for back in (0, 7, 364)]  # what the daily dashboards compare
    frames = [load(blocks, DAILY_SALES, day) for day in days]
    assert [len(frame) for frame in frames] == [len(STORES)] * len(days)
    touched = {day.toordinal() // BLOCK_DAYS for day in days}
    assert len(calls) == len(touched) == 3  # blocks of this year and one of last year
    assert all((end - start).days == BLOCK_DAYS - 1 for _, start, end in calls)


def test_date_blocks_keep_the_latest_blocks_of_a_table(tables):
    fetch, calls = counting_fetch(tables)
    blocks = DateBlocks(fetch)
    firsts = [EDGE - timedelta(days=BLOCK_DAYS * n) for n in range(KEPT_BLOCKS + 1)]
    for first in [*firsts[:-1], firsts[0], firsts[-1], firsts[0]]:
        load(blocks, DAILY_SALES, first)
    assert len(calls) == KEPT_BLOCKS + 1
    load(blocks, DAILY_SALES, firsts[1])  # the least recently used block: dropped, fetched again
    assert len(calls) == KEPT_BLOCKS + 2


def test_date_blocks_load_the_big_tables_request_by_request(tables):
    fetch, calls = counting_fetch(tables)
    blocks = DateBlocks(fetch)
    big = ["rpt_product_performance", "rpt_inventory_status"]
    for table in big:
        load(blocks, table, DAY)
        load(blocks, table, WEEK, SUNDAY)
    assert calls == [call for table in big for call in ((table, DAY, DAY), (table, WEEK, SUNDAY))]


def test_date_blocks_ask_for_a_missing_table_once(tables):
    fetch, calls = counting_fetch(tables)  # no qua_summary
    blocks = DateBlocks(fetch)
    assert load_optional(blocks, QUARANTINE, DAY) is None
    assert load_optional(blocks, QUARANTINE, DAY + timedelta(days=BLOCK_DAYS)) is None
    assert calls == [(QUARANTINE, EDGE, EDGE + timedelta(days=BLOCK_DAYS - 1))]

    def failing(table, start, end):
        calls.append(table)
        raise duckdb.IOException("IO Error: could not read block")

    blocks = DateBlocks(failing)
    for _ in range(2):  # any other error is not remembered
        with pytest.raises(duckdb.IOException):
            load_optional(blocks, QUARANTINE, DAY)
    assert calls[1:] == [QUARANTINE, QUARANTINE]


def test_only_a_batch_of_several_periods_reads_through_date_blocks(tables, tmp_path):
    fetch, seen = make_fetch(tables), []

    def render(fetch, period, reports_dir):
        seen.append(fetch)
        return []

    render_batch(FakeWarehouse(fetch), render, [DAY], tmp_path)
    assert seen == [fetch]
    render_batch(FakeWarehouse(fetch), render, [DAY, DAY + timedelta(days=1)], tmp_path)
    assert isinstance(seen[1], DateBlocks) and seen[1].fetch is fetch and seen[2] is seen[1]


def test_a_batch_writes_the_pages_of_periods_rendered_alone(tables, tmp_path):
    fetch = make_fetch({**tables, QUARANTINE: _quarantine(("orphan_lines", 3))}, shuffle=True)
    work = [
        (render_daily_reports, _days(EDGE - timedelta(days=2), DAY)),
        (render_weekly_reports, [WEEK - timedelta(days=7), WEEK]),
        (render_monthly_report, [date(2026, 10, 1), MONTH]),
    ]
    for render, periods in work:
        batch = render_batch(FakeWarehouse(fetch), render, periods, tmp_path / "batch")
        alone = [path for period in periods for path in render(fetch, period, tmp_path / "alone")]
        assert [p.relative_to(tmp_path / "batch") for p in batch] == [
            p.relative_to(tmp_path / "alone") for p in alone]
        assert [p.read_bytes() for p in batch] == [p.read_bytes() for p in alone]
