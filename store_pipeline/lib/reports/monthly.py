"""Monthly business review [M]: daily trend, month over month, year over year, rankings, mix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from markupsafe import Markup

from store_pipeline.lib.reports import fmt
from store_pipeline.lib.reports.charts import HOVER, figure, fragment, hover, labels, named_axis
from store_pipeline.lib.reports.data import (
    DAILY_SALES,
    EMPLOYEE_HOURS,
    PRODUCTS,
    SEGMENTS,
    Fetch,
    load,
    load_optional,
    month_bounds,
    previous_month,
    same_month_last_year,
)
from store_pipeline.lib.reports.kpis import divide, growth, kpi_values
from store_pipeline.lib.reports.page import (
    Column,
    grid,
    no_data_page,
    page,
    remark,
    section,
    table,
)
from store_pipeline.lib.reports.theme import BAD, MUTED, PRIMARY, WARN, region_colors, store_colors
from store_pipeline.lib.reports.tiles import kpi_tiles

NAME = "business_review"
SOURCES = (DAILY_SALES, EMPLOYEE_HOURS, PRODUCTS)
READS = (*SOURCES, SEGMENTS)  # the marts the page reads: its assets' lineage
DESCRIPTIONS = {"store_code": ("store_name", "region"), "region": ()}


@dataclass(frozen=True)
class Month:
    """A month's sales and labor rows."""

    first: date
    last: date
    sales: pd.DataFrame
    hours: pd.DataFrame

    @property
    def label(self) -> str:
        return fmt.month_label(self.first)


def load_month(fetch: Fetch, bounds: tuple[date, date]) -> Month:
    """The ``rpt_daily_sales`` and ``rpt_employee_hours`` rows of a month."""
    first, last = bounds
    return Month(first, last, load(fetch, DAILY_SALES, first, last),
                 load(fetch, EMPLOYEE_HOURS, first, last))


def build(fetch: Fetch, month_start: date) -> str:
    """The review of the month holding ``month_start``, or a no-data page."""
    month = load_month(fetch, month_bounds(month_start))
    title = f"Monthly business review — {month.label}"
    if month.sales.empty:
        message = f"The warehouse has no {DAILY_SALES} rows for {month.label}."
        return no_data_page(title, message, sources=SOURCES)
    previous = load_month(fetch, previous_month(month.first))
    last_year = load_month(fetch, same_month_last_year(month.first))
    stores = ranking(month, previous, last_year, "store_code")
    regions = ranking(month, previous, last_year, "region")
    summary = kpi_tiles(
        kpi_values(month.sales, month.hours),
        [(f"vs {m.label}", kpi_values(m.sales, m.hours)) for m in (previous, last_year)],
    )
    body = summary + grid(
        _daily_trend(month, previous, last_year),
        _margin_and_labor(month),
        _store_chart(stores),
        _region_chart(regions),
        section("Store ranking", _ranking_table(stores), wide=True),
        _category_mix(load(fetch, PRODUCTS, month.first, month.last)),
        _segments(load_optional(fetch, SEGMENTS, month.first)),
    )
    subtitle = (
        f"{month.first.isoformat()} to {month.last.isoformat()} · "
        f"{month.sales['business_date'].nunique()} days with sales · "
        f"{month.sales['store_code'].nunique()} stores"
    )
    return page(title, subtitle, body, sources=SOURCES)


def rollup(month: Month, key: str) -> pd.DataFrame:
    """Month totals per ``key`` (``store_code`` or ``region``) with margin %, labor %, SPLH."""
    sales = month.sales
    totals = sales.groupby(key).agg(
        **{column: (column, "last") for column in DESCRIPTIONS[key]},
        net_sales=("net_sales", "sum"),
        transactions=("transactions", "sum"),
        gross_margin=("gross_margin", "sum"),
        labor_hours=("labor_hours", "sum"),
    )
    store_region = sales.groupby("store_code")["region"].last()
    hours = month.hours.assign(region=month.hours["store_code"].map(store_region))
    totals["labor_cost"] = hours.groupby(key)["labor_cost"].sum()
    totals["gross_margin_pct"] = divide(totals["gross_margin"], totals["net_sales"])
    totals["labor_pct"] = divide(totals["labor_cost"], totals["net_sales"])
    totals["splh"] = divide(totals["net_sales"], totals["labor_hours"])
    return totals


