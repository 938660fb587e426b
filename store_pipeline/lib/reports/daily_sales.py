"""Daily sales dashboard [D]: KPI tiles, stores, hours, tender mix, top products, discounts."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from markupsafe import Markup

from store_pipeline.lib.reports import fmt
from store_pipeline.lib.reports.charts import (
    HOVER,
    TRANSACTIONS_AXIS,
    figure,
    fragment,
    hover,
    labels,
    named_axis,
)
from store_pipeline.lib.reports.data import (
    DAILY_SALES,
    EMPLOYEE_HOURS,
    HOURLY_SALES,
    PRODUCTS,
    QUARANTINE,
    TENDER_MIX,
    Fetch,
    load,
    load_optional,
)
from store_pipeline.lib.reports.kpis import kpi_values, ratio
from store_pipeline.lib.reports.page import (
    DAY_LINKS,
    Column,
    grid,
    no_data_page,
    page,
    remark,
    section,
    table,
)
from store_pipeline.lib.reports.theme import (
    BAD,
    MIX_PALETTE,
    MUTED,
    PRIMARY,
    WARN,
    color_map,
    store_colors,
)
from store_pipeline.lib.reports.tiles import kpi_tiles

NAME = "sales_dashboard"
SOURCES = (DAILY_SALES, EMPLOYEE_HOURS, HOURLY_SALES, TENDER_MIX, PRODUCTS)
READS = (*SOURCES, QUARANTINE)  # the marts the page reads: its assets' lineage
COMPARISONS = (("vs last week", 7), ("vs last year", 364))  # the same weekday
TOP_PRODUCTS = 10
COMPARISON_MARKERS = (
    ("net_sales_last_week", "Last week", "line-ns-open"),
    ("net_sales_same_day_last_year", "Same day last year", "diamond-open"),
)
PEAK_HOURS = 3


def build(fetch: Fetch, day: date) -> str:
    """The dashboard page for ``day``, or a no-data page when it has no sales rows."""
    title = f"Daily sales — {day.isoformat()}"
    sales = load(fetch, DAILY_SALES, day)
    if sales.empty:
        message = f"The warehouse has no {DAILY_SALES} rows for {day.isoformat()}."
        return no_data_page(title, message, sources=SOURCES)
    closed = sales.loc[sales["transactions"] == 0, "store_code"].sort_values().tolist()
    if len(closed) == len(sales):
        message = f"Every store was closed on {fmt.day_label(day)}: no sales."
        return no_data_page(title, message, sources=SOURCES, heading="Closed")
    comparisons = [
        (against, _day_kpis(fetch, day - timedelta(days=days))) for against, days in COMPARISONS
    ]
    sections = [
        _stores(sales),
        _hours(load(fetch, HOURLY_SALES, day)),
        _tenders(load(fetch, TENDER_MIX, day)),
        _top_products(load(fetch, PRODUCTS, day)),
        _discounts_and_returns(sales),
    ]
    sources = SOURCES
    quarantined = load_optional(fetch, QUARANTINE, day)
    if quarantined is not None:
        sections.append(_data_quality(quarantined))
        sources = (*SOURCES, QUARANTINE)
    summary = kpi_tiles(kpi_values(sales, load(fetch, EMPLOYEE_HOURS, day)), comparisons)
    body = summary + grid(*sections)
    subtitle = (
        f"{fmt.day_label(day)} · {len(sales)} stores · changes against the same weekday last "
        "week and last year"
    )
    if closed:
        subtitle += f" · closed (no sales): {', '.join(closed)}"
    return page(title, subtitle, body, links=DAY_LINKS, sources=sources)


def _day_kpis(fetch: Fetch, day: date) -> dict[str, float | None]:
    return kpi_values(load(fetch, DAILY_SALES, day), load(fetch, EMPLOYEE_HOURS, day))


def _stores(sales: pd.DataFrame) -> Markup:
    """Net sales per store in the store's colour, with last week and last year as markers."""
    ranked = sales.sort_values(["net_sales", "store_code"], ascending=[False, True])
    colors = store_colors(ranked["store_code"])
    codes = labels(ranked["store_code"])
    names = ranked["store_code"] + " " + ranked["store_name"]
    texts = [
        hover(
            f"{row.store_code} {row.store_name}",
            ("Region", row.region),
            ("Net sales", fmt.money(row.net_sales)),
            ("Transactions", fmt.count(row.transactions)),
            ("ATV", fmt.money(row.avg_transaction_value)),
            ("Gross margin", fmt.pct(row.gross_margin_pct)),
            ("Last week", fmt.money(row.net_sales_last_week)),
            ("Same day last year", fmt.money(row.net_sales_same_day_last_year)),
        )
        for row in ranked.itertuples()
    ]
    fig = figure(yaxis={"autorange": "reversed", **named_axis(ranked["store_code"], names, 28)},
                 xaxis={"title": {"text": "Net sales"}})
    fig.add(
        "bar", y=codes, x=ranked["net_sales"].round(2), orientation="h", name="Net sales",
        marker={"color": [colors[code] for code in ranked["store_code"]]},
        hovertext=texts, hovertemplate=HOVER,
    )
    compared = []
    for column, name, symbol in COMPARISON_MARKERS:
        if ranked[column].isna().all():
            continue
        compared.append(name.lower())
        fig.add(
            "scatter", y=codes, x=ranked[column].round(2), mode="markers", name=name,
            marker={"symbol": symbol, "size": 11, "color": "#1f2328", "line": {"width": 2}},
            hovertext=texts, hovertemplate=HOVER,
        )
    chart = fragment(fig, "net-sales-by-store", height=120 + 30 * len(ranked))
    note = f"Markers: {' and '.join(compared)}." if compared else ""
    return section("Net sales by store", chart, note=note)


