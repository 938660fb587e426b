"""The store-day forecast the anomaly alerts judge a day by: per store, the median of the same
weekday over the ``WEEKS`` weeks before, with a robust interval of ``Z`` scaled median absolute
deviations either side (at least ``MIN_HALF_WIDTH`` of the median).

A store needs ``MIN_WEEKS`` open same weekdays in those weeks to get a forecast; days it was
closed (no transactions) are left out.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from store_pipeline.lib.forecast.panel import store_panel

if TYPE_CHECKING:
    import pandas as pd

WEEKS = 8
MIN_WEEKS = 4
Z = 3.0
MAD_SCALE = 1.4826  # a normal distribution's standard deviation per median absolute deviation
MIN_HALF_WIDTH = 0.15


def store_day_interval(stores_daily: pd.DataFrame, metric: str, day: date) -> pd.DataFrame:
    """(store_code, expected, lower, upper) of ``metric`` (a column of rpt_daily_sales) on
    ``day`` from the rows before it; stores with too little history are left out."""
    import numpy as np

    panel = store_panel(stores_daily, metric, day)
    if not panel.days:
        return panel.keys[["store_code"]].assign(expected=[], lower=[], upper=[])
    end = len(panel.days)
    columns = [end - 7 * k for k in range(1, WEEKS + 1) if end - 7 * k >= 0]
    history = panel.values[:, columns]
    enough = (~np.isnan(history)).sum(axis=1) >= MIN_WEEKS
    history = history[enough]
    expected = np.nanmedian(history, axis=1)
    spread = MAD_SCALE * np.nanmedian(np.abs(history - expected[:, None]), axis=1)
    half = np.maximum(Z * spread, MIN_HALF_WIDTH * expected)
    return panel.keys.loc[enough, ["store_code"]].reset_index(drop=True).assign(
        expected=expected, lower=np.maximum(expected - half, 0.0), upper=expected + half)
