"""A store's day [D], for its manager: sales, staff, hourly staffing, cashier exceptions and
drawers over or short, one page per day for every store (``store_day.html#store=S001``)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from store_pipeline.lib.reports import fmt
from store_pipeline.lib.reports.data import (
    CASH_OVER_SHORT,
    CASHIER_EXCEPTIONS,
    DAILY_SALES,
    EMPLOYEE_HOURS,
    HOURLY_STAFFING,
    PRODUCTS,
    TENDER_MIX,
    Fetch,
    load,
    optional,
)
from store_pipeline.lib.reports.kpis import KPIS, divide, store_kpis
from store_pipeline.lib.reports.page import DAY_LINKS, exact, no_data_page
from store_pipeline.lib.reports.scoped import by_store, column_keys, empty_rows, scoped_page
from store_pipeline.lib.reports.tiles import delta

NAME = "store_day"
PARAM = "store"
SOURCES = (DAILY_SALES, EMPLOYEE_HOURS, HOURLY_STAFFING, TENDER_MIX, PRODUCTS,
           CASHIER_EXCEPTIONS, CASH_OVER_SHORT)
READS = SOURCES  # the marts the page reads: its assets' lineage
COMPARISONS = (("vs last week", 7), ("vs last year", 364))  # the same weekday
TOP_PRODUCTS = 10
EXCEPTION_FLAGS = (("void_flag", "voids"), ("return_flag", "returns"),
                   ("discount_flag", "discounts"))
STAFFING = {"under": "under-staffed", "over": "over-staffed", "ok": "ok", "": "not judged"}

COLUMNS = {
    "hours": (
        ("hour_label", "Hour", "text"), ("transactions", "Transactions", "count"),
        ("net_sales", "Net sales", "money"), ("staff_on_clock", "Staff on the clock", "count"),
        ("labor_hours", "Labour hours", "hours"),
        ("sales_per_labor_hour", "Sales per labour hour", "money"),
        ("staffing_text", "Staffing", "text"),
    ),
    "tenders": (
        ("tender_type", "Tender", "text"), ("tender_count", "Count", "count"),
        ("amount", "Amount", "money"), ("refund_amount", "Refunds", "money"),
    ),
    "sales": (
        ("gross_sales", "Gross sales", "money"), ("discounts", "Discounts", "money"),
        ("discount_share", "of gross", "pct"), ("returns", "Returns", "money"),
        ("return_share", "of gross", "pct"), ("net_sales", "Net sales", "money"),
    ),
    "employees": (
        ("employee_number", "#", "text"), ("employee_name", "Employee", "text"),
        ("position", "Position", "text"), ("shifts", "Shifts", "count"),
        ("hours_worked", "Hours", "hours"), ("overtime_hours", "Overtime", "hours"),
        ("labor_cost", "Labor cost", "money"), ("transactions_handled", "Transactions", "count"),
        ("net_sales_handled", "Net sales", "money"), ("sales_per_labor_hour", "SPLH", "money"),
    ),
    "cashiers": (
        ("employee_number", "#", "text"), ("employee_name", "Cashier", "text"),
        ("transactions", "Transactions", "count"), ("voided_transactions", "Voids", "count"),
        ("voided_amount", "Voided", "money"), ("return_lines", "Return lines", "count"),
        ("returns_amount", "Returned", "money"), ("unmatched_returns", "Unmatched", "count"),
        ("discount_amount", "Discounts", "money"), ("discount_pct", "Discount %", "pct"),
        ("flags", "Flagged", "text"),
    ),
    "batches": (
        ("register_number", "Register", "count"), ("batch_number", "Batch", "count"),
        ("opening_time", "Opened", "text"), ("closing_time", "Closed", "text"),
        ("opening_total", "Float", "money"), ("cash_sales", "Cash sales", "money"),
        ("cash_refunds", "Cash refunds", "money"), ("paid_out", "Paid out", "money"),
        ("dropped", "Dropped", "money"), ("expected_cash", "Expected", "money"),
        ("closing_total", "Counted", "money"), ("over_short", "Over/short", "money"),
        ("no_sales_count", "No-sales", "count"), ("status", "Status", "text"),
    ),
}
NOTES = ("closed-note", "staffing-note", "exceptions-note", "cash-note")
def build(fetch: Fetch, day: date) -> str:
    """The page of every store's ``day``, or a no-data page when the day has no sales rows."""
    title = f"Store day — {day.isoformat()}"
    sales = load(fetch, DAILY_SALES, day)
    if sales.empty:
        message = f"The warehouse has no {DAILY_SALES} rows for {day.isoformat()}."
        return no_data_page(title, message, sources=SOURCES)
    stores = store_figures(fetch, day, sales)
    scopes = [[row.store_code, f"{row.store_code} {row.store_name}", row.region]
              for row in sales.sort_values(["region", "store_code"]).itertuples()]
    data = {"kind": NAME, "param": PARAM, "scopes": scopes, "items": stores,
            "columns": COLUMNS}
    subtitle = f"{fmt.day_label(day)} · {len(stores)} stores · choose a store"
    return scoped_page("store_day.html", title, subtitle, data, links=DAY_LINKS,
                       sources=SOURCES, top_products=TOP_PRODUCTS)