def _hours(hourly: pd.DataFrame) -> Markup:
    """Chain net sales (bars, peak hours highlighted) and transactions (line) per hour."""
    heading = "Sales and transactions by hour"
    if hourly.empty:
        return section(heading, remark("No hourly sales for this day."))
    by_hour = hourly.groupby("hour")[["net_sales", "transactions"]].sum().round(2)
    by_hour = by_hour.reindex(range(int(by_hour.index.min()), int(by_hour.index.max()) + 1))
    by_hour = by_hour.fillna(0)
    peaks = by_hour.nlargest(PEAK_HOURS, "net_sales")
    hours = [fmt.hour_label(hour) for hour in by_hour.index]
    fig = figure(
        hovermode="x unified",
        xaxis={"type": "category"},
        yaxis={"title": {"text": "Net sales"}},
        yaxis2=TRANSACTIONS_AXIS,
    )
    fig.add(
        "bar", x=hours, y=by_hour["net_sales"], name="Net sales",
        marker={"color": [PRIMARY if hour in peaks.index else MUTED for hour in by_hour.index]},
        hovertemplate="%{y:,.2f}",
    )
    fig.add(
        "scatter", x=hours, y=by_hour["transactions"], name="Transactions", yaxis="y2",
        mode="lines+markers", line={"color": WARN}, hovertemplate="%{y:,}",
    )
    note = "Peak hours (highlighted): " + ", ".join(
        f"{fmt.hour_label(hour)} ({fmt.money(row.net_sales)})" for hour, row in peaks.iterrows()
    )
    return section(heading, fragment(fig, "sales-by-hour"), note=note)


def _tenders(tenders: pd.DataFrame) -> Markup:
    """Amount per tender type as a donut, with counts, refunds and split payments."""
    heading = "Tender mix"
    if tenders.empty:
        return section(heading, remark("No tender rows for this day."))
    mix = tenders.groupby("tender_type", as_index=False)[
        ["tender_count", "amount", "refund_amount", "split_transactions"]
    ].sum()
    mix = mix.sort_values(["amount", "tender_type"], ascending=[False, True])
    mix["share"] = mix["amount"] / mix["amount"].sum() if mix["amount"].sum() else None
    colors = color_map(mix["tender_type"], MIX_PALETTE)
    fig = figure()
    fig.add(
        "pie", labels=labels(mix["tender_type"]), values=mix["amount"].round(2), hole=0.5,
        sort=False,
        texttemplate="%{percent:.1%}", textposition="inside", insidetextorientation="horizontal",
        marker={"colors": [colors[tender] for tender in mix["tender_type"]]},
        hovertext=[
            hover(row.tender_type, ("Amount", fmt.money(row.amount)),
                  ("Share", fmt.pct(row.share)), ("Tenders", fmt.count(row.tender_count)),
                  ("Refunds", fmt.money(row.refund_amount)))
            for row in mix.itertuples()
        ],
        hovertemplate=HOVER,
    )
    columns = [
        Column("tender_type", "Tender"),
        Column("tender_count", "Count", fmt.count, numeric=True),
        Column("amount", "Amount", fmt.money, numeric=True),
        Column("share", "Share", fmt.pct, numeric=True),
        Column("refund_amount", "Refunds", fmt.money, numeric=True),
        Column("split_transactions", "Split payments", fmt.count, numeric=True),
    ]
    return section(heading, fragment(fig, "tender-mix", height=300) + table(mix, columns))


