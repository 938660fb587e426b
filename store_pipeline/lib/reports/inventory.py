"""Weekly inventory analysis [W]: the stock position on the last day of the week."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
from markupsafe import Markup

from store_pipeline.lib.reports import fmt
from store_pipeline.lib.reports.charts import HOVER, figure, fragment, hover, label, labels
from store_pipeline.lib.reports.data import (
    INVENTORY,
    PRODUCTS,
    REORDER,
    Fetch,
    load,
    optional,
    week_bounds,
)
from store_pipeline.lib.reports.kpis import divide, ratio
from store_pipeline.lib.reports.page import (
    Column,
    grid,
    no_data_page,
    page,
    remark,
    section,
    table,
)
from store_pipeline.lib.reports.theme import ABC_COLORS, BAD, PRIMARY, WARN, store_colors
from store_pipeline.lib.reports.tiles import tile, tiles

NAME = "inventory_analysis"
SOURCES = (INVENTORY, PRODUCTS)
READS = SOURCES  # the marts the page reads: its assets' lineage
REORDER_ROWS = 20
DEAD_STOCK_ROWS = 10
UNRANKED = "unranked"
ABC_CLASSES = ("A", "B", "C", UNRANKED)
STOCKOUT = "stockout"
NO_SALES = "no sales in 28 d"
SUPPLY_EDGES = (0, 7, 14, 30, 60, 90, math.inf)
SUPPLY_BUCKETS = ("< 7 d", "7-14 d", "14-30 d", "30-60 d", "60-90 d", "90+ d")
TURNOVER_NOTE = (
    "Approximation: the table has no 28-day cost of goods, so annual cost of goods is estimated "
    "as average daily units (28 d) x unit cost (on-hand value / on-hand units) x 365, over the "
    "current on-hand value; items with no stock on hand have no unit cost and are left out."
)


def build(fetch: Fetch, week_start: date) -> str:
    """The week's inventory page, or a no-data page when the week has no inventory rows."""
    start, end = week_bounds(week_start)
    title = f"Weekly inventory — week of {start.isoformat()}"
    stock = stock_at_week_end(fetch, start, end)
    if stock.empty:
        message = f"The warehouse has no {INVENTORY} rows for {start} to {end}."
        return no_data_page(title, message, sources=SOURCES)
    classes = latest_abc(load(fetch, PRODUCTS, start, end))
    stock = stock.merge(classes[["store_code", "sku", "abc_class"]], on=["store_code", "sku"],
                        how="left")
    stock["abc_class"] = stock["abc_class"].where(stock["abc_class"].isin(ABC_CLASSES), UNRANKED)
    as_of = stock["business_date"].iloc[0]
    subtitle = (
        f"Stock as of {fmt.day_label(as_of)} · {fmt.count(len(stock))} items in "
        f"{stock['store_code'].nunique()} stores"
    )
    colors = store_colors(stock["store_code"])
    body = _summary(stock) + grid(
        _reorder_by_store(stock),
        _days_of_supply(stock, colors),
        section("Reorder first", _reorder_table(stock, reorder_list(fetch, as_of)), wide=True,
                note="Stockouts first, then by ABC class and rate of sale; on order and "
                     "order units from the reorder suggestions (reorder_suggestions.csv)."),
        _dead_stock(stock, colors),
        _abc_mix(stock, classes),
        _turnover(stock),
    )
    return page(title, subtitle, body, sources=SOURCES)


def stock_at_week_end(fetch: Fetch, start: date, end: date) -> pd.DataFrame:
    """Rows of the week's last day, or of the latest day of the week that has rows."""
    stock = load(fetch, INVENTORY, end)
    if stock.empty:
        week = load(fetch, INVENTORY, start, end)
        stock = week[week["business_date"] == week["business_date"].max()]
    return stock.reset_index(drop=True)


def reorder_list(fetch: Fetch, day: date) -> pd.DataFrame:
    """``rpt_reorder_suggestions`` of ``day``, the costliest orders first in each store."""
    rows = optional(fetch, REORDER, day, day)
    return rows.sort_values(["store_code", "suggested_order_cost", "sku"],
                            ascending=[True, False, True])


def latest_abc(products: pd.DataFrame) -> pd.DataFrame:
    """Per store and SKU: the latest ABC class of the period and the period's net sales."""
    return products.groupby(["store_code", "sku"], as_index=False).agg(
        abc_class=("abc_class", "last"), net_sales=("net_sales", "sum")
    )


