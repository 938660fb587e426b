"""The weekly demand forecast: read the marts, forecast 14 days of units per series from the
origin (a Monday), and lay the result out as the warehouse table and the export have it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from store_pipeline.lib.forecast.features import (
    HORIZON,
    Calendar,
    calendar_from_dim_date,
    target_days,
)
from store_pipeline.lib.forecast.model import fit_predict
from store_pipeline.lib.forecast.panel import build_panel, open_days, prepare_product_days

if TYPE_CHECKING:
    import pandas as pd

HISTORY_DAYS = 112  # the model trains on the last 16 weeks before the origin
CENT = Decimal("0.01")


@dataclass(frozen=True)
class History:
    """What a forecast reads from the marts."""

    product_days: pd.DataFrame
    stores: pd.DataFrame
    calendar: Calendar


def read_history(fetch: Callable[..., pd.DataFrame], origin: date,
                 days: int = HISTORY_DAYS) -> History:
    """rpt_product_performance, rpt_daily_sales and dim_date around ``origin`` through a
    warehouse reader's ``fetch``: ``days`` days of history, the horizon's calendar."""
    start, end = origin - timedelta(days=days), origin - timedelta(days=1)
    calendar_end = origin + timedelta(days=2 * HORIZON)
    return History(
        product_days=prepare_product_days(fetch("rpt_product_performance", start, end)),
        stores=open_days(fetch("rpt_daily_sales", start, end)),
        calendar=calendar_from_dim_date(fetch("dim_date", start, calendar_end, "date_day")),
    )


def forecast_demand(history: History, origin: date) -> pd.DataFrame:
    """The forecast made at ``origin``: forecast_date, store_code, sku (empty for a category
    series), category, target_date, units, lower, upper (units rounded to the cent)."""
    import numpy as np
    import pandas as pd

    if history.stores.empty:
        raise ValueError(f"no sales history before {origin}")
    panel = build_panel(history.product_days, history.stores, origin)
    result = fit_predict(panel, len(panel.days), history.calendar)
    frame = pd.concat([panel.keys] * HORIZON, ignore_index=True)
    frame.insert(0, "forecast_date", origin)
    frame["target_date"] = np.repeat(target_days(panel, len(panel.days)), len(panel.keys))
    for name in ("units", "lower", "upper"):
        frame[name] = [Decimal(repr(round(float(v), 2))).quantize(CENT)
                       for v in getattr(result, name)]
    return frame.sort_values(["store_code", "category", "sku", "target_date"],
                             na_position="last").reset_index(drop=True)
