"""Every figure the daily reports show equals the same figure in that day's CSV exports.

The chain is test_pipeline.py's (same dates and seed): when that module ran first in the session,
its exports and reports are read as they are; otherwise the chain is generated and built here.
"""

from __future__ import annotations

import csv
import html
import json
import math
import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from store_pipeline.lib.settings import Settings, load_settings
from store_pipeline_tests.test_pipeline import DAYS, END, START, chain_config
from store_pipeline_tests.test_reports import (
    figures,
    table_rows,
    tile_number,
    tile_value,
)

CENT = Decimal("0.01")
BASIS_POINT = Decimal("0.0001")
TOP_PRODUCTS = 10
BUSINESS_DATES = [START + timedelta(days=n) for n in range(DAYS)]

Rows = list[dict[str, str]]


def _is_built(settings: Settings) -> bool:
    return all(
        (settings.exports / day.isoformat() / "employee_hours.csv").is_file()
        and (settings.reports / "daily" / day.isoformat() / "sales_dashboard.html").is_file()
        for day in BUSINESS_DATES
    )


def _has_backups(settings: Settings) -> bool:
    return all((settings.outbox / f"pos_{day:%Y%m%d}.duckdb").is_file() for day in BUSINESS_DATES)


@pytest.fixture(scope="module")
def home() -> Settings:
    """The session's data home with the chain's exports and reports in it."""
    settings = load_settings()
    if _is_built(settings):
        return settings
    from store_pipeline.cli.runner import materialize_range
    from store_pipeline.definitions import defs
    from store_pipeline.defs.partitions import (
        daily_partitions,
        monthly_partitions,
        weekly_partitions,
    )
    from store_pipeline.instance.config import get_instance
    from store_pipeline.lib.generator import generate_chain

    if not _has_backups(settings):
        generate_chain(chain_config(), outbox=settings.outbox)
    partitions = {"daily": daily_partitions, "weekly": weekly_partitions,
                  "monthly": monthly_partitions}
    runs = materialize_range(defs(), partitions, START, END, get_instance(settings),
                             announce=lambda _: None)
    assert [run.success for run in runs] == [True] * 4  # ingestion, analytics, week, month
    return settings


def export(settings: Settings, day: date, name: str) -> Rows:
    with (settings.exports / day.isoformat() / f"{name}.csv").open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def report(settings: Settings, day: date, name: str) -> str:
    return (settings.reports / "daily" / day.isoformat() / f"{name}.html").read_text()


def total(rows: Rows, column: str) -> Decimal:
    return sum((Decimal(row[column]) for row in rows), Decimal(0))


def cents(value: float | Decimal | str) -> Decimal:
    return Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


def shown(text: str) -> Decimal:
    """A number as a report shows it: ``12,345.67``, ``41.1%``."""
    return Decimal(text.replace(",", "").rstrip("%"))


def drawn(page: str, chart: str, trace: str | None = None) -> dict[str, Decimal]:
    """Cents a chart's trace (the one named ``trace``, else the first) draws per category.

    Categories are store codes or SKUs; gaps (NaN) and a trace the chart lacks draw nothing.
    """
    traces = [t for t in figures(page)[chart]["data"] if trace in (None, t.get("name"))]
    if not traces:
        return {}
    data = traces[0]
    by_y = isinstance(data["y"][0], str)
    keys, values = (data["y"], data["x"]) if by_y else (data["x"], data["y"])
    return {html.unescape(key): cents(value)
            for key, value in zip(keys, values, strict=True) if not math.isnan(value)}


@pytest.fixture(scope="module", params=BUSINESS_DATES, ids=str)
def day(request, home) -> date:
    """A business date with sales; a closed one (a holiday) only says so."""
    day = request.param
    if all(row["transactions"] == "0" for row in export(home, day, "daily_sales_summary")):
        assert "Every store was closed" in report(home, day, "sales_dashboard")
        pytest.skip(f"{day}: every store was closed, no figures to compare")
    return day


def test_kpi_tiles_equal_the_exports(home, day):
    stores = export(home, day, "daily_sales_summary")
    staff = export(home, day, "employee_hours")
    page = report(home, day, "sales_dashboard")
    net, transactions = total(stores, "net_sales"), total(stores, "transactions")
    money = {
        "net_sales": net,
        "atv": net / transactions,
        "upt": total(stores, "units_sold") / transactions,
        "splh": net / total(stores, "labor_hours"),
    }
    for key, expected in money.items():
        assert cents(tile_number(page, key)) == cents(expected), key
        assert shown(tile_value(page, key)) == cents(expected), key
    assert tile_number(page, "transactions") == transactions
    shares = {
        "gross_margin_pct": total(stores, "gross_margin") / net,
        "labor_pct": total(staff, "labor_cost") / net,
    }
    for key, expected in shares.items():
        value = Decimal(str(tile_number(page, key)))
        assert value.quantize(BASIS_POINT) == expected.quantize(BASIS_POINT), key
        assert shown(tile_value(page, key)) == (expected * 100).quantize(Decimal("0.1")), key


