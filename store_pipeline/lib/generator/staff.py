"""Store staff: the roster with positions and rates, the day's shifts, who rings up a sale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from store_pipeline.lib.generator.columns import DAY, NULL, Columns, midnight
from store_pipeline.lib.generator.reference import FIRST_NAMES, LAST_NAMES, POSITIONS
from store_pipeline.lib.generator.sampling import RowSampler, ranks_in_runs
from store_pipeline.lib.generator.stores import Stores

POSITION_NAMES = tuple(POSITIONS)  # Manager, Supervisor, Cashier, Stock Associate
LEAD, TILL, STOCK = 0, 1, 2  # staffing pools
POOL_OF_POSITION = np.array([LEAD, LEAD, TILL, STOCK])
OPEN, CLOSE, MID, EARLY = 0, 1, 2, 3  # shift kinds
MID_SHIFT_SHARE = 0.75  # chance a planned mid shift is worked
LEAD_TILL_WEIGHT = 0.3  # leads ring up sales less often than cashiers

# per shift kind: (clock-in anchor, minutes after it low/high, clock-out anchor, low/high);
# anchors are 0 = opening, 1 = midday, 2 = closing, 3 = the shift's own clock-in
_TIMES = np.array([
    (0, -45, -15, 1, 15, 75),
    (1, -75, -15, 2, 10, 40),
    (0, 150, 240, 3, 330, 480),
    (0, -120, -90, 3, 360, 510),
])
_LATEST_OUT = 40 * 60  # seconds after closing


@dataclass(frozen=True)
class Shifts:
    """One day's shifts (times in seconds of the day), sorted by store and clock-in."""

    store: np.ndarray
    cashier: np.ndarray
    time_in: np.ndarray
    time_out: np.ndarray
    breaks: np.ndarray
    till_weight: np.ndarray  # 0 for shifts that never ring up sales

    def rows(self, day0: int, ids: np.ndarray) -> Columns:
        """TimeClock rows for the day starting at epoch second ``day0``."""
        return {"StoreID": self.store + 1, "ID": ids, "CashierID": self.cashier,
                "TimeIn": day0 + self.time_in, "TimeOut": day0 + self.time_out,
                "BreakMinutes": self.breaks}

    def _till_table(self, n_stores: int) -> tuple[np.ndarray, ...]:
        """Till-capable shifts as (stores, most per store) matrices: clock-in, clock-out,
        weight and CashierID; padding never clocks in and weighs 0."""
        till = np.flatnonzero(self.till_weight > 0)
        at = (self.store[till], ranks_in_runs(self.store[till]))
        shape = (n_stores, int(at[1].max()) + 1)
        clock_in = np.full(shape, DAY + 1)
        clock_out = np.zeros(shape, dtype=np.int64)
        weight = np.zeros(shape)
        who = np.zeros(shape, dtype=np.int64)
        clock_in[at], clock_out[at] = self.time_in[till], self.time_out[till]
        weight[at], who[at] = self.till_weight[till], self.cashier[till]
        return clock_in, clock_out, weight, who

    def pick(self, rng: np.random.Generator, n_stores: int, store: np.ndarray,
             secs: np.ndarray) -> np.ndarray:
        """For each sale (store, second of day), a till-capable person clocked in then.

        Clock-ins and clock-outs cut each store's day into spans with a fixed crew; a sale
        draws from the crew of its span, weighted by role."""
        clock_in, clock_out, weight, who = self._till_table(n_stores)
        events = np.concatenate([self.store * DAY + self.time_in, self.store * DAY + self.time_out])
        span_start = np.unique(events[np.tile(self.till_weight > 0, 2)])
        span_store, span_time = span_start // DAY, span_start[:, None] % DAY
        on = (clock_in[span_store] <= span_time) & (span_time < clock_out[span_store])
        crew = np.where(on, weight[span_store], 0.0)
        crew[crew.sum(axis=1) == 0] = 1.0  # spans after closing: no sale falls in them
        span = np.searchsorted(span_start, store * DAY + secs, side="right") - 1
        return who[store, RowSampler.from_weights(crew).draw(rng, span)]


