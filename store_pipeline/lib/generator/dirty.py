"""Dirty data: the faults of real POS backups, added to a simulated chain at known rates.

With ``GeneratorConfig(dirty=True)``, each business date's rows are spoiled after simulation
(candidate rows of each kind in brackets):

- orphan_lines: copies of lines under TransactionNumbers no transaction has (lines);
- unknown_items: lines whose ItemID is in no Item table (lines);
- unknown_cashiers: transactions and shifts whose CashierID is in no Cashier table
  (transactions; shifts);
- duplicate_rows: exact second copies of lines and tender entries (lines; tender entries);
- negative_stock: ItemDynamic rows with a negative Quantity (ItemDynamic rows);
- bad_clock_outs: shifts whose TimeOut is before their TimeIn (shifts);
- unbalanced_tenders: one tender entry of a paid transaction off by 1 to 20 dollars (paid
  transactions);
- future_transactions: one paid transaction, with its lines and tenders, copied a year ahead
  under a new number into that day's snapshot and every later one (as a register clock running
  ahead leaves it in the POS), when the day has at least ``FUTURE_MIN_TRANSACTIONS``
  transactions; landing quarantines it under the newest backup.

Each kind but the last spoils ``max(1, round(dirty_rate * n))`` of its ``n`` candidates a day;
kinds sharing a table take distinct rows, and added rows copy untouched ones. Rows that are not
spoiled stay exactly as the clean simulation made them. ``MANIFEST_NAME`` in the outbox lists
every spoiled row.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from store_pipeline.lib.generator.columns import DAY, Columns, concat, row_count
from store_pipeline.lib.generator.config import GeneratorConfig
from store_pipeline.lib.generator.simulation import SimulatedDay

MANIFEST_NAME = "dirty_manifest.csv"
KINDS = ("orphan_lines", "unknown_items", "unknown_cashiers", "duplicate_rows",
         "negative_stock", "bad_clock_outs", "unbalanced_tenders", "future_transactions")
UNKNOWN_ID = 900_000  # ItemIDs and CashierIDs from here on are in no master table
ADDED_ID = 10**12  # IDs of added lines and tender entries, far above the POS's own
ADDED_NUMBER = 10**9  # TransactionNumbers of missing and future-dated transactions
FUTURE_SHIFT = 365 * DAY
FUTURE_MIN_TRANSACTIONS = 200
TENDER_ERROR_CENTS = (100, 2_000)
CLOCK_ERROR_SECONDS = (5 * 60, 4 * 3600)


def _take(table: Columns, rows: np.ndarray) -> Columns:
    return {name: values[rows] for name, values in table.items()}


def _replace(table: Columns, column: str, rows: np.ndarray, values: np.ndarray) -> Columns:
    """A copy of ``table`` whose ``column`` holds ``values`` at ``rows``."""
    changed = table[column].copy()
    changed[rows] = values
    return {**table, column: changed}


def _draw(rng: np.random.Generator, candidates: int | np.ndarray, count: int,
          groups: int = 1) -> list[np.ndarray]:
    """``groups`` disjoint random sets of ``count`` candidates (fewer when they run out)."""
    drawn = rng.permutation(candidates)
    return [np.sort(drawn[g * count:(g + 1) * count]) for g in range(groups)]


def _transaction_key(table: Columns) -> np.ndarray:
    """StoreID and TransactionNumber as one integer per row."""
    return (table["StoreID"].astype(np.int64) << 40) + table["TransactionNumber"]


def _unknown_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    return UNKNOWN_ID + rng.integers(0, 100_000, n)


class DirtyData:
    """Spoils a chain's simulated days at ``config.dirty_rate`` and records every row."""

    def __init__(self, config: GeneratorConfig) -> None:
        self._config = config
        self._records: list[pd.DataFrame] = []
        self._future: dict[date, dict[str, Columns]] = {}
        self._carried: dict[str, Columns] = {}  # the future-dated rows rung so far
        self._last = {"ID": ADDED_ID, "TransactionNumber": ADDED_NUMBER}

    def spoil(self, day: SimulatedDay) -> SimulatedDay:
        """The day with its dirty rows; days before the first snapshot stay clean."""
        if day.day < self._config.first_date:
            return day
        rng = np.random.default_rng([self._config.seed, 2, day.day.toordinal()])
        self._future[day.day] = self._future_transactions(rng, day)
        rows = dict(day.rows)
        rows["TransactionEntry"] = self._spoil_lines(rng, day.day, rows["TransactionEntry"])
        rows["TenderEntry"] = self._spoil_tenders(rng, day.day, rows["TenderEntry"])
        rows["Transaction"] = self._spoil_sales(rng, day.day, rows["Transaction"])
        rows["TimeClock"] = self._spoil_shifts(rng, day.day, rows["TimeClock"])
        return SimulatedDay(day.day, rows, self._spoil_stock(rng, day.day, day.item_dynamic),
                            day.open_orders)

    def add_future_transactions(self, business_date: date,
                                tables: dict[str, Columns]) -> dict[str, Columns]:
        """The snapshot's tables with every future-dated transaction rung up to its business
        date: the POS keeps them, so each later backup holds them too."""
        today = self._future.pop(business_date)
        self._carried = {name: concat([self._carried[name], rows]) if name in self._carried
                         else rows for name, rows in today.items()}
        return {**tables, **{name: concat([tables[name], rows])
                             for name, rows in self._carried.items()}}

    def manifest(self) -> pd.DataFrame:
        """One row per spoiled row: kind, business_date, pos_table, store_id, row_key (ID;
        TransactionNumber in Transaction, ItemID in ItemDynamic) and transaction_number."""
        frame = pd.concat(self._records, ignore_index=True)
        frame["transaction_number"] = frame["transaction_number"].astype("Int64")
        return frame

    def _count(self, candidates: int) -> int:
        return min(candidates, max(1, round(self._config.dirty_rate * candidates)))

    def _new(self, column: str, n: int) -> np.ndarray:
        """The next ``n`` added IDs or TransactionNumbers."""
        first = self._last[column] + 1
        self._last[column] += n
        return np.arange(first, first + n, dtype=np.int64)

    def _record(self, kind: str, day: date, pos_table: str, rows: Columns, key: str) -> None:
        number = rows.get("TransactionNumber", np.full(row_count(rows), None))
        self._records.append(pd.DataFrame({
            "kind": kind, "business_date": day, "pos_table": pos_table,
            "store_id": rows["StoreID"], "row_key": rows[key], "transaction_number": number,
        }))

    def _spoil_lines(self, rng: np.random.Generator, day: date, lines: Columns) -> Columns:
        n = row_count(lines)
        unknown, orphan, copied = _draw(rng, n, self._count(n), groups=3)
        spoiled = _replace(lines, "ItemID", unknown, _unknown_ids(rng, unknown.size))
        orphans = {**_take(lines, orphan), "ID": self._new("ID", orphan.size),
                   "TransactionNumber": self._new("TransactionNumber", orphan.size)}
        copies = _take(lines, copied)
        self._record("unknown_items", day, "TransactionEntry", _take(spoiled, unknown), "ID")
        self._record("orphan_lines", day, "TransactionEntry", orphans, "ID")
        self._record("duplicate_rows", day, "TransactionEntry", copies, "ID")
        return concat([spoiled, orphans, copies])

    def _spoil_tenders(self, rng: np.random.Generator, day: date, tenders: Columns) -> Columns:
        n = row_count(tenders)
        first_of_each = np.unique(_transaction_key(tenders), return_index=True)[1]
        (off,) = _draw(rng, first_of_each, self._count(first_of_each.size))
        (copied,) = _draw(rng, np.setdiff1d(np.arange(n), off), self._count(n))
        error = (rng.integers(*TENDER_ERROR_CENTS, off.size, endpoint=True)
                 * rng.choice([-1, 1], off.size))
        spoiled = _replace(tenders, "Amount", off, tenders["Amount"][off] + error)
        copies = _take(tenders, copied)
        self._record("unbalanced_tenders", day, "TenderEntry", _take(spoiled, off), "ID")
        self._record("duplicate_rows", day, "TenderEntry", copies, "ID")
        return concat([spoiled, copies])

    def _spoil_sales(self, rng: np.random.Generator, day: date, sales: Columns) -> Columns:
        n = row_count(sales)
        (unknown,) = _draw(rng, n, self._count(n))
        spoiled = _replace(sales, "CashierID", unknown, _unknown_ids(rng, unknown.size))
        self._record("unknown_cashiers", day, "Transaction", _take(spoiled, unknown),
                     "TransactionNumber")
        return spoiled

    def _spoil_shifts(self, rng: np.random.Generator, day: date, shifts: Columns) -> Columns:
        n = row_count(shifts)
        unknown, backwards = _draw(rng, n, self._count(n), groups=2)
        spoiled = _replace(shifts, "CashierID", unknown, _unknown_ids(rng, unknown.size))
        early = shifts["TimeIn"][backwards] - rng.integers(*CLOCK_ERROR_SECONDS, backwards.size)
        spoiled = _replace(spoiled, "TimeOut", backwards, early)
        self._record("unknown_cashiers", day, "TimeClock", _take(spoiled, unknown), "ID")
        self._record("bad_clock_outs", day, "TimeClock", _take(spoiled, backwards), "ID")
        return spoiled

    def _spoil_stock(self, rng: np.random.Generator, day: date, stock: Columns) -> Columns:
        n = row_count(stock)
        (negative,) = _draw(rng, n, self._count(n))
        spoiled = _replace(stock, "Quantity", negative, -rng.integers(1, 6, negative.size))
        self._record("negative_stock", day, "ItemDynamic", _take(spoiled, negative), "ItemID")
        return spoiled

    def _future_transactions(self, rng: np.random.Generator,
                             day: SimulatedDay) -> dict[str, Columns]:
        sales = day.rows["Transaction"]
        count = min(1, row_count(sales) // FUTURE_MIN_TRANSACTIONS)
        (picked,) = _draw(rng, np.flatnonzero(sales["Voided"] == 0), count)
        numbers = self._new("TransactionNumber", picked.size)
        header = {**_take(sales, picked), "TransactionNumber": numbers,
                  "Time": sales["Time"][picked] + FUTURE_SHIFT}
        self._record("future_transactions", day.day, "Transaction", header, "TransactionNumber")
        keys = _transaction_key(sales)[picked]
        lines = self._renumbered(day.rows["TransactionEntry"], keys, numbers)
        lines["TransactionTime"] = lines["TransactionTime"] + FUTURE_SHIFT
        return {"Transaction": header, "TransactionEntry": lines,
                "TenderEntry": self._renumbered(day.rows["TenderEntry"], keys, numbers)}

    def _renumbered(self, table: Columns, keys: np.ndarray, numbers: np.ndarray) -> Columns:
        """Copies of the rows of the transactions ``keys``, under new IDs and ``numbers``."""
        row_keys = _transaction_key(table)
        rows = np.flatnonzero(np.isin(row_keys, keys))
        order = np.argsort(keys)
        which = order[np.searchsorted(keys[order], row_keys[rows])]
        return {**_take(table, rows), "ID": self._new("ID", rows.size),
                "TransactionNumber": numbers[which]}


def write_manifest(outbox: Path, dirt: DirtyData | None) -> None:
    """Write the manifest of a dirty chain beside its snapshots; a clean chain removes it."""
    path = outbox / MANIFEST_NAME
    if dirt is None:
        path.unlink(missing_ok=True)
        return
    part = path.with_name(path.name + ".part")
    dirt.manifest().to_csv(part, index=False)
    os.replace(part, path)


def read_manifest(outbox: Path) -> pd.DataFrame:
    """The manifest ``write_manifest`` wrote, business dates as dates."""
    frame = pd.read_csv(outbox / MANIFEST_NAME, dtype={"transaction_number": "Int64"})
    frame["business_date"] = pd.to_datetime(frame["business_date"]).dt.date
    return frame