def _fields(part: str, *extra: str) -> list[str]:
    return [*column_keys(COLUMNS[part]), *extra]


# What each store's parts hold: the table's columns and what the charts and notes read.
FIELDS = {
    "hours": _fields("hours", "hour", "staffing", "is_flagged"),
    "tenders": _fields("tenders"),
    "products": ["sku", "product_name", "net_sales"],
    "sales": _fields("sales"),
    "employees": _fields("employees"),
    "cashiers": _fields("cashiers", "is_flagged"),
    "batches": _fields("batches", "is_flagged"),
}


def store_figures(fetch: Fetch, day: date, sales: pd.DataFrame) -> dict[str, dict]:
    """Every figure of the page, per store code of ``sales``."""
    hours = load(fetch, EMPLOYEE_HOURS, day)
    rows = {
        "hours": hourly_staffing(optional(fetch, HOURLY_STAFFING, day)),
        "tenders": load(fetch, TENDER_MIX, day).sort_values(["amount", "tender_type"],
                                                            ascending=[False, True]),
        "products": top_products(load(fetch, PRODUCTS, day)),
        "sales": _sales(sales),
        "employees": hours.sort_values(["hours_worked", "employee_number"],
                                       ascending=[False, True]),
        "cashiers": cashier_exceptions(optional(fetch, CASHIER_EXCEPTIONS, day)),
        "batches": drawers(optional(fetch, CASH_OVER_SHORT, day)),
    }
    parts = {part: by_store(frame, FIELDS[part]) for part, frame in rows.items()}
    cashiers, batches = flagged_cashiers(rows["cashiers"]), flagged_drawers(rows["batches"])
    tiles = store_tiles(fetch, day, sales, hours)
    stores = {}
    for row in sales.itertuples():
        code = row.store_code
        store = {"name": row.store_name, "region": row.region, "tiles": tiles[code]}
        store.update({part: found.get(code) or empty_rows(FIELDS[part])
                      for part, found in parts.items()})
        store["notes"] = _notes(row.transactions, store["hours"], cashiers.get(code, []),
                                batches.get(code, []))
        stores[code] = store
    return stores


def store_tiles(fetch: Fetch, day: date, sales: pd.DataFrame, hours: pd.DataFrame
                ) -> dict[str, list]:
    """Per store, its KPI tiles as ``scoped.js`` draws them, with changes vs D-7 and D-364."""
    today = store_kpis(sales, hours)
    before = [(against, store_kpis(load(fetch, DAILY_SALES, day - timedelta(days=days)),
                                   load(fetch, EMPLOYEE_HOURS, day - timedelta(days=days))))
              for against, days in COMPARISONS]
    tiles = {}
    for code, values in today.iterrows():
        tiles[code] = [
            [kpi.key, kpi.label, exact(values[kpi.key]),
             kpi.format(exact(values[kpi.key])),
             [[*delta(kpi, exact(values[kpi.key]), _previous(then, code, kpi.key)), against]
              for against, then in before]]
            for kpi in KPIS
        ]
    return tiles


def _previous(kpis: pd.DataFrame, code: str, key: str) -> float | None:
    return exact(kpis.at[code, key]) if code in kpis.index else None


