"""Demand: transactions per store and day (weekday, season), their times, basket sizes."""

from __future__ import annotations

from datetime import date

import numpy as np

from store_pipeline.lib.generator.columns import DAY
from store_pipeline.lib.generator.sampling import RowSampler
from store_pipeline.lib.generator.stores import Stores

WEEKDAY_FACTOR = np.array([0.88, 0.86, 0.90, 0.95, 1.08, 1.30, 1.03])  # Monday first
DAILY_NOISE = 0.08  # sigma of the lognormal day-to-day variation per store
HOLIDAY_DAYS, HOLIDAY_LIFT = 34, 0.3
LINE_P, MAX_LINES = 0.42, 25  # geometric lines per transaction: mean about 2.4
UNIT_P, MAX_UNITS = 0.8, 12  # geometric units per line: mean about 1.25
_HOURS = np.arange(1440) / 60.0


def season_factor(day: date) -> float:
    """A mild annual cycle (summer high) plus a ramp from 20 November to Christmas Eve."""
    factor = 1.0 + 0.06 * np.sin(2.0 * np.pi * (day.timetuple().tm_yday - 100) / 365.25)
    run_up = (day - date(day.year, 11, 20)).days
    if 0 <= run_up <= HOLIDAY_DAYS:
        factor += HOLIDAY_LIFT * run_up / HOLIDAY_DAYS
    return float(factor)


def transaction_counts(rng: np.random.Generator, stores: Stores, per_store_day: float,
                       day: date) -> np.ndarray:
    """Transactions per store for ``day``."""
    mean = (per_store_day * stores.traffic * WEEKDAY_FACTOR[day.weekday()] * season_factor(day)
            * rng.lognormal(0.0, DAILY_NOISE, stores.count))
    return rng.poisson(mean)


def _minute_weights(weekend: bool) -> np.ndarray:
    """Relative footfall per minute of the day: lunch and evening peaks, flatter at weekends."""
    if weekend:
        return (0.6 + 0.9 * np.exp(-(((_HOURS - 13.5) / 2.5) ** 2))
                + 0.5 * np.exp(-(((_HOURS - 17.0) / 1.5) ** 2)))
    return (0.45 + 1.0 * np.exp(-(((_HOURS - 12.4) / 1.1) ** 2))
            + 1.25 * np.exp(-(((_HOURS - 17.6) / 1.4) ** 2)))


def arrival_samplers(stores: Stores) -> tuple[RowSampler, ...]:
    """Per weekday (Monday first), a sampler of each store's transaction minute of the day."""
    minute = np.arange(1440)
    samplers = []
    for weekday in range(7):
        is_open = ((stores.opens[:, weekday, None] <= minute)
                   & (minute < stores.closes[:, weekday, None]))
        samplers.append(RowSampler.from_weights(is_open * _minute_weights(weekday >= 5)))
    return tuple(samplers)


def transaction_times(rng: np.random.Generator, arrivals: RowSampler,
                      counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Store position and second of the day of each transaction, sorted by store then time;
    ``arrivals`` is the day's sampler from ``arrival_samplers``."""
    store = np.repeat(np.arange(counts.size), counts)
    secs = arrivals.draw(rng, store) * 60 + rng.integers(0, 60, store.size)
    key = np.sort(store * DAY + secs)
    return key // DAY, key % DAY


def lines_per_transaction(rng: np.random.Generator, n: int) -> np.ndarray:
    """Basket sizes: skewed, mostly one to three lines."""
    return np.minimum(rng.geometric(LINE_P, n), MAX_LINES)


def units_per_line(rng: np.random.Generator, n: int) -> np.ndarray:
    """Units on a line: usually one."""
    return np.minimum(rng.geometric(UNIT_P, n), MAX_UNITS)


def expected_daily_units(stores: Stores, item_weights: np.ndarray,
                         per_store_day: float) -> np.ndarray:
    """Average units sold per day, per store x item, for the given demand weights."""
    share = item_weights / item_weights.sum(axis=1, keepdims=True)
    return per_store_day * stores.traffic[:, None] * share / LINE_P / UNIT_P