def ranking(month: Month, previous: Month, last_year: Month, key: str) -> pd.DataFrame:
    """``rollup`` ranked by net sales, with growth against the previous month and last year."""
    totals = rollup(month, key)
    for column, other in (("mom", previous), ("yoy", last_year)):
        before = other.sales.groupby(key)["net_sales"].sum().reindex(totals.index)
        totals[column] = growth(totals["net_sales"], before)
    ranked = totals.reset_index().sort_values(["net_sales", key], ascending=[False, True])
    ranked.insert(0, "rank", range(1, len(ranked) + 1))
    return ranked


def _ranking_hover(row, name: str) -> str:
    return hover(
        name,
        ("Net sales", fmt.money(row.net_sales)),
        ("vs previous month", fmt.signed_pct(row.mom)),
        ("vs last year", fmt.signed_pct(row.yoy)),
        ("Gross margin", fmt.pct(row.gross_margin_pct)),
        ("Labor % of sales", fmt.pct(row.labor_pct)),
        ("Sales per labor hour", fmt.money(row.splh)),
    )


def _store_chart(stores: pd.DataFrame) -> Markup:
    """Net sales per store, best first, in the store colours."""
    colors = store_colors(stores["store_code"])
    names = stores["store_code"] + " " + stores["store_name"]
    fig = figure(yaxis={"autorange": "reversed", **named_axis(stores["store_code"], names, 28)},
                 xaxis={"title": {"text": "Net sales"}})
    fig.add(
        "bar", y=labels(stores["store_code"]), x=stores["net_sales"].round(2), orientation="h",
        marker={"color": [colors[code] for code in stores["store_code"]]},
        hovertext=[_ranking_hover(row, name)
                   for row, name in zip(stores.itertuples(), names, strict=True)],
        hovertemplate=HOVER,
    )
    chart = fragment(fig, "store-ranking", height=120 + 30 * len(stores))
    return section("Net sales by store", chart)


def _region_chart(regions: pd.DataFrame) -> Markup:
    """Net sales per region, best first, in the region colours."""
    colors = region_colors(regions["region"])
    fig = figure(xaxis=named_axis(regions["region"], regions["region"], 24),
                 yaxis={"title": {"text": "Net sales"}})
    fig.add(
        "bar", x=labels(regions["region"]), y=regions["net_sales"].round(2),
        marker={"color": [colors[region] for region in regions["region"]]},
        hovertext=[_ranking_hover(row, row.region) for row in regions.itertuples()],
        hovertemplate=HOVER,
    )
    return section("Net sales by region", fragment(fig, "region-ranking", height=320))


def _ranking_table(stores: pd.DataFrame) -> Markup:
    return table(stores, [
        Column("rank", "#", numeric=True),
        Column("store_code", "Store"),
        Column("store_name", "Name"),
        Column("region", "Region"),
        Column("net_sales", "Net sales", fmt.money, numeric=True),
        Column("mom", "vs prev. month", fmt.signed_pct, numeric=True),
        Column("yoy", "vs last year", fmt.signed_pct, numeric=True),
        Column("gross_margin_pct", "Margin", fmt.pct, numeric=True),
        Column("labor_pct", "Labor %", fmt.pct, numeric=True),
        Column("splh", "SPLH", fmt.money, numeric=True),
    ])


def _daily_trend(month: Month, previous: Month, last_year: Month) -> Markup:
    """Chain net sales per day, with the previous month and the same month last year."""
    fig = figure(hovermode="x unified", showlegend=True,
                 xaxis={"title": {"text": "Day of month"}, "dtick": 1},
                 yaxis={"title": {"text": "Net sales"}})
    lines = ((last_year, MUTED, "dot"), (previous, WARN, "dash"), (month, PRIMARY, "solid"))
    for source, color, dash in lines:
        if source.sales.empty:
            continue
        days = source.sales.groupby("business_date")["net_sales"].sum().round(2)
        fig.add(
            "scatter", x=[day.day for day in days.index], y=days, name=source.label,
            mode="lines+markers", line={"color": color, "dash": dash},
            hovertext=[f"{fmt.day_label(day)}: {fmt.money(value)}" for day, value in days.items()],
            hovertemplate=HOVER,
        )
    return section("Daily net sales", fragment(fig, "daily-trend"))