def _sales(sales: pd.DataFrame) -> pd.DataFrame:
    return sales.assign(discount_share=divide(sales["discounts"], sales["gross_sales"]),
                        return_share=divide(sales["returns"], sales["gross_sales"]))


def hourly_staffing(hourly: pd.DataFrame) -> pd.DataFrame:
    """``rpt_hourly_staffing`` rows with the verdict of each hour as a word."""
    status = pd.Series("", index=hourly.index, dtype=object)
    status[hourly["is_judged"] == 1] = "ok"
    status[hourly["is_over_staffed"] == 1] = "over"
    status[hourly["is_under_staffed"] == 1] = "under"
    return hourly.assign(
        hour_label=[fmt.hour_label(hour) for hour in hourly["hour"]],
        staffing=status, staffing_text=status.map(STAFFING),
        is_flagged=status.isin(["under", "over"]).astype(float),
    )


def top_products(products: pd.DataFrame) -> pd.DataFrame:
    """Each store's ``TOP_PRODUCTS`` best sellers by net sales."""
    ranked = products.sort_values(["store_code", "net_sales", "sku"],
                                  ascending=[True, False, True])
    return ranked.groupby("store_code").head(TOP_PRODUCTS)


def cashier_exceptions(cashiers: pd.DataFrame) -> pd.DataFrame:
    """``rpt_cashier_exceptions`` rows, flagged cashiers first, with their flags named."""
    flags = pd.Series("", index=cashiers.index, dtype=object)
    for column, name in EXCEPTION_FLAGS:
        hit = cashiers[column] == 1
        flags[hit] = flags[hit].map(lambda text, name=name: f"{text}, {name}" if text else name)
    flagged = cashiers.assign(flags=flags, is_flagged=(flags != "").astype(float))
    return flagged.sort_values(["is_flagged", "transactions", "employee_number"],
                               ascending=[False, False, True])


def drawers(batches: pd.DataFrame) -> pd.DataFrame:
    """``rpt_cash_over_short`` rows by register and batch, each with its status."""
    status = pd.Series("", index=batches.index, dtype=object)
    status[batches["over_short"].isna()] = "open"
    status[(batches["flagged"] == 1) & (batches["over_short"] > 0)] = "over"
    status[(batches["flagged"] == 1) & (batches["over_short"] < 0)] = "short"
    return batches.assign(status=status, is_flagged=batches["flagged"]).sort_values(
        ["register_number", "batch_number"])


def flagged_cashiers(cashiers: pd.DataFrame) -> dict[str, list[str]]:
    """Per store, its flagged cashiers as ``#104 Dana (voids, returns)``."""
    flagged = cashiers[cashiers["flags"] != ""]
    return _lines(flagged, [f"#{row.employee_number} {row.employee_name} ({row.flags})"
                            for row in flagged.itertuples()])


def flagged_drawers(batches: pd.DataFrame) -> dict[str, list[str]]:
    """Per store, its batches over or short beyond the tolerance, with the amount."""
    flagged = batches[batches["is_flagged"] == 1]
    return _lines(flagged, [f"register {fmt.count(row.register_number)} batch "
                            f"{fmt.count(row.batch_number)}: {fmt.money(row.over_short)}"
                            for row in flagged.itertuples()])


def _lines(rows: pd.DataFrame, texts: list[str]) -> dict[str, list[str]]:
    lines: dict[str, list[str]] = {}
    for code, text in zip(rows["store_code"], texts, strict=True):
        lines.setdefault(code, []).append(text)
    return lines


def _notes(transactions: float, hours: dict, cashiers: list[str], drawers: list[str]
           ) -> dict[str, str]:
    """The store's one-line summaries above its sections."""
    verdicts = [
        f"{STAFFING[status].capitalize()}: "
        + (", ".join(label for label, s in zip(hours["hour_label"], hours["staffing"],
                                                strict=True) if s == status) or "none")
        for status in ("under", "over")
    ]
    return {
        "closed-note": "Closed: no sales this day." if transactions == 0 else "",
        "staffing-note": ". ".join(verdicts) + ".",
        "exceptions-note": ("Flagged: " + "; ".join(cashiers) + ".") if cashiers
        else "No cashier flagged.",
        "cash-note": ("Over or short: " + "; ".join(drawers) + ".") if drawers
        else "No drawer over or short beyond the tolerance.",
    }
