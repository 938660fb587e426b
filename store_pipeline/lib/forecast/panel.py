"""The series to forecast: daily units per store x item, or per store x category for the items
that sell too rarely to forecast on their own.

An item is forecast on its own at a store when it sold there on at least
``MIN_SALE_DAY_SHARE`` of the store's open days of the ``GRAIN_DAYS`` before the forecast
origin; the store's other items that sold in those days are summed into one series per
category. Items with no sale in those days are not forecast.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

MIN_SALE_DAY_SHARE = 0.5
GRAIN_DAYS = 56


@dataclass(frozen=True)
class Panel:
    """Series x days: ``values[i, d]`` is series i's figure on ``days[d]`` (NaN where its store
    was closed); ``keys`` names each series (store_code, sku or None, category)."""

    keys: pd.DataFrame
    days: list[date]
    values: np.ndarray

    def day_index(self, day: date) -> int:
        """Position of ``day`` in ``days`` (days are consecutive)."""
        return (day - self.days[0]).days

    def store_totals(self) -> np.ndarray:
        """Sum of the series of each series' store, one row per series (the store's level)."""
        import numpy as np

        codes, store = np.unique(self.keys.store_code.to_numpy(), return_inverse=True)
        totals = np.zeros((len(codes), self.values.shape[1]))
        np.add.at(totals, store, np.nan_to_num(self.values))
        closed = np.isnan(self.values).all(axis=0)
        totals[:, closed] = np.nan
        return totals[store]


def open_days(daily_sales: pd.DataFrame) -> pd.DataFrame:
    """(store_code, business_date, is_open) of every store-day the daily summary lists; a day
    without transactions counts as closed."""
    frame = daily_sales[["store_code", "business_date", "transactions"]].copy()
    frame["business_date"] = _dates(frame.business_date)
    frame["is_open"] = frame.transactions.astype(float) > 0
    return frame.drop(columns="transactions")


def item_grain(product_days: pd.DataFrame, stores: pd.DataFrame, origin: date) -> pd.DataFrame:
    """(store_code, sku, category, own_series) of each item sold at a store in the
    ``GRAIN_DAYS`` before ``origin``; ``own_series`` when it sold on enough open days."""
    since = origin - timedelta(days=GRAIN_DAYS)
    sold = product_days[(product_days.business_date >= since)
                        & (product_days.business_date < origin)
                        & (product_days.units_sold > 0)]
    open_count = (stores[(stores.business_date >= since) & (stores.business_date < origin)
                         & stores.is_open].groupby("store_code").size().rename("open_days"))
    grain = (sold.groupby(["store_code", "sku", "category"], as_index=False)
             .business_date.nunique().rename(columns={"business_date": "sale_days"})
             .join(open_count, on="store_code"))
    grain["own_series"] = grain.sale_days >= MIN_SALE_DAY_SHARE * grain.open_days
    return grain[["store_code", "sku", "category", "own_series"]]


def build_panel(product_days: pd.DataFrame, stores: pd.DataFrame, origin: date,
                until: date | None = None) -> Panel:
    """The units panel of the series chosen at ``origin``, over the days of ``stores`` before
    ``until`` (default: ``origin``; a backtest reads the actuals after its origin).

    ``product_days`` is ``prepare_product_days``' frame, ``stores`` ``open_days``'."""
    import numpy as np

    until = until or origin
    grain = item_grain(product_days, stores, origin)
    lines = product_days[product_days.business_date < until].merge(
        grain, on=["store_code", "sku", "category"])
    lines["sku"] = lines.sku.where(lines.own_series)
    keys = grain.assign(sku=grain.sku.astype(object).where(grain.own_series, None))
    keys = (keys[["store_code", "sku", "category"]].drop_duplicates()
            .sort_values(["store_code", "category", "sku"], na_position="last")
            .reset_index(drop=True))
    first = stores.business_date.min()
    days = [first + timedelta(days=k) for k in range((until - first).days)]
    values = np.zeros((len(keys), len(days)))
    rows = _positions(keys, lines)
    cols = np.array([(d - first).days for d in lines.business_date], dtype=int)
    np.add.at(values, (rows, cols), lines.units_sold.to_numpy(float))
    values[~_open_mask(stores, keys.store_code, days)] = np.nan
    return Panel(keys=keys, days=days, values=values)


def store_panel(stores_daily: pd.DataFrame, metric: str, origin: date) -> Panel:
    """One series per store of ``metric`` (a column of rpt_daily_sales) before ``origin``."""
    import numpy as np

    frame = stores_daily[stores_daily.business_date < origin]
    table = frame.pivot_table(index="store_code", columns="business_date", values=metric,
                              aggfunc="sum").astype(float)
    first = frame.business_date.min()
    days = [] if frame.empty else [first + timedelta(days=k) for k in range((origin - first).days)]
    table = table.reindex(columns=days)
    keys = table.index.to_frame(index=False).assign(sku=None, category=None)
    values = table.to_numpy(dtype=float, copy=True)
    values[~_open_mask(open_days(frame), keys.store_code, days)] = np.nan
    return Panel(keys=keys, days=days, values=values)


def prepare_product_days(frame: pd.DataFrame) -> pd.DataFrame:
    """rpt_product_performance's rows as the panel reads them: dates as dates, units as floats."""
    out = frame[["store_code", "sku", "category", "business_date", "units_sold"]].copy()
    out["business_date"] = _dates(out.business_date)
    out["units_sold"] = out.units_sold.astype(float)
    out["category"] = out.category.fillna("")
    return out


def _positions(keys: pd.DataFrame, lines: pd.DataFrame) -> np.ndarray:
    """Row of ``keys`` of each of ``lines`` (matched on store, sku or none, category)."""
    import pandas as pd

    index = pd.MultiIndex.from_frame(keys.fillna({"sku": ""}))
    return index.get_indexer(pd.MultiIndex.from_frame(
        lines[["store_code", "sku", "category"]].fillna({"sku": ""})))


def _open_mask(stores: pd.DataFrame, store_codes: pd.Series, days: list[date]) -> np.ndarray:
    """Series x days: True where the series' store was open."""
    table = (stores.pivot_table(index="store_code", columns="business_date", values="is_open",
                                aggfunc="max")
             .reindex(columns=days).reindex(store_codes.to_numpy()))
    return table.fillna(False).to_numpy(bool)


def _dates(column: pd.Series) -> pd.Series:
    import pandas as pd

    return pd.to_datetime(column).dt.date
