"""The forecast model: gradient-boosted trees (LightGBM) over the origin features, one model for
the expected units and two quantile models for the 80 % interval (10th and 90th percentile).

Training rows come from earlier origins of the same panel, every ``ORIGIN_STEP`` days, each
with the horizons whose target day lies before the forecast origin; at most
``MAX_TRAIN_ROWS`` of them, drawn with a fixed seed, so a re-run gives the same forecast.

The three models of an origin train at once in threads of this process (LightGBM lets go of
the GIL), each on one thread of its own: LightGBM's threads within one model wait for each other
every iteration, and on a host busy with other runs that made a backtest some 10x slower.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from store_pipeline.lib.forecast.features import HORIZON, MIN_HISTORY_DAYS, Calendar, origin_rows

if TYPE_CHECKING:
    import numpy as np

    from store_pipeline.lib.forecast.panel import Panel

ORIGIN_STEP = 2
MAX_TRAIN_ROWS = 150_000
SEED = 17
INTERVAL = (0.1, 0.9)
ROUNDS = 150
PARAMS: dict[str, Any] = {
    "learning_rate": 0.06, "num_leaves": 31, "min_data_in_leaf": 50, "max_bin": 63,
    "bagging_fraction": 0.8, "bagging_freq": 1, "feature_fraction": 0.9, "num_threads": 1,
    "seed": SEED, "deterministic": True, "verbosity": -1,
}
# The expected units and the interval's bounds: three models of one origin, trained at once.
OBJECTIVES = ({"objective": "poisson"},
              *({"objective": "quantile", "alpha": q} for q in INTERVAL))


@dataclass(frozen=True)
class Forecast:
    """Per series x horizon (horizon-major, as ``origin_rows``): expected units, the interval
    bounds, the seasonal-naive forecast and the actuals where known."""

    units: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    naive: np.ndarray
    actual: np.ndarray


def training_rows(panel: Panel, origin: int, calendar: Calendar,
                  horizon: int = HORIZON) -> tuple[np.ndarray, np.ndarray]:
    """Features and targets of the earlier origins whose target days are known at ``origin``."""
    import numpy as np

    features, targets = [], []
    for start in range(origin - 1, MIN_HISTORY_DAYS - 1, -ORIGIN_STEP):
        x, y, _ = origin_rows(panel, start, calendar, min(horizon, origin - start))
        known = ~np.isnan(y)
        features.append(x[known])
        targets.append(y[known])
    if not features:
        raise ValueError(f"fewer than {MIN_HISTORY_DAYS + 1} days of history to train on")
    x, y = np.vstack(features), np.concatenate(targets)
    if len(y) > MAX_TRAIN_ROWS:
        keep = np.sort(np.random.default_rng(SEED).choice(len(y), MAX_TRAIN_ROWS, replace=False))
        x, y = x[keep], y[keep]
    return x, y


def fit_predict(panel: Panel, origin: int, calendar: Calendar,
                horizon: int = HORIZON) -> Forecast:
    """Train on the panel's days before ``origin`` and forecast ``horizon`` days from it."""
    import numpy as np

    x_train, y_train = training_rows(panel, origin, calendar, horizon)
    x, actual, naive = origin_rows(panel, origin, calendar, horizon)
    with ThreadPoolExecutor(len(OBJECTIVES)) as pool:
        units, lower, upper = pool.map(lambda o: _fit(x_train, y_train, o).predict(x),
                                       OBJECTIVES)
    units = np.maximum(units, 0.0)
    lower = np.clip(lower, 0.0, units)
    upper = np.maximum(upper, units)
    return Forecast(units=units, lower=lower, upper=upper, naive=naive, actual=actual)


def _fit(x: np.ndarray, y: np.ndarray, objective: dict[str, Any]) -> Any:
    import lightgbm

    return lightgbm.train({**PARAMS, **objective}, lightgbm.Dataset(x, y),
                          num_boost_round=ROUNDS)