@dataclass(frozen=True)
class Staff:
    """The roster and the daily staffing plan (slots filled by a pool's ranked members)."""

    cashier: Columns
    active_ids: np.ndarray  # active CashierIDs sorted by (store, pool)
    active_group: np.ndarray  # store * 3 + pool of each, same order
    group_start: np.ndarray  # first index in active_ids of each store * 3 + pool
    slots: np.ndarray  # (n, 4): store, pool, rank in pool, shift kind

    def work_day(self, rng: np.random.Generator, stores: Stores, weekday: int) -> Shifts:
        """Who works which shift today, clock-in/out times and breaks."""
        order = np.lexsort((rng.random(self.active_ids.size), self.active_group))
        slots = self.slots[rng.random(len(self.slots))
                           < np.where(self.slots[:, 3] == MID, MID_SHIFT_SHARE, 1.0)]
        store, pool, rank, kind = slots.T
        who = self.active_ids[order[self.group_start[store * 3 + pool] + rank]]
        opens, closes = stores.opens[store, weekday] * 60, stores.closes[store, weekday] * 60
        anchors = np.stack([opens, (opens + closes) // 2, closes])
        plan = _TIMES[kind].T
        rows = np.arange(kind.size)
        time_in = anchors[plan[0], rows] + rng.integers(plan[1] * 60, plan[2] * 60)
        anchors = np.vstack([anchors, time_in])
        time_out = anchors[plan[3], rows] + rng.integers(plan[4] * 60, plan[5] * 60)
        time_out = np.minimum(time_out, closes + _LATEST_OUT)
        long_shift = time_out - time_in >= 6 * 3600
        breaks = np.where(long_shift, rng.choice([0, 30, 60], kind.size, p=[0.1, 0.65, 0.25]), 0)
        weight = np.select([pool == TILL, pool == LEAD], [1.0, LEAD_TILL_WEIGHT], 0.0)
        by_time = np.lexsort((time_in, store))
        return Shifts(store[by_time], who[by_time], time_in[by_time], time_out[by_time],
                      breaks[by_time], weight[by_time])


def _slots(registers: np.ndarray) -> np.ndarray:
    """Daily plan per store: two leads, openers/closers/mid cashiers by registers, one stocker."""
    rows = []
    for s, reg in enumerate(registers.tolist()):
        openers = closers = (reg + 1) // 2
        rows += [(s, LEAD, 0, OPEN), (s, LEAD, 1, CLOSE), (s, STOCK, 0, EARLY)]
        rows += [(s, TILL, r, OPEN) for r in range(openers)]
        rows += [(s, TILL, openers + r, CLOSE) for r in range(closers)]
        rows += [(s, TILL, openers + closers + r, MID) for r in range(max(1, reg // 2))]
    return np.array(rows, dtype=np.int64)


def build_staff(rng: np.random.Generator, stores: Stores, first_day: date) -> Staff:
    """Per store one manager, 2-3 supervisors, 3 cashiers per register plus one, 2-3 stock
    associates, and a few former employees; enough people for every planned slot."""
    reg = stores.registers
    counts = np.stack([np.ones_like(reg), 2 + (reg >= 5), 3 * reg + 1, 2 + reg // 4,
                       rng.integers(0, 3, reg.size)], axis=1)
    position = np.tile([0, 1, 2, 3, 2], reg.size).repeat(counts.ravel())
    former = np.tile([0, 0, 0, 0, 1], reg.size).repeat(counts.ravel()).astype(bool)
    store = np.repeat(np.arange(reg.size), counts.sum(axis=1))
    n = store.size
    ids = np.arange(1, n + 1)
    low, high = np.array(list(POSITIONS.values())).T
    rate = (rng.uniform(low[position], high[position]) // 25 * 25).astype(np.int64)
    hired = midnight(first_day) - rng.integers(30, 3000, n) * DAY
    left = hired + (rng.random(n) * (midnight(first_day) - hired) // DAY).astype(np.int64) * DAY
    first = rng.integers(0, len(FIRST_NAMES), n)
    last = rng.integers(0, len(LAST_NAMES), n)
    cashier = {
        "ID": ids,
        "StoreID": store + 1,
        "Number": np.array([str(1000 * (s + 1) + k + 1) for s, k in
                            zip(store, ranks_in_runs(store), strict=True)], dtype=object),
        "Name": np.array([f"{FIRST_NAMES[f]} {LAST_NAMES[la]}"
                          for f, la in zip(first, last, strict=True)], dtype=object),
        "Position": np.array(POSITION_NAMES, dtype=object)[position],
        "HourlyRate": rate,
        "HireDate": hired,
        "TerminationDate": np.where(former, left, NULL),
        "Inactive": former.astype(np.int64),
    }
    group = store * 3 + POOL_OF_POSITION[position]
    order = np.flatnonzero(~former)[np.argsort(group[~former], kind="stable")]
    return Staff(cashier, ids[order], group[order],
                 np.searchsorted(group[order], np.arange(reg.size * 3)), _slots(reg))
