"""Stores, their registers, opening hours, tax rates and footfall."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from store_pipeline.lib.generator.columns import DAY, NULL, Columns, midnight
from store_pipeline.lib.generator.reference import REGIONS, STORE_SUFFIXES, City
from store_pipeline.lib.generator.sampling import ranks_in_runs

LATEST_CLOSE = 23 * 60  # minutes; staff leave before midnight


@dataclass(frozen=True)
class Stores:
    """The chain's stores as arrays indexed by store position (StoreID - 1)."""

    store: Columns
    register: Columns
    registers: np.ndarray  # registers per store
    first_register: np.ndarray  # RegisterID of each store's register 1
    opens: np.ndarray  # (stores, 7) opening minute of day by weekday, Monday first
    closes: np.ndarray  # (stores, 7) closing minute of day by weekday
    tax_rate: np.ndarray
    traffic: np.ndarray  # relative footfall, mean 1
    zip_prefix: tuple[str, ...]

    @property
    def count(self) -> int:
        return self.registers.size

    def batches(self, rng: np.random.Generator, weekday: int, day0: int,
                numbers: np.ndarray) -> Columns:
        """One batch per register for the day starting at ``day0``, opened shortly before the
        store opens and closed after it closes; ``numbers`` are the BatchNumbers."""
        store = self.register["StoreID"] - 1
        size = store.size
        return {"StoreID": store + 1, "BatchNumber": numbers, "RegisterID": self.register["ID"],
                "OpeningTime": day0 + self.opens[store, weekday] * 60
                - rng.integers(5 * 60, 20 * 60, size),
                "ClosingTime": day0 + self.closes[store, weekday] * 60
                + rng.integers(5 * 60, 25 * 60, size)}


def _weekly_hours(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Opening and closing minutes by weekday: longer Fri/Sat evenings, a short Sunday."""
    opens = rng.choice([7 * 60, 8 * 60, 9 * 60], size=n, p=[0.25, 0.5, 0.25])
    closes = rng.choice([20 * 60, 21 * 60, 22 * 60], size=n, p=[0.3, 0.45, 0.25])
    open_shift = np.array([0, 0, 0, 0, 0, 0, 120])
    close_shift = np.array([0, 0, 0, 0, 60, 60, -120])
    weekly_opens = opens[:, None] + open_shift
    weekly_closes = np.minimum(closes[:, None] + close_shift, LATEST_CLOSE)
    return weekly_opens, weekly_closes


def _place(position: int) -> tuple[str, City]:
    """Region and city of the store at ``position``: regions take turns, then their cities."""
    regions = list(REGIONS)
    region = regions[position % len(regions)]
    cities = REGIONS[region]
    return region, cities[(position // len(regions)) % len(cities)]


def build_stores(rng: np.random.Generator, n: int, first_day: date) -> Stores:
    """``n`` stores spread round-robin over the regions' cities (named city + suffix)."""
    places = [_place(s) for s in range(n)]
    n_cities = sum(len(c) for c in REGIONS.values())
    names = [f"{city.name} {STORE_SUFFIXES[(s + s // n_cities) % len(STORE_SUFFIXES)]}"
             for s, (_, city) in enumerate(places)]
    square_feet = (rng.uniform(8_000, 40_000, n) // 500 * 500).astype(np.int64)
    traffic = (square_feet / square_feet.mean()) ** 0.6 * rng.lognormal(0.0, 0.2, n)
    registers = np.clip(np.rint(square_feet / 7_000) + 1, 2, 8).astype(np.int64)
    first_register = np.cumsum(registers) - registers + 1
    opened = midnight(first_day) - rng.integers(365, 15 * 365, n) * DAY
    opens, closes = _weekly_hours(rng, n)
    ids = np.arange(1, n + 1)
    store = {
        "ID": ids,
        "StoreCode": np.array([f"S{i:03d}" for i in ids], dtype=object),
        "Name": np.array(names, dtype=object),
        "Region": np.array([region for region, _ in places], dtype=object),
        "City": np.array([city.name for _, city in places], dtype=object),
        "StateProvince": np.array([city.state for _, city in places], dtype=object),
        "TimeZone": np.array([city.timezone for _, city in places], dtype=object),
        "OpenDate": opened,
        "CloseDate": np.full(n, NULL),
        "SquareFeet": square_feet,
    }
    register_store = np.repeat(ids, registers)
    numbers = ranks_in_runs(register_store) + 1
    register = {
        "ID": np.arange(1, numbers.size + 1),
        "StoreID": register_store,
        "Number": numbers,
        "Description": np.array([f"Lane {k}" for k in numbers], dtype=object),
    }
    return Stores(store, register, registers, first_register, opens, closes,
                  np.array([city.tax_rate for _, city in places]), traffic / traffic.mean(),
                  tuple(city.zip_prefix for _, city in places))
