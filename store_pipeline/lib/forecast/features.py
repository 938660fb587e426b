"""Features of a forecast made at an origin, for each series and horizon (a direct model: one
row per series x target day, every feature known at the origin).

Recent level (means of the last 7 and 28 open days), the same weekday's mean over the last four
weeks and its last value (the seasonal-naive forecast), the store's weekday profile, the
share of days without a sale, and the target day's calendar from dim_date: ISO weekday, NRF
4-5-4 period and week, holiday and days to the next holiday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from store_pipeline.lib.forecast.panel import Panel

HORIZON = 14
MIN_HISTORY_DAYS = 14  # an origin needs this many days before it
WEEKS_BACK = 4
CALENDAR_COLUMNS = ("day_of_week", "retail_period", "retail_week", "is_holiday",
                    "days_to_holiday")
FEATURES = ("horizon", "level_7", "level_28", "weekday_mean", "last_weekday",
            "store_weekday_factor", "zero_share_28", "is_category", *CALENDAR_COLUMNS)


@dataclass(frozen=True)
class Calendar:
    """dim_date's columns the model reads, one row per day from ``first``."""

    first: date
    values: np.ndarray  # days x CALENDAR_COLUMNS

    def rows(self, days: np.ndarray) -> np.ndarray:
        """Calendar rows of day offsets ``days`` counted from ``first``."""
        return self.values[days]


def calendar_from_dim_date(dim_date: pd.DataFrame) -> Calendar:
    """The calendar of dim_date's rows (date_day, day_of_week, retail_period, retail_week,
    is_holiday); days to the next holiday are capped at 28."""
    import numpy as np
    import pandas as pd

    frame = dim_date.assign(date_day=pd.to_datetime(dim_date.date_day).dt.date)
    frame = frame.sort_values("date_day").reset_index(drop=True)
    holiday = frame.is_holiday.astype(int).to_numpy()
    upcoming = np.full(len(frame), 28.0)
    next_seen = None
    for k in range(len(frame) - 1, -1, -1):
        if holiday[k]:
            next_seen = k
        if next_seen is not None:
            upcoming[k] = min(28, next_seen - k)
    values = np.column_stack([
        frame.day_of_week.astype(float), frame.retail_period.astype(float),
        frame.retail_week.astype(float), holiday.astype(float), upcoming])
    return Calendar(first=frame.date_day.iloc[0], values=values)


def origin_rows(panel: Panel, origin: int, calendar: Calendar,
                horizon: int = HORIZON) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, targets (NaN where unknown or closed) and the seasonal-naive forecast of
    every series x horizon for a forecast whose first target day is ``panel.days[origin]``
    (``origin`` may be ``len(panel.days)``: the future)."""
    import numpy as np

    values = panel.values
    n = values.shape[0]
    store = panel.store_totals()
    level_7 = _mean(values[:, max(0, origin - 7):origin])
    level_28 = _mean(values[:, max(0, origin - 28):origin])
    store_level = _mean(store[:, max(0, origin - 28):origin])
    past = values[:, max(0, origin - 28):origin]
    zero_share = np.where(np.isnan(past), np.nan, past == 0).astype(float)
    zero_share = _mean(zero_share)
    is_category = panel.keys.sku.isna().to_numpy(float)
    offset = (panel.days[0] - calendar.first).days
    blocks, targets, naive = [], [], []
    for h in range(1, horizon + 1):
        target = origin + h - 1
        weeks = -(-h // 7)
        lags = [target - 7 * k for k in range(weeks, weeks + WEEKS_BACK) if target - 7 * k >= 0]
        weekday_mean = _mean(values[:, lags]) if lags else np.full(n, np.nan)
        store_weekday = _mean(store[:, lags]) if lags else np.full(n, np.nan)
        last = values[:, lags[0]] if lags else np.full(n, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            factor = store_weekday / store_level
        cal = np.broadcast_to(calendar.rows(np.array([offset + target])), (n, 5))
        blocks.append(np.column_stack([
            np.full(n, h, float), level_7, level_28, weekday_mean, last, factor, zero_share,
            is_category, cal]))
        targets.append(values[:, target] if target < values.shape[1] else np.full(n, np.nan))
        naive.append(last)
    return np.vstack(blocks), np.concatenate(targets), np.concatenate(naive)


def target_days(panel: Panel, origin: int, horizon: int = HORIZON) -> list[date]:
    """The target day of each horizon from ``origin``."""
    first = panel.days[0]
    return [first + timedelta(days=origin + h) for h in range(horizon)]


def _mean(block: np.ndarray) -> np.ndarray:
    """Row means ignoring NaN; NaN for a row without any value (no warning)."""
    import numpy as np

    counts = (~np.isnan(block)).sum(axis=1)
    sums = np.nansum(block, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