def test_store_charts_equal_the_exports(home, day):
    stores = export(home, day, "daily_sales_summary")
    page = report(home, day, "sales_dashboard")
    charts = {
        ("net-sales-by-store", "Net sales"): "net_sales",
        ("net-sales-by-store", "Last week"): "net_sales_last_week",
        ("net-sales-by-store", "Same day last year"): "net_sales_same_day_last_year",
        ("discounts-returns", "Discounts"): "discounts",
        ("discounts-returns", "Returns"): "returns",
    }
    for (chart, trace), column in charts.items():
        exported = {row["store_code"]: cents(row[column]) for row in stores if row[column]}
        assert drawn(page, chart, trace) == exported, column


def test_top_products_equal_the_exports(home, day):
    by_sku: dict[str, Decimal] = {}
    for row in export(home, day, "product_performance"):
        by_sku[row["sku"]] = by_sku.get(row["sku"], Decimal(0)) + Decimal(row["net_sales"])
    best = sorted(by_sku.items(), key=lambda item: (-item[1], item[0]))[:TOP_PRODUCTS]
    assert list(drawn(report(home, day, "sales_dashboard"), "top-products").items()) == best


def test_employee_hours_and_splh_equal_the_exports(home, day):
    staff = export(home, day, "employee_hours")
    page = report(home, day, "employee_productivity")
    shown_rows = {(row["Store"][0], row["#"][0]): row for row in table_rows(page, "Employees")}
    assert set(shown_rows) == {(row["store_code"], row["employee_number"]) for row in staff}
    columns = {"Hours": "hours_worked", "Overtime": "overtime_hours", "Labor cost": "labor_cost",
               "Net sales": "net_sales_handled", "SPLH": "sales_per_labor_hour"}
    for row in staff:
        cells = shown_rows[row["store_code"], row["employee_number"]]
        for header, column in columns.items():
            text, value = cells[header]
            if value is None or row[column] == "":  # no hours yet (a shift still open): no SPLH
                assert value is None and row[column] == "", (row["employee_number"], column)
                continue
            assert cents(value) == cents(row[column]), (row["employee_number"], column)
            assert shown(text) == cents(row[column]), (row["employee_number"], column)
    hours = total(staff, "hours_worked")
    assert cents(tile_number(page, "hours_worked")) == hours
    assert cents(tile_number(page, "labor_cost")) == total(staff, "labor_cost")
    assert cents(tile_number(page, "splh")) == cents(total(staff, "net_sales_handled") / hours)


def store_pages(settings: Settings, day: date) -> dict[str, dict]:
    """The figures embedded in the day's store page, per store code."""
    page = report(settings, day, "store_day")
    found = re.search(r'<script type="application/json" id="scope-data">(.*?)</script>', page)
    return json.loads(found.group(1))["items"]


def _by_store(rows: Rows) -> dict[str, Rows]:
    stores: dict[str, Rows] = {}
    for row in rows:
        stores.setdefault(row["store_code"], []).append(row)
    return stores


def _shown(part: dict, key: str, column: str) -> dict[str, Decimal | None]:
    return {str(k): None if v is None else cents(v)
            for k, v in zip(part[key], part[column], strict=True)}


def _exported(rows: Rows, key: str, column: str) -> dict[str, Decimal | None]:
    return {row[key]: cents(row[column]) if row[column] else None for row in rows}


def test_store_pages_equal_the_exports(home, day):
    pages = store_pages(home, day)
    sales = {row["store_code"]: row for row in export(home, day, "daily_sales_summary")}
    assert set(pages) == set(sales)
    cashiers = _by_store(export(home, day, "cashier_exceptions"))
    batches = _by_store(export(home, day, "cash_over_short"))
    for code, store in pages.items():
        tiles = {tile[0]: tile[2] for tile in store["tiles"]}
        assert cents(tiles["net_sales"]) == cents(sales[code]["net_sales"]), code
        assert tiles["transactions"] == float(sales[code]["transactions"]), code
        mine = [row for row in cashiers.get(code, []) if row["employee_number"]]
        for column in ("voided_amount", "returns_amount", "discount_amount"):
            assert _shown(store["cashiers"], "employee_number", column) == _exported(
                mine, "employee_number", column), (code, column)
        flagged = {row["employee_number"] for row in mine
                   if "1" in (row["void_flag"], row["return_flag"], row["discount_flag"])}
        assert {number for number, hit in zip(store["cashiers"]["employee_number"],
                                              store["cashiers"]["is_flagged"], strict=True)
                if hit} == flagged, code
        drawers = batches.get(code, [])
        for column in ("expected_cash", "over_short"):
            assert _shown(store["batches"], "batch_number", column) == {
                str(float(row["batch_number"])): cents(row[column]) if row[column] else None
                for row in drawers}, (code, column)
        short = [f"register {row['register_number']} batch {row['batch_number']}: "
                 f"{cents(row['over_short']):,}" for row in drawers if row["flagged"] == "1"]
        note = store["notes"]["cash-note"]
        assert note == ("Over or short: " + "; ".join(short) + ".") if short else (
            note.startswith("No drawer")), code
