"""Store anomalies of one business date, found in the marts after the night's backup:

- ``forecast``: net sales or transactions outside the store-day forecast's interval
  (``store_pipeline/lib/forecast/store_day.py``);
- ``register_down``: a store open that day (rpt_daily_sales lists it) with no transaction
  before the configured hour (``STORE_PIPELINE_REGISTER_DOWN_HOUR``, default 11);
- ``refund_spike``: returns above ``REFUND_FACTOR`` times the store's mean daily returns over
  its open days of the 28 days before, and at least ``REFUND_MIN_EXCESS`` above that mean.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

REGISTER_DOWN_HOUR_ENV = "STORE_PIPELINE_REGISTER_DOWN_HOUR"
REGISTER_DOWN_HOUR = 11
REFUND_DAYS = 28
REFUND_MIN_DAYS = 7
REFUND_FACTOR = 3.0
REFUND_MIN_EXCESS = 100.0
FORECAST_METRICS = {"net_sales": "net sales", "transactions": "transactions"}
HISTORY_DAYS = 56  # the store-day forecast's 8 weeks; covers the refunds' 28 days


@dataclass(frozen=True)
class StoreAlert:
    """One anomaly of one store on one day; ``kind`` names the rule."""

    day: date
    store_code: str
    kind: str
    detail: str

    @property
    def report(self) -> str:
        """The alert's name in the sent-mail ledger (the partition being the day)."""
        return f"alert:{self.kind}:{self.store_code}"


def register_down_hour() -> int:
    """The hour (0-24, the chain's time) by which an open store must have rung a sale."""
    hour = int(os.environ.get(REGISTER_DOWN_HOUR_ENV, REGISTER_DOWN_HOUR))
    if not 0 <= hour <= 24:
        raise ValueError(f"{REGISTER_DOWN_HOUR_ENV} must be an hour from 0 to 24, not {hour}")
    return hour


def forecast_alerts(daily: pd.DataFrame, day: date) -> list[StoreAlert]:
    """Stores whose net sales or transactions on ``day`` fall outside the forecast interval."""
    from store_pipeline.lib.forecast.store_day import store_day_interval

    today = daily[daily.business_date == day].set_index("store_code")
    alerts = []
    for metric, label in FORECAST_METRICS.items():
        interval = store_day_interval(daily, metric, day)
        for row in interval.itertuples():
            if row.store_code not in today.index:
                continue
            actual = float(today.at[row.store_code, metric])
            if row.lower <= actual <= row.upper:
                continue
            side = "below" if actual < row.lower else "above"
            alerts.append(StoreAlert(day, row.store_code, f"forecast_{metric}",
                                     f"{label} {actual:,.2f} {side} the forecast interval "
                                     f"{row.lower:,.2f} - {row.upper:,.2f} "
                                     f"(expected {row.expected:,.2f})"))
    return alerts


def register_down_alerts(daily: pd.DataFrame, hourly: pd.DataFrame, day: date,
                         hour: int) -> list[StoreAlert]:
    """Stores open on ``day`` with no transaction in an hour before ``hour``."""
    open_stores = daily[daily.business_date == day].store_code
    rang = hourly[(hourly.business_date == day) & (hourly.transactions > 0)]
    first = rang.groupby("store_code").hour.min()
    alerts = []
    for store in sorted(open_stores):
        opened = first.get(store)
        if opened is not None and opened < hour:
            continue
        when = f"first sale at {int(opened):02d}:00" if opened is not None else "no sale all day"
        alerts.append(StoreAlert(day, store, "register_down",
                                 f"no sale before {hour:02d}:00 ({when}): check the registers"))
    return alerts


def refund_spike_alerts(daily: pd.DataFrame, day: date) -> list[StoreAlert]:
    """Stores whose returns on ``day`` spike against their trailing 28 open days."""
    since = day - timedelta(days=REFUND_DAYS)
    before = daily[(daily.business_date >= since) & (daily.business_date < day)
                   & (daily.transactions > 0)]
    history = before.groupby("store_code").returns.agg(["mean", "size"])
    alerts = []
    for row in daily[daily.business_date == day].itertuples():
        if row.store_code not in history.index:
            continue
        mean, days = history.loc[row.store_code]
        returns = float(row.returns)
        if days < REFUND_MIN_DAYS or returns <= max(REFUND_FACTOR * mean,
                                                    mean + REFUND_MIN_EXCESS):
            continue
        alerts.append(StoreAlert(day, row.store_code, "refund_spike",
                                 f"returns {returns:,.2f} against a daily mean of {mean:,.2f} "
                                 f"over the {int(days)} open days before"))
    return alerts


def find_alerts(fetch: Callable[..., pd.DataFrame], day: date, hour: int) -> list[StoreAlert]:
    """Every alert of ``day`` from rpt_daily_sales and rpt_hourly_sales, by store and kind."""
    daily = _typed(fetch("rpt_daily_sales", day - timedelta(days=HISTORY_DAYS), day),
                   ("net_sales", "transactions", "returns"))
    hourly = _typed(fetch("rpt_hourly_sales", day, day), ("transactions", "hour"))
    alerts = [*forecast_alerts(daily, day), *register_down_alerts(daily, hourly, day, hour),
              *refund_spike_alerts(daily, day)]
    return sorted(alerts, key=lambda a: (a.store_code, a.kind))


def _typed(frame: pd.DataFrame, numbers: tuple[str, ...]) -> pd.DataFrame:
    import pandas as pd

    out = frame.copy()
    out["business_date"] = pd.to_datetime(out.business_date).dt.date
    for column in numbers:
        out[column] = out[column].astype(float)
    return out
