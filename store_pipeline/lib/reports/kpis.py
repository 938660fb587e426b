"""Chain KPIs of a period (docs/DESIGN.md, "KPI definitions") and how a change is judged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pandas as pd

from store_pipeline.lib.reports import fmt


@dataclass(frozen=True)
class Kpi:
    """A KPI tile: key, label, formatter; a share is compared in percentage points."""

    key: str
    label: str
    format: Callable[[float | None], str]
    share: bool = False
    lower_is_better: bool = False


KPIS = (
    Kpi("net_sales", "Net sales", fmt.money),
    Kpi("transactions", "Transactions", fmt.count),
    Kpi("atv", "Avg transaction value", fmt.money),
    Kpi("upt", "Units per transaction", partial(fmt.number, digits=2)),
    Kpi("gross_margin_pct", "Gross margin %", fmt.pct, share=True),
    Kpi("labor_pct", "Labor % of sales", fmt.pct, share=True, lower_is_better=True),
    Kpi("splh", "Sales per labor hour", fmt.money),
)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """``numerator / denominator``, None when either is missing or the denominator is 0."""
    if fmt.missing(numerator) or fmt.missing(denominator) or denominator == 0:
        return None
    return float(numerator) / float(denominator)


def divide(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """Element-wise ``numerator / denominator`` with NaN where the denominator is 0."""
    return numerator / denominator.where(denominator != 0)


def growth(current: pd.Series, previous: pd.Series) -> pd.Series:
    """Element-wise ``current / previous - 1``; NaN without a positive previous value."""
    return current / previous.where(previous > 0) - 1


def relative_change(current: float | None, previous: float | None) -> float | None:
    """``current / previous - 1``; None without a positive previous value."""
    if fmt.missing(previous) or previous <= 0:
        return None
    change = ratio(current, previous)
    return None if change is None else change - 1


def kpi_values(sales: pd.DataFrame, hours: pd.DataFrame) -> dict[str, float | None]:
    """Chain KPIs from ``rpt_daily_sales`` and ``rpt_employee_hours`` rows; None when absent."""
    if sales.empty:
        return dict.fromkeys(kpi.key for kpi in KPIS)
    net = sales["net_sales"].sum()
    transactions = sales["transactions"].sum()
    labor_cost = None if hours.empty else hours["labor_cost"].sum()
    return {
        "net_sales": net,
        "transactions": transactions,
        "atv": ratio(net, transactions),
        "upt": ratio(sales["units_sold"].sum(), transactions),
        "gross_margin_pct": ratio(sales["gross_margin"].sum(), net),
        "labor_pct": ratio(labor_cost, net),
        "splh": ratio(net, sales["labor_hours"].sum()),
    }


def store_kpis(sales: pd.DataFrame, hours: pd.DataFrame) -> pd.DataFrame:
    """``kpi_values`` per store: a row per store code of ``sales``; NaN where undefined.

    A store without ``rpt_employee_hours`` rows has no labor %.
    """
    sums = sales.groupby("store_code")[
        ["net_sales", "transactions", "units_sold", "gross_margin", "labor_hours"]
    ].sum()
    labor_cost = hours.groupby("store_code")["labor_cost"].sum().reindex(sums.index)
    net, transactions = sums["net_sales"], sums["transactions"]
    return pd.DataFrame({
        "net_sales": net,
        "transactions": transactions,
        "atv": divide(net, transactions),
        "upt": divide(sums["units_sold"], transactions),
        "gross_margin_pct": divide(sums["gross_margin"], net),
        "labor_pct": divide(labor_cost, net),
        "splh": divide(net, sums["labor_hours"]),
    })