def _summary(stock: pd.DataFrame) -> Markup:
    dead = stock[stock["is_dead_stock"] == 1]
    return tiles([
        tile("items", "Items (store and SKU)", len(stock), fmt.count),
        tile("on_hand_value", "On-hand value", stock["on_hand_value"].sum(), fmt.money),
        tile("stockouts", "Stockouts", stock["is_stockout"].sum(), fmt.count),
        tile("below_reorder_point", "At or below reorder point",
             stock["below_reorder_point"].sum(), fmt.count),
        tile("dead_stock_value", "Dead-stock value", dead["on_hand_value"].sum(), fmt.money),
        tile("days_of_supply", "Median days of supply", stock["days_of_supply"].median()),
    ])


def _reorder_by_store(stock: pd.DataFrame) -> Markup:
    """Stockouts and items at or below their reorder point, per store."""
    stores = stock.groupby("store_code")[["is_stockout", "below_reorder_point"]].sum()
    items = stock.groupby("store_code").size()
    fig = figure(barmode="group", xaxis={"type": "category"}, yaxis={"title": {"text": "Items"}})
    for column, name, color in (("is_stockout", "Stockouts", BAD),
                                ("below_reorder_point", "At or below reorder point", WARN)):
        fig.add(
            "bar", x=labels(stores.index), y=stores[column], name=name, marker={"color": color},
            hovertext=[
                hover(store, (name, fmt.count(value)),
                      ("Share of items", fmt.pct(ratio(value, items[store]))))
                for store, value in stores[column].items()
            ],
            hovertemplate=HOVER,
        )
    return section("Stockouts and reorder points by store", fragment(fig, "reorder-by-store"))


def _reorder_table(stock: pd.DataFrame, suggestions: pd.DataFrame) -> Markup:
    due = stock[stock["below_reorder_point"] == 1].assign(
        abc_rank=lambda frame: frame["abc_class"].map(ABC_CLASSES.index)
    ).merge(suggestions[["store_code", "sku", "on_order_units", "suggested_order_units"]],
            on=["store_code", "sku"], how="left")
    if due.empty:
        return remark("No item is at or below its reorder point.")
    rows = due.sort_values(
        ["is_stockout", "abc_rank", "avg_daily_units_28d", "store_code", "sku"],
        ascending=[False, True, False, True, True],
    ).head(REORDER_ROWS)
    return remark(f"{len(rows)} of {fmt.count(len(due))} items shown.") + table(rows, [
        Column("store_code", "Store"),
        Column("sku", "SKU"),
        Column("product_name", "Product"),
        Column("department", "Department"),
        Column("abc_class", "ABC"),
        Column("on_hand_units", "On hand", fmt.count, numeric=True),
        Column("reorder_point", "Reorder point", fmt.count, numeric=True),
        Column("on_order_units", "On order", fmt.count, numeric=True),
        Column("suggested_order_units", "Order units", fmt.count, numeric=True),
        Column("avg_daily_units_28d", "Units/day (28 d)", fmt.number, numeric=True),
        Column("days_of_supply", "Days of supply", fmt.number, numeric=True),
    ])


def supply_bucket(stock: pd.DataFrame) -> pd.Series:
    """Days-of-supply band per item; stockouts and items without recent sales apart."""
    bands = pd.cut(stock["days_of_supply"], SUPPLY_EDGES, labels=SUPPLY_BUCKETS, right=False)
    bucket = bands.astype(object).where(bands.notna(), NO_SALES)
    return bucket.where(stock["on_hand_units"] > 0, STOCKOUT)


def _days_of_supply(stock: pd.DataFrame, colors: dict[str, str]) -> Markup:
    """How many items fall in each days-of-supply band, stacked by store."""
    order = [STOCKOUT, *SUPPLY_BUCKETS, NO_SALES]
    counts = pd.crosstab(supply_bucket(stock), stock["store_code"]).reindex(order, fill_value=0)
    fig = figure(barmode="stack", xaxis={"type": "category"}, yaxis={"title": {"text": "Items"}})
    for store in counts.columns:
        fig.add(
            "bar", x=order, y=counts[store], name=label(store), marker={"color": colors[store]},
            hovertext=[hover(store, ("Days of supply", band), ("Items", fmt.count(n)))
                       for band, n in counts[store].items()],
            hovertemplate=HOVER,
        )
    return section("Days of supply", fragment(fig, "days-of-supply"),
                   note="Days of supply = on-hand units ÷ average daily units sold (28 days).")


