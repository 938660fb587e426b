"""Forecast accuracy and fit time: the backtest of the demand forecast on a built warehouse.

    .venv/bin/python benchmarks/forecast_accuracy.py WAREHOUSE [--no-statsforecast]

Runs the rolling-origin backtest (store_pipeline.lib.forecast.backtest) over the warehouse's marts
for the LightGBM model and, unless ``--no-statsforecast``, for statsforecast's AutoETS (weekly
season) on the same series and origins; both are scored against the weekly seasonal-naive
forecast. Prints the overall accuracy table, WAPE per store, and each model's fit time per
1,000 series, also as a ratio to ``import dagster, dagster_dbt`` timed in a fresh interpreter in
the same run (machines differ 2-3x); the last line is the same figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import timedelta

from common import DAGSTER_IMPORT, import_seconds

from store_pipeline.defs.resources.warehouse import DuckDBWarehouse
from store_pipeline.lib.forecast.backtest import (
    ALL,
    accuracy,
    backtest_origins,
    backtest_rows,
)
from store_pipeline.lib.forecast.demand import read_history
from store_pipeline.lib.forecast.features import HORIZON, origin_rows
from store_pipeline.lib.forecast.model import Forecast, fit_predict


def autoets(panel, origin, calendar) -> Forecast:
    """statsforecast's AutoETS (season 7) per series, with its 80 % interval."""
    import numpy as np
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    _, actual, naive = origin_rows(panel, origin, calendar)
    history = np.nan_to_num(panel.values[:, :origin])
    frame = pd.DataFrame({
        "unique_id": np.repeat(np.arange(history.shape[0]), history.shape[1]),
        "ds": np.tile(pd.to_datetime(panel.days[:origin]), history.shape[0]),
        "y": history.ravel()})
    model = StatsForecast(models=[AutoETS(season_length=7)], freq="D", n_jobs=1)
    out = model.forecast(df=frame, h=HORIZON, level=[80]).sort_values(["ds", "unique_id"])
    units = np.maximum(out["AutoETS"].to_numpy(), 0)
    return Forecast(units=units, lower=np.clip(out["AutoETS-lo-80"].to_numpy(), 0, units),
                    upper=np.maximum(out["AutoETS-hi-80"].to_numpy(), units), naive=naive,
                    actual=actual)


def measure(history, predict) -> tuple[dict, float, int]:
    """Accuracy table, fit seconds (the whole backtest) and series fitted over its origins."""
    series = []

    def counted(panel, origin, calendar):
        series.append(len(panel.keys))
        return predict(panel, origin, calendar)

    started = time.perf_counter()
    rows = backtest_rows(history.product_days, history.stores, history.calendar, counted)
    return accuracy(rows), time.perf_counter() - started, sum(series)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse")
    parser.add_argument("--no-statsforecast", action="store_true")
    args = parser.parse_args()
    warehouse = DuckDBWarehouse(path=args.warehouse)
    with warehouse.connect(read_only=True) as con:
        first, last = con.execute(
            "SELECT min(business_date), max(business_date) FROM marts.rpt_daily_sales").fetchone()
    if not backtest_origins(first, last):
        sys.exit(f"{first}..{last}: a backtest needs at least 8 weeks")
    with warehouse.reader() as fetch:
        history = read_history(fetch, last + timedelta(days=1), (last - first).days + 1)
    [reference] = import_seconds(DAGSTER_IMPORT, 1)
    models = {"lightgbm": fit_predict}
    if not args.no_statsforecast:
        models["statsforecast_autoets"] = autoets
    report = {"history": f"{first}..{last}", "import_dagster_dbt_s": round(reference, 3)}
    print(f"history {first}..{last}; import dagster, dagster_dbt: {reference:.2f} s")
    print(f"{'model':24} {'WAPE':>7} {'WAPE sn':>8} {'gain':>6} {'MASE':>6} {'MASE sn':>8} "
          f"{'cover':>6} {'s/1000 series':>14} {'x import':>9}")
    for name, predict in models.items():
        table, seconds, series = measure(history, predict)
        row = table[(table.store_code == ALL) & (table.category == ALL)].iloc[0]
        per_1000 = 1000 * seconds / series
        print(f"{name:24} {row.wape:7.3f} {row.wape_baseline:8.3f} {row.wape_gain:6.1%} "
              f"{row.mase:6.3f} {row.mase_baseline:8.3f} {row.coverage:6.1%} {per_1000:14.2f} "
              f"{per_1000 / reference:9.2f}")
        stores = table[table.store_code != ALL].groupby("store_code")[
            ["actual_units", "wape", "wape_baseline"]].apply(
            lambda g: (g.wape * g.actual_units).sum() / g.actual_units.sum())
        report[name] = {
            "wape": round(row.wape, 4), "wape_baseline": round(row.wape_baseline, 4),
            "wape_gain": round(row.wape_gain, 4), "mase": round(row.mase, 4),
            "mase_baseline": round(row.mase_baseline, 4), "coverage": round(row.coverage, 4),
            "series_fitted": series, "fit_s": round(seconds, 2),
            "fit_s_per_1000_series": round(per_1000, 3),
            "fit_per_1000_series_vs_import": round(per_1000 / reference, 3),
            "wape_per_store": {k: round(v, 4) for k, v in stores.items()}}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
