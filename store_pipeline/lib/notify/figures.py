"""Each e-mail's key numbers, read from the report marts (docs/DESIGN.md, "KPI definitions")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from store_pipeline.lib.reports.data import (
    CASH_OVER_SHORT,
    CASHIER_EXCEPTIONS,
    DAILY_SALES,
    INVENTORY,
    Fetch,
    load,
    month_bounds,
    optional,
    previous_month,
    week_bounds,
)
from store_pipeline.lib.reports.kpis import ratio, relative_change
from store_pipeline.lib.reports.store_day import (
    cashier_exceptions,
    drawers,
    flagged_cashiers,
    flagged_drawers,
)


@dataclass(frozen=True)
class StoreDay:
    """One store's day for its manager: sales, transactions, ATV and their change vs D-7,
    flagged cashiers and drawers over or short."""

    store_code: str
    store_name: str
    region: str
    net_sales: float | None
    transactions: float | None
    atv: float | None
    net_sales_change: float | None
    transactions_change: float | None
    atv_change: float | None
    cashier_flags: tuple[str, ...] = field(default=())  # "#104 Dana (voids)"
    drawer_flags: tuple[str, ...] = field(default=())  # "register 2 batch 17: -35.00"


@dataclass(frozen=True)
class RegionStock:
    """A region's stock position on the last day of the week with inventory rows."""

    region: str
    as_of: date
    stores: tuple[str, ...]
    items: int
    stockouts: int
    below_reorder_point: int
    dead_stock_value: float
    on_hand_value: float


@dataclass(frozen=True)
class MonthFigures:
    """The chain's month: net sales, gross margin and the change vs the previous month."""

    first: date
    days: int
    net_sales: float | None
    gross_margin: float | None
    gross_margin_pct: float | None
    net_sales_change: float | None


def store_days(fetch: Fetch, day: date) -> dict[str, StoreDay]:
    """Every store with sales rows on ``day``, by store code."""
    today = load(fetch, DAILY_SALES, day).set_index("store_code")
    week_ago = load(fetch, DAILY_SALES, day - timedelta(days=7)).set_index("store_code")
    cashiers = flagged_cashiers(cashier_exceptions(optional(fetch, CASHIER_EXCEPTIONS, day)))
    batches = flagged_drawers(drawers(optional(fetch, CASH_OVER_SHORT, day)))
    days = {}
    for code, row in today.iterrows():
        before = week_ago.loc[code] if code in week_ago.index else None
        now = _sales(row)
        then = _sales(before) if before is not None else dict.fromkeys(now)
        days[code] = StoreDay(
            store_code=code, store_name=row["store_name"], region=row["region"], **now,
            **{f"{key}_change": relative_change(now[key], then[key]) for key in now},
            cashier_flags=tuple(cashiers.get(code, ())), drawer_flags=tuple(batches.get(code, ())),
        )
    return days


def _sales(row: pd.Series) -> dict[str, float | None]:
    return {"net_sales": row["net_sales"], "transactions": row["transactions"],
            "atv": ratio(row["net_sales"], row["transactions"])}


def region_stock(fetch: Fetch, week_start: date) -> dict[str, RegionStock]:
    """Stock per region at the end of the week starting ``week_start``, by region name."""
    start, end = week_bounds(week_start)
    stock = load(fetch, INVENTORY, start, end)
    if stock.empty:
        return {}
    stock = stock[stock["business_date"] == stock["business_date"].max()]
    regions = load(fetch, DAILY_SALES, start, end).groupby("store_code")["region"].last()
    stock = stock.assign(region=stock["store_code"].map(regions).fillna(""))
    return {region: _region(region, rows) for region, rows in stock.groupby("region") if region}


def _region(region: str, rows: pd.DataFrame) -> RegionStock:
    dead = rows[rows["is_dead_stock"] == 1]
    return RegionStock(
        region=region, as_of=rows["business_date"].iloc[0],
        stores=tuple(sorted(rows["store_code"].unique())), items=len(rows),
        stockouts=int(rows["is_stockout"].sum()),
        below_reorder_point=int(rows["below_reorder_point"].sum()),
        dead_stock_value=float(dead["on_hand_value"].sum()),
        on_hand_value=float(rows["on_hand_value"].sum()),
    )


def month_figures(fetch: Fetch, month_start: date) -> MonthFigures | None:
    """The month holding ``month_start``; None when it has no sales rows."""
    first, last = month_bounds(month_start)
    sales = load(fetch, DAILY_SALES, first, last)
    if sales.empty:
        return None
    before = load(fetch, DAILY_SALES, *previous_month(first))
    net, margin = sales["net_sales"].sum(), sales["gross_margin"].sum()
    return MonthFigures(
        first=first, days=sales["business_date"].nunique(), net_sales=net, gross_margin=margin,
        gross_margin_pct=ratio(margin, net),
        net_sales_change=relative_change(net, before["net_sales"].sum()) if len(before) else None,
    )