def _dead_stock(stock: pd.DataFrame, colors: dict[str, str]) -> Markup:
    """Value of stock without a sale in 60 days, per store, and the largest such items."""
    heading = "Dead stock (no sale in 60 days)"
    dead = stock[stock["is_dead_stock"] == 1]
    if dead.empty:
        return section(heading, remark("No dead stock."))
    stores = dead.groupby("store_code")["on_hand_value"].agg(["sum", "size"])
    fig = figure(xaxis={"type": "category"}, yaxis={"title": {"text": "On-hand value"}})
    fig.add(
        "bar", x=labels(stores.index), y=stores["sum"].round(2),
        marker={"color": [colors[store] for store in stores.index]},
        hovertext=[hover(store, ("Dead-stock value", fmt.money(row["sum"])),
                         ("Items", fmt.count(row["size"])))
                   for store, row in stores.iterrows()],
        hovertemplate=HOVER,
    )
    largest = dead.sort_values(["on_hand_value", "store_code", "sku"],
                               ascending=[False, True, True]).head(DEAD_STOCK_ROWS)
    items = table(largest, [
        Column("store_code", "Store"),
        Column("sku", "SKU"),
        Column("product_name", "Product"),
        Column("on_hand_units", "On hand", fmt.count, numeric=True),
        Column("on_hand_value", "Value", fmt.money, numeric=True),
        Column("last_sold_date", "Last sold", fmt.day_text),
    ])
    return section(heading, fragment(fig, "dead-stock", height=300) + items)


def _abc_mix(stock: pd.DataFrame, classes: pd.DataFrame) -> Markup:
    """Share of items, on-hand value and the week's net sales per ABC class."""
    sales = classes.assign(
        abc_class=classes["abc_class"].where(classes["abc_class"].isin(ABC_CLASSES), UNRANKED)
    )
    measures = pd.DataFrame({
        "Items": stock.groupby("abc_class").size(),
        "On-hand value": stock.groupby("abc_class")["on_hand_value"].sum(),
        "Net sales (week)": sales.groupby("abc_class")["net_sales"].sum(),
    }).reindex(ABC_CLASSES).fillna(0)
    shares = divide(measures, measures.sum())
    fig = figure(barmode="stack", yaxis={"title": {"text": "Share"}, "tickformat": ".0%"})
    for abc in ABC_CLASSES:
        fig.add(
            "bar", x=list(measures.columns), y=shares.loc[abc].round(4), name=abc,
            marker={"color": ABC_COLORS[abc]},
            hovertext=[hover(f"Class {abc}", (measure, fmt.number(measures.at[abc, measure], 2)),
                             ("Share", fmt.pct(shares.at[abc, measure])))
                       for measure in measures.columns],
            hovertemplate=HOVER,
        )
    note = (
        "A: items making the top 80% of trailing-28-day net sales, B the next 15%, C the rest; "
        "unranked: no sale this week."
    )
    return section("ABC mix", fragment(fig, "abc-mix"), note=note)


def department_turnover(stock: pd.DataFrame) -> pd.DataFrame:
    """Estimated annualised inventory turnover per department (see ``TURNOVER_NOTE``)."""
    stocked = stock[stock["on_hand_units"] > 0]
    unit_cost = stocked["on_hand_value"] / stocked["on_hand_units"]
    departments = stocked.assign(
        daily_cogs=stocked["avg_daily_units_28d"].fillna(0) * unit_cost
    ).groupby("department").agg(
        daily_cogs=("daily_cogs", "sum"),
        on_hand_value=("on_hand_value", "sum"),
        items=("sku", "size"),
        sell_through=("sell_through_pct_28d", "mean"),
    )
    departments["annual_cogs"] = departments["daily_cogs"] * 365
    departments["turnover"] = divide(departments["annual_cogs"], departments["on_hand_value"])
    return departments.sort_values("turnover", ascending=False, kind="stable")


def _turnover(stock: pd.DataFrame) -> Markup:
    """Estimated annualised turnover by department."""
    heading = "Inventory turnover by department (estimate)"
    departments = department_turnover(stock)
    if departments.empty:
        return section(heading, remark("No item has stock on hand."), note=TURNOVER_NOTE)
    fig = figure(yaxis={"autorange": "reversed"},
                 xaxis={"title": {"text": "Turns per year (estimated)"}})
    fig.add(
        "bar", y=labels(departments.index, 28), x=departments["turnover"].round(2), orientation="h",
        marker={"color": PRIMARY},
        hovertext=[
            hover(department, ("Turns per year", fmt.number(row["turnover"])),
                  ("Est. annual cost of goods", fmt.money(row["annual_cogs"])),
                  ("On-hand value", fmt.money(row["on_hand_value"])),
                  ("Items", fmt.count(row["items"])),
                  ("Avg sell-through (28 d)", fmt.pct(row["sell_through"])))
            for department, row in departments.iterrows()
        ],
        hovertemplate=HOVER,
    )
    chart = fragment(fig, "turnover-by-department", height=120 + 26 * len(departments))
    return section(heading, chart, note=TURNOVER_NOTE)
