"""Warehouse rows for the reports: the fetch contract, typed columns, report periods."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import pandas as pd

Fetch = Callable[..., pd.DataFrame]
"""``fetch(table, start, end[, date_column])``: rows of ``marts.<table>`` with
start <= date_column (business_date unless named) <= end."""

DAILY_SALES = "rpt_daily_sales"
EMPLOYEE_HOURS = "rpt_employee_hours"
PRODUCTS = "rpt_product_performance"
INVENTORY = "rpt_inventory_status"
HOURLY_SALES = "rpt_hourly_sales"
TENDER_MIX = "rpt_tender_mix"
QUARANTINE = "qua_summary"
SEGMENTS = "rpt_customer_segments"
CASHIER_EXCEPTIONS = "rpt_cashier_exceptions"
CASH_OVER_SHORT = "rpt_cash_over_short"
REORDER = "rpt_reorder_suggestions"
HOURLY_STAFFING = "rpt_hourly_staffing"
MISSING_TABLE_SQLSTATE = "42S02"  # SQL Server (ODBC): invalid object name
BLOCK_DAYS = 32
KEPT_BLOCKS = 6  # per table: a monthly review reads three months of a table, two blocks each
# Thousands of rows a day: a query's fixed cost is a small share of their load, a block of them
# would hold 100+ MiB, and the weekly inventory report reads one day of rpt_inventory_status.
UNBLOCKED = frozenset({PRODUCTS, INVENTORY, SEGMENTS})


@dataclass(frozen=True)
class Table:
    """Columns of one report table, its key and which columns hold text or dates."""

    columns: tuple[str, ...]
    key: tuple[str, ...]
    text: tuple[str, ...]
    dates: tuple[str, ...] = ("business_date",)
    date_column: str = "business_date"  # the column a period selects on


TABLES: dict[str, Table] = {
    DAILY_SALES: Table(
        columns=(
            "business_date", "store_code", "store_name", "region", "transactions", "units_sold",
            "gross_sales", "discounts", "returns", "net_sales", "tax", "total_collected",
            "cost_of_goods", "gross_margin", "gross_margin_pct", "avg_transaction_value",
            "units_per_transaction", "labor_hours", "sales_per_labor_hour",
            "net_sales_last_week", "net_sales_same_day_last_year",
        ),
        key=("business_date", "store_code"),
        text=("store_code", "store_name", "region"),
    ),
    EMPLOYEE_HOURS: Table(
        columns=(
            "business_date", "store_code", "employee_number", "employee_name", "position",
            "shifts", "hours_worked", "regular_hours", "overtime_hours", "labor_cost",
            "transactions_handled", "net_sales_handled", "sales_per_labor_hour",
        ),
        key=("business_date", "store_code", "employee_number"),
        text=("store_code", "employee_number", "employee_name", "position"),
    ),
    PRODUCTS: Table(
        columns=(
            "business_date", "store_code", "sku", "product_name", "department", "category",
            "units_sold", "units_returned", "net_sales", "cost_of_goods", "gross_margin",
            "gross_margin_pct", "rank_in_store", "abc_class",
        ),
        key=("business_date", "store_code", "sku"),
        text=("store_code", "sku", "product_name", "department", "category", "abc_class"),
    ),
    INVENTORY: Table(
        columns=(
            "business_date", "store_code", "sku", "product_name", "department", "on_hand_units",
            "on_hand_value", "avg_daily_units_28d", "days_of_supply", "reorder_point",
            "below_reorder_point", "is_stockout", "last_sold_date", "days_since_last_sale",
            "is_dead_stock", "sell_through_pct_28d",
        ),
        key=("business_date", "store_code", "sku"),
        text=("store_code", "sku", "product_name", "department"),
        dates=("business_date", "last_sold_date"),
    ),
    HOURLY_SALES: Table(
        columns=(
            "business_date", "store_code", "hour", "transactions", "net_sales", "units_sold",
            "staff_on_clock",
        ),
        key=("business_date", "store_code", "hour"),
        text=("store_code",),
    ),
    TENDER_MIX: Table(
        columns=(
            "business_date", "store_code", "tender_type", "tender_count", "amount",
            "refund_amount", "split_transactions",
        ),
        key=("business_date", "store_code", "tender_type"),
        text=("store_code", "tender_type"),
    ),
    SEGMENTS: Table(
        columns=("month_start_date", "customer_key", "segment", "month_net_sales",
                 "net_sales_90d"),
        key=("month_start_date", "customer_key"),
        text=("customer_key", "segment"),
        dates=("month_start_date",),
        date_column="month_start_date",
    ),
    QUARANTINE: Table(
        columns=("business_date", "kind", "row_count"),
        key=("business_date", "kind"),
        text=("kind",),
    ),
    CASHIER_EXCEPTIONS: Table(
        columns=(
            "business_date", "store_code", "employee_number", "employee_name", "transactions",
            "voided_transactions", "voided_amount", "return_lines", "returns_amount",
            "unmatched_returns", "discount_amount", "discount_pct", "void_flag", "return_flag",
            "discount_flag",
        ),
        key=("business_date", "store_code", "employee_number"),
        text=("store_code", "employee_number", "employee_name"),
    ),
    CASH_OVER_SHORT: Table(
        columns=(
            "business_date", "store_code", "register_number", "batch_number", "opening_time",
            "closing_time", "opening_total", "cash_sales", "cash_refunds", "paid_out", "dropped",
            "expected_cash", "closing_total", "over_short", "no_sales_count", "flagged",
        ),
        key=("business_date", "store_code", "batch_number"),
        text=("store_code", "opening_time", "closing_time"),
    ),
    REORDER: Table(
        columns=(
            "business_date", "store_code", "sku", "product_name", "supplier", "on_hand_units",
            "on_order_units", "reorder_point", "restock_level", "avg_daily_units_28d",
            "forecast_units_14d", "suggested_order_units", "suggested_order_cost",
        ),
        key=("business_date", "store_code", "sku"),
        text=("store_code", "sku", "product_name", "supplier"),
    ),
    HOURLY_STAFFING: Table(
        columns=(
            "business_date", "store_code", "hour", "transactions", "net_sales", "staff_on_clock",
            "labor_hours", "sales_per_labor_hour", "day_sales_per_labor_hour", "is_judged",
            "is_under_staffed", "is_over_staffed",
        ),
        key=("business_date", "store_code", "hour"),
        text=("store_code",),
    ),
}


def load(fetch: Fetch, table: str, start: date, end: date | None = None) -> pd.DataFrame:
    """Rows of ``table`` for ``start``..``end`` (one day when ``end`` is omitted).

    Columns are typed (text, ``date``, float with NaN for NULL) and rows come in key order, so
    sums are reproducible whatever order the warehouse returned them in. ``DateBlocks`` serves
    rows typed and sorted already.
    """
    if isinstance(fetch, DateBlocks):
        return fetch(table, start, end or start)
    spec = TABLES[table]
    by = () if spec.date_column == "business_date" else (spec.date_column,)
    frame = pd.DataFrame(fetch(table, start, end or start, *by)).reindex(
        columns=list(spec.columns))
    for column in spec.columns:
        values = frame[column]
        if column in spec.text:
            frame[column] = values.where(values.notna(), "").astype(str)
        elif column in spec.dates:
            frame[column] = pd.to_datetime(values).dt.date
        else:
            frame[column] = pd.to_numeric(values, errors="coerce").astype(float)
    return frame.sort_values(list(spec.key), kind="stable").reset_index(drop=True)


def load_optional(fetch: Fetch, table: str, start: date,
                  end: date | None = None) -> pd.DataFrame | None:
    """``load`` for a table the warehouse may lack: None when it has no such table."""
    try:
        return load(fetch, table, start, end)
    except Exception as error:
        if not is_missing_table(error, table):
            raise
        return None


def optional(fetch: Fetch, table: str, start: date, end: date | None = None) -> pd.DataFrame:
    """Rows of a store-operations mart; none when the warehouse lacks it."""
    rows = load_optional(fetch, table, start, end)
    return pd.DataFrame(columns=list(TABLES[table].columns)) if rows is None else rows


class DateBlocks:
    """A ``Fetch`` for rendering many periods: rows served from blocks of business dates.

    A batch of periods asks for the same small tables over and over, and each query costs
    milliseconds however few its rows. Here a table is fetched ``BLOCK_DAYS`` dates at a time
    (the same blocks for every request) the first time a request touches a block, and ``load``
    types and key-sorts it once; a request is a slice of its blocks (rows sort by business_date
    first, so a date range is contiguous). ``load`` over this fetch returns what it returns over
    the plain one. Each table keeps its ``KEPT_BLOCKS`` most recently used blocks; a table the
    warehouse lacks is asked for once; ``UNBLOCKED`` tables are loaded request by request.
    """

    def __init__(self, fetch: Fetch) -> None:
        self.fetch = fetch
        self._blocks: dict[str, OrderedDict[int, pd.DataFrame]] = {}
        self._missing: dict[str, Exception] = {}

    def __call__(self, table: str, start: date, end: date) -> pd.DataFrame:
        """Typed rows of ``table`` for ``start``..``end``, in key order."""
        if table in UNBLOCKED:
            return load(self.fetch, table, start, end)
        first, last = start.toordinal() // BLOCK_DAYS, end.toordinal() // BLOCK_DAYS
        parts = [self._rows(table, block, start, end) for block in range(first, last + 1)]
        return parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)

    def _rows(self, table: str, block: int, start: date, end: date) -> pd.DataFrame:
        rows = self._block(table, block)
        dates = rows["business_date"]
        within = slice(dates.searchsorted(start), dates.searchsorted(end, side="right"))
        return rows.iloc[within].reset_index(drop=True)

    def _block(self, table: str, block: int) -> pd.DataFrame:
        if table in self._missing:
            raise self._missing[table].with_traceback(None)
        blocks = self._blocks.setdefault(table, OrderedDict())
        if block in blocks:
            blocks.move_to_end(block)
            return blocks[block]
        first = date.fromordinal(block * BLOCK_DAYS)
        try:
            rows = load(self.fetch, table, first, first + timedelta(days=BLOCK_DAYS - 1))
        except Exception as error:
            if is_missing_table(error, table):
                self._missing[table] = error
            raise
        blocks[block] = rows
        if len(blocks) > KEPT_BLOCKS:
            blocks.popitem(last=False)
        return rows


def is_missing_table(error: Exception, table: str) -> bool:
    """True when ``error`` is the warehouse saying that ``table`` does not exist."""
    engine_says_missing = isinstance(error, duckdb.CatalogException) or (
        error.args[:1] == (MISSING_TABLE_SQLSTATE,)
    )
    return engine_says_missing and table in str(error)


def week_bounds(week_start: date) -> tuple[date, date]:
    """Monday and Sunday of the week starting at ``week_start`` (which must be a Monday)."""
    if week_start.weekday() != 0:
        raise ValueError(f"a week starts on a Monday; {week_start} is not one")
    return week_start, week_start + timedelta(days=6)


def month_bounds(day: date) -> tuple[date, date]:
    """First and last day of the month holding ``day``."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def previous_month(day: date) -> tuple[date, date]:
    """First and last day of the month before the one holding ``day``."""
    return month_bounds(day.replace(day=1) - timedelta(days=1))


def same_month_last_year(day: date) -> tuple[date, date]:
    """First and last day of the same month one year earlier."""
    return month_bounds(day.replace(day=1, year=day.year - 1))

