"""Rolling-origin backtest: forecasts made at each of the last ``ORIGINS`` week starts of the
history, scored against what was sold, for the model and the weekly seasonal-naive forecast.

Each origin forecasts 14 days and is scored on those of its days that have actuals (the last
origin's second week lies after the history). WAPE = Σ|actual - forecast| / Σ actual.
MASE = Σ|actual - forecast| / Σ scale, where a row's scale is its series' mean absolute
week-over-week change (|y_t - y_(t-7)|) over the history before the origin. Rows whose
seasonal-naive value is unknown (the store was closed a week before) are left out for both.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from store_pipeline.lib.forecast.features import HORIZON, Calendar, target_days
from store_pipeline.lib.forecast.model import Forecast, fit_predict
from store_pipeline.lib.forecast.panel import Panel, build_panel

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

ORIGINS = 4
MIN_HISTORY_WEEKS = 8
ALL = "(all)"  # store_code and category of the overall row


def backtest_origins(first: date, last: date) -> list[date]:
    """The last ``ORIGINS`` origins a week apart, the last one a week before ``last`` + 1;
    none when the history has fewer than ``MIN_HISTORY_WEEKS`` weeks."""
    if (last - first).days + 1 < 7 * MIN_HISTORY_WEEKS:
        return []
    end = last + timedelta(days=1)
    return [end - timedelta(days=7 * k) for k in range(ORIGINS, 0, -1)]


Predict = Callable[[Panel, int, Calendar], Forecast]


def backtest_rows(product_days: pd.DataFrame, stores: pd.DataFrame, calendar: Calendar,
                  predict: Predict = fit_predict) -> pd.DataFrame:
    """One row per origin x series x target day with actuals: store_code, sku, category,
    origin, target_date, actual, forecast, lower, upper, naive, scale; ``predict`` is the
    model under test."""
    import numpy as np
    import pandas as pd

    last = stores.business_date.max()
    frames = []
    for origin in backtest_origins(stores.business_date.min(), last):
        panel = build_panel(product_days, stores, origin, until=last + timedelta(days=1))
        start = panel.day_index(origin)
        result = predict(panel, start, calendar)
        days = target_days(panel, start)
        frame = pd.concat([panel.keys] * HORIZON, ignore_index=True).assign(
            origin=origin, target_date=np.repeat(days, len(panel.keys)),
            actual=result.actual, forecast=result.units, lower=result.lower,
            upper=result.upper, naive=result.naive,
            scale=np.tile(_weekly_change(panel.values[:, :start]), HORIZON))
        frames.append(frame[frame.actual.notna() & frame.naive.notna()])
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def accuracy(rows: pd.DataFrame) -> pd.DataFrame:
    """WAPE and MASE per store x category and overall (store_code and category ``ALL``), for
    the model and the baseline, with the model's interval coverage."""
    import pandas as pd

    grouped = [_scores(rows, ["store_code", "category"]),
               _scores(rows.assign(store_code=ALL, category=ALL), ["store_code", "category"])]
    return pd.concat(grouped, ignore_index=True)


def overall(table: pd.DataFrame) -> dict[str, float]:
    """The overall figures of an ``accuracy`` table, by name."""
    row = table[(table.store_code == ALL) & (table.category == ALL)].iloc[0]
    return {name: float(row[name]) for name in
            ("wape", "wape_baseline", "mase", "mase_baseline", "coverage", "wape_gain")}


def _scores(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    import numpy as np

    frame = rows.assign(
        error=(rows.actual - rows.forecast).abs(), error_baseline=(rows.actual - rows.naive).abs(),
        inside=((rows.actual >= rows.lower) & (rows.actual <= rows.upper)).astype(float))
    sums = frame.groupby(by, as_index=False).agg(
        actual_units=("actual", "sum"), error=("error", "sum"),
        error_baseline=("error_baseline", "sum"), scale=("scale", "sum"),
        coverage=("inside", "mean"), rows=("actual", "size"))
    with np.errstate(invalid="ignore", divide="ignore"):
        actual = sums.actual_units.where(sums.actual_units > 0)
        scale = sums.scale.where(sums.scale > 0)
        sums["wape"] = sums.error / actual
        sums["wape_baseline"] = sums.error_baseline / actual
        sums["mase"] = sums.error / scale
        sums["mase_baseline"] = sums.error_baseline / scale
        sums["wape_gain"] = 1 - sums.wape / sums.wape_baseline
    return sums.drop(columns=["error", "error_baseline", "scale"])


def _weekly_change(history: np.ndarray) -> np.ndarray:
    """Each series' mean |y_t - y_(t-7)| over ``history`` (NaN days skipped)."""
    import numpy as np

    diffs = np.abs(history[:, 7:] - history[:, :-7])
    counts = (~np.isnan(diffs)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, np.nansum(diffs, axis=1) / np.maximum(counts, 1), np.nan)


def run_backtest(product_days: pd.DataFrame, stores: pd.DataFrame,
                 calendar: Calendar) -> tuple[pd.DataFrame, dict[str, float] | None, str]:
    """The accuracy table, its overall figures and a note saying what was scored; no figures
    when the history is shorter than ``MIN_HISTORY_WEEKS`` weeks."""
    days = stores.business_date.nunique()
    if not backtest_origins(stores.business_date.min(), stores.business_date.max()):
        return (accuracy_columns(), None,
                f"{days} days of history: a backtest needs {MIN_HISTORY_WEEKS} weeks")
    rows = backtest_rows(product_days, stores, calendar)
    table = accuracy(rows)
    origins = sorted(rows.origin.unique())
    note = (f"{len(origins)} origins ({origins[0]} to {origins[-1]}), 14 days each where sold "
            f"units are known; {len(rows)} series-days scored.")
    return table, overall(table), note


def accuracy_columns() -> pd.DataFrame:
    """An empty accuracy table."""
    import pandas as pd

    return pd.DataFrame(columns=["store_code", "category", "actual_units", "coverage", "rows",
                                 "wape", "wape_baseline", "mase", "mase_baseline", "wape_gain"])
