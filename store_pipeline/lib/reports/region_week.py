"""A region's week [W], for its director: the region's stores ranked, and each store's reorder
list, one page per week for every region (``region_week.html#region=North&store=S001``)."""

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
    INVENTORY,
    REORDER,
    Fetch,
    load,
    optional,
    week_bounds,
)
from store_pipeline.lib.reports.employee import per_employee
from store_pipeline.lib.reports.inventory import reorder_list, stock_at_week_end
from store_pipeline.lib.reports.kpis import KPIS, divide, growth
from store_pipeline.lib.reports.page import PERIOD_LINKS, no_data_page
from store_pipeline.lib.reports.scoped import (
    as_columns,
    by_store,
    column_keys,
    empty_rows,
    scoped_page,
)
from store_pipeline.lib.reports.tiles import delta

NAME = "region_week"
PARAM = "region"
SOURCES = (DAILY_SALES, EMPLOYEE_HOURS, INVENTORY, REORDER, CASH_OVER_SHORT,
           CASHIER_EXCEPTIONS, HOURLY_STAFFING)
READS = SOURCES  # the marts the page reads: its assets' lineage
NET_SALES = next(kpi for kpi in KPIS if kpi.key == "net_sales")
COLUMNS = {
    "ranking": (
        ("rank", "Rank", "count"), ("store_code", "Store", "text"),
        ("store_name", "Name", "text"), ("net_sales", "Net sales", "money"),
        ("net_sales_change", "vs last week", "signed_pct"),
        ("transactions", "Transactions", "count"), ("atv", "ATV", "money"),
        ("gross_margin_pct", "Gross margin %", "pct"), ("labor_pct", "Labor %", "pct"),
        ("splh", "SPLH", "money"), ("hours_worked", "Hours", "hours"),
        ("overtime_hours", "Overtime (> 40 h)", "hours"), ("stockouts", "Stockouts", "count"),
        ("below_reorder_point", "At/below reorder point", "count"),
        ("dead_stock_value", "Dead stock", "money"),
        ("reorder_cost", "To reorder (cost)", "money"),
        ("batches_flagged", "Drawers over/short", "count"),
        ("over_short", "Over/short (flagged)", "money"),
        ("cashier_flags", "Cashier flags", "count"),
        ("under_staffed_hours", "Under-staffed hours", "count"),
        ("over_staffed_hours", "Over-staffed hours", "count"),
    ),
    "reorder": (
        ("sku", "SKU", "text"), ("product_name", "Product", "text"),
        ("supplier", "Supplier", "text"), ("on_hand_units", "On hand", "count"),
        ("on_order_units", "On order", "count"), ("reorder_point", "Reorder point", "count"),
        ("restock_level", "Restock level", "count"),
        ("avg_daily_units_28d", "Units/day (28 d)", "number"),
        ("suggested_order_units", "Order units", "count"),
        ("suggested_order_cost", "Order cost", "money"),
    ),
}
RANKING_FIELDS = [*column_keys(COLUMNS["ranking"]), "net_sales_last_week"]


def build(fetch: Fetch, week_start: date) -> str:
    """The page of every region's week, or a no-data page when the week has no sales rows."""
    start, end = week_bounds(week_start)
    title = f"Region week — week of {start.isoformat()}"
    sales = load(fetch, DAILY_SALES, start, end)
    if sales.empty:
        message = f"The warehouse has no {DAILY_SALES} rows for {start} to {end}."
        return no_data_page(title, message, sources=SOURCES)
    stores = store_week(fetch, start, end, sales)
    stock = stock_at_week_end(fetch, start, end)
    as_of = stock["business_date"].iloc[0] if len(stock) else end
    reorder = reorder_list(fetch, as_of)
    stores = stores.merge(reorder.groupby("store_code")["suggested_order_cost"].sum()
                          .rename("reorder_cost"), how="left", left_on="store_code",
                          right_index=True).fillna({"reorder_cost": 0.0})
    regions = {region: _region(rows) for region, rows in stores.groupby("region")}
    scopes = [[region, f"{region} ({len(regions[region]['ranking']['store_code'])} stores)", ""]
              for region in sorted(regions)]
    lists = by_store(reorder, column_keys(COLUMNS["reorder"]))
    data = {
        "kind": NAME, "param": PARAM, "scopes": scopes, "items": regions, "columns": COLUMNS,
        "reorder": {code: lists.get(code) or empty_rows(column_keys(COLUMNS["reorder"]))
                    for code in stores["store_code"]},
        "reorder_notes": {code: _reorder_note(lists.get(code), as_of)
                          for code in stores["store_code"]},
    }
    subtitle = (f"{fmt.day_label(start)} to {fmt.day_label(end)} · {len(regions)} regions · "
                "choose a region")
    return scoped_page("region_week.html", title, subtitle, data, links=PERIOD_LINKS,
                       sources=SOURCES)