def _top_products(products: pd.DataFrame) -> Markup:
    """The chain's best sellers of the day by net sales."""
    heading = f"Top {TOP_PRODUCTS} products by net sales"
    if products.empty:
        return section(heading, remark("No product rows for this day."))
    top = (
        products.groupby("sku", as_index=False)
        .agg(
            product_name=("product_name", "last"),
            department=("department", "last"),
            units_sold=("units_sold", "sum"),
            net_sales=("net_sales", "sum"),
            gross_margin=("gross_margin", "sum"),
        )
        .sort_values(["net_sales", "sku"], ascending=[False, True])
        .head(TOP_PRODUCTS)
    )
    fig = figure(yaxis={"autorange": "reversed", **named_axis(top["sku"], top["product_name"], 30)},
                 xaxis={"title": {"text": "Net sales"}})
    fig.add(
        "bar", y=labels(top["sku"]), x=top["net_sales"].round(2),
        orientation="h", marker={"color": PRIMARY},
        hovertext=[
            hover(row.product_name, ("SKU", row.sku), ("Department", row.department),
                  ("Units sold", fmt.number(row.units_sold, 0)),
                  ("Net sales", fmt.money(row.net_sales)),
                  ("Gross margin", fmt.pct(ratio(row.gross_margin, row.net_sales))))
            for row in top.itertuples()
        ],
        hovertemplate=HOVER,
    )
    return section(heading, fragment(fig, "top-products", height=120 + 30 * len(top)))


def _discounts_and_returns(sales: pd.DataFrame) -> Markup:
    """Discounts and returns per store, each also as a share of the store's gross sales."""
    stores = sales.sort_values("store_code")
    fig = figure(barmode="group", yaxis={"title": {"text": "Amount"}}, xaxis={"type": "category"})
    for column, name, color in (("discounts", "Discounts", WARN), ("returns", "Returns", BAD)):
        fig.add(
            "bar", x=labels(stores["store_code"]), y=stores[column].round(2), name=name,
            marker={"color": color},
            hovertext=[
                hover(f"{row.store_code} {row.store_name}",
                      (name, fmt.money(getattr(row, column))),
                      ("Share of gross sales", fmt.pct(ratio(getattr(row, column),
                                                              row.gross_sales))))
                for row in stores.itertuples()
            ],
            hovertemplate=HOVER,
        )
    totals = sales[["gross_sales", "discounts", "returns"]].sum()
    discounts, returns, gross = totals["discounts"], totals["returns"], totals["gross_sales"]
    note = (
        f"Chain: discounts {fmt.money(discounts)} ({fmt.pct(ratio(discounts, gross))} of gross "
        f"sales), returns {fmt.money(returns)} ({fmt.pct(ratio(returns, gross))})."
    )
    return section("Discounts and returns", fragment(fig, "discounts-returns"), note=note)


def _data_quality(quarantined: pd.DataFrame) -> Markup:
    """Rows of the day's backup that broke a data rule, per kind of problem."""
    heading = "Data quality"
    found = quarantined[quarantined["row_count"] > 0].sort_values(
        ["row_count", "kind"], ascending=[False, True]
    )
    if found.empty:
        return section(heading, remark("No POS row was quarantined for this day."))
    found = found.assign(problem=found["kind"].str.replace("_", " ").str.capitalize())
    rows = table(found, [
        Column("problem", "Problem"),
        Column("row_count", "Rows quarantined", fmt.count, numeric=True),
    ])
    note = (
        f"{fmt.count(found['row_count'].sum())} POS rows broke a data rule; they are kept out "
        "of the figures where they would distort them and listed in the warehouse's qua_* tables."
    )
    return section(heading, rows, note=note)