def _margin_and_labor(month: Month) -> Markup:
    """Gross margin % and labor % of sales per day."""
    days = month.sales.groupby("business_date")[["net_sales", "gross_margin"]].sum()
    days["labor_cost"] = month.hours.groupby("business_date")["labor_cost"].sum()
    trends = {
        "Gross margin %": (divide(days["gross_margin"], days["net_sales"]), PRIMARY),
        "Labor % of sales": (divide(days["labor_cost"], days["net_sales"]), BAD),
    }
    fig = figure(hovermode="x unified", yaxis={"tickformat": ".0%", "rangemode": "tozero"})
    for name, (values, color) in trends.items():
        fig.add("scatter", x=[day.isoformat() for day in days.index], y=values.round(4),
                name=name, mode="lines+markers", line={"color": color},
                hovertemplate="%{y:.1%}")
    return section("Margin and labor % by day", fragment(fig, "margin-labor-trend"))


def _category_mix(products: pd.DataFrame) -> Markup:
    """Net sales by department and category as a tree map."""
    heading = "Category mix"
    categories = products.groupby(["department", "category"], as_index=False)[
        ["net_sales", "gross_margin"]
    ].sum()
    categories = categories[categories["net_sales"] > 0]
    if categories.empty:
        return section(heading, remark("No product sales this month."))
    departments = categories.groupby("department", as_index=False)[
        ["net_sales", "gross_margin"]
    ].sum()
    total = categories["net_sales"].sum()
    nodes = pd.concat([
        departments.assign(id="d:" + departments["department"], parent="",
                           name=departments["department"]),
        categories.assign(id="c:" + categories["department"] + "/" + categories["category"],
                          parent="d:" + categories["department"], name=categories["category"]),
    ])
    fig = figure(margin={"l": 0, "r": 0, "t": 0, "b": 0})
    fig.add(
        "treemap", ids=labels(nodes["id"]), parents=labels(nodes["parent"]),
        labels=labels(nodes["name"]),
        values=nodes["net_sales"].round(2), branchvalues="total",
        hovertext=[
            hover(row.name, ("Net sales", fmt.money(row.net_sales)),
                  ("Share of sales", fmt.pct(row.net_sales / total)),
                  ("Gross margin", fmt.pct(row.gross_margin / row.net_sales)))
            for row in nodes.itertuples()
        ],
        hovertemplate=HOVER,
    )
    return section(heading, fragment(fig, "category-mix", height=420), wide=True)


SEGMENT_ORDER = ("champions", "loyal", "new", "at risk", "lapsed")


def segment_summary(segments: pd.DataFrame) -> pd.DataFrame:
    """Loyalty customers, their share, the month's and 90 days' net sales per segment."""
    summary = (segments.groupby("segment")
               .agg(customers=("customer_key", "size"), net_sales=("month_net_sales", "sum"),
                    net_sales_90d=("net_sales_90d", "sum"))
               .reindex(SEGMENT_ORDER).fillna(0.0).reset_index())
    summary["share"] = summary["customers"] / max(len(segments), 1)
    return summary


def _segments(segments: pd.DataFrame | None) -> Markup:
    """Counts and sales by RFM segment (rpt_customer_segments)."""
    heading = "Loyalty customers by segment"
    if segments is None or segments.empty:
        return section(heading, remark("No loyalty customer segments for this month."))
    return section(heading, table(segment_summary(segments), [
        Column("segment", "Segment"),
        Column("customers", "Customers", fmt.count, numeric=True),
        Column("share", "Share", fmt.pct, numeric=True),
        Column("net_sales", "Net sales this month", fmt.money, numeric=True),
        Column("net_sales_90d", "Net sales, 90 days", fmt.money, numeric=True),
    ]))