def store_week(fetch: Fetch, start: date, end: date, sales: pd.DataFrame) -> pd.DataFrame:
    """A row per store of the week's sales: its sales, labour, stock, cash, cashier and
    staffing figures."""
    week = timedelta(days=7)
    stores = sales.groupby("store_code").agg(
        store_name=("store_name", "last"), region=("region", "last"),
        net_sales=("net_sales", "sum"), transactions=("transactions", "sum"),
        gross_margin=("gross_margin", "sum"), labor_hours=("labor_hours", "sum"),
    )
    before = load(fetch, DAILY_SALES, start - week, end - week).groupby("store_code")
    stores["net_sales_last_week"] = before["net_sales"].sum().reindex(stores.index)
    people = per_employee(load(fetch, EMPLOYEE_HOURS, start, end), weekly=True)
    labour = people.groupby("store_code")[["hours_worked", "overtime_hours", "labor_cost"]].sum()
    stores = stores.join(labour).join(_stock_counts(stock_at_week_end(fetch, start, end)))
    stores = stores.join(_flag_counts(fetch, start, end))
    stores["net_sales_change"] = growth(stores["net_sales"], stores["net_sales_last_week"])
    stores["atv"] = divide(stores["net_sales"], stores["transactions"])
    stores["gross_margin_pct"] = divide(stores["gross_margin"], stores["net_sales"])
    stores["labor_pct"] = divide(stores["labor_cost"], stores["net_sales"])
    stores["splh"] = divide(stores["net_sales"], stores["labor_hours"])
    return stores.reset_index()


def _stock_counts(stock: pd.DataFrame) -> pd.DataFrame:
    dead = stock["on_hand_value"].where(stock["is_dead_stock"] == 1, 0.0)
    return stock.assign(dead_stock_value=dead).groupby("store_code").agg(
        stockouts=("is_stockout", "sum"), below_reorder_point=("below_reorder_point", "sum"),
        dead_stock_value=("dead_stock_value", "sum"),
    )


def _flag_counts(fetch: Fetch, start: date, end: date) -> pd.DataFrame:
    """Per store: flagged drawers and their over/short, cashier flags, judged staffing hours."""
    batches = optional(fetch, CASH_OVER_SHORT, start, end)
    flagged = batches[batches["flagged"] == 1].groupby("store_code")
    cashiers = optional(fetch, CASHIER_EXCEPTIONS, start, end)
    flags = cashiers[["void_flag", "return_flag", "discount_flag"]].sum(axis=1)
    hours = optional(fetch, HOURLY_STAFFING, start, end).groupby("store_code")
    return pd.DataFrame({
        "batches_flagged": flagged.size(),
        "over_short": flagged["over_short"].sum(),
        "cashier_flags": flags.groupby(cashiers["store_code"]).sum(),
        "under_staffed_hours": hours["is_under_staffed"].sum(),
        "over_staffed_hours": hours["is_over_staffed"].sum(),
    })


def _region(stores: pd.DataFrame) -> dict:
    """A region's tiles and its stores ranked by net sales."""
    counted = ["stockouts", "below_reorder_point", "dead_stock_value", "reorder_cost",
               "batches_flagged", "over_short", "cashier_flags", "under_staffed_hours",
               "over_staffed_hours"]
    ranked = stores.fillna(dict.fromkeys(counted, 0.0)).sort_values(
        ["net_sales", "store_code"], ascending=[False, True])
    ranked = ranked.assign(rank=range(1, len(ranked) + 1))
    net, last_week = ranked["net_sales"].sum(), ranked["net_sales_last_week"].sum(min_count=1)
    change = delta(NET_SALES, net, None if fmt.missing(last_week) else last_week)
    tiles = [
        ["net_sales", "Net sales", float(net), fmt.money(net), [[*change, "vs last week"]]],
        _tile("transactions", "Transactions", ranked["transactions"].sum(), fmt.count),
        _tile("stockouts", "Stockouts", ranked["stockouts"].sum(), fmt.count),
        _tile("reorder_cost", "To reorder (cost)", ranked["reorder_cost"].sum(), fmt.money),
        _tile("batches_flagged", "Drawers over/short", ranked["batches_flagged"].sum(),
              fmt.count),
        _tile("cashier_flags", "Cashier flags", ranked["cashier_flags"].sum(), fmt.count),
        _tile("under_staffed_hours", "Under-staffed hours", ranked["under_staffed_hours"].sum(),
              fmt.count),
    ]
    return {"tiles": tiles, "ranking": as_columns(ranked, RANKING_FIELDS)}


def _tile(key: str, label: str, value: float, show) -> list:
    return [key, label, float(value), show(value), []]


def _reorder_note(rows: dict | None, as_of: date) -> str:
    if not rows or not rows["sku"]:
        return f"Nothing to reorder as of {as_of.isoformat()}."
    cost = sum(value or 0.0 for value in rows["suggested_order_cost"])
    units = sum(value or 0.0 for value in rows["suggested_order_units"])
    return (f"{fmt.count(len(rows['sku']))} items to reorder as of {as_of.isoformat()}: "
            f"{fmt.count(units)} units, {fmt.money(cost)}.")

