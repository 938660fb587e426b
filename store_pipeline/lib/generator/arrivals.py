"""How POS data arrives over time: a date's rows as its own backup sees them, before the next
backup brings the final state.

With ``GeneratorConfig(arrivals=True)`` (the default), at these rates:

- late_register: a store-day's register uploads its sales a day late with probability
  ``LATE_REGISTER_RATE``; its transactions, lines and tenders are missing from that day's own
  backup (and so is the register's batch) and present from the next one on;
- open_shift: the ``OPEN_SHIFT_SHARE`` of a day's shifts that clock out last (at least one) are
  still clocked in at backup time (TimeOut NULL in that day's backup);
- open_batch: the ``OPEN_BATCH_SHARE`` of a day's register batches that close last (at least
  one) are still open at backup time (ClosingTime and ClosingTotal NULL in that day's backup);
- next_day_void: the ``NEXT_DAY_VOID_SHARE`` of a day's voided transactions are voided the next
  morning (Voided = 0 in that day's backup);
- holiday_closure: every store is closed on the dates of ``GeneratorConfig.closed_dates`` (by
  default Thanksgiving and Christmas Day): no transactions, shifts or batches;
- reissued_backup: one backup (``GeneratorConfig.reissued_date``, by default the middle date) is
  first issued without its last store's rows and re-issued whole; the first issue is kept in
  ``REISSUED_FOLDER`` of the outbox.

``ARRIVALS_MANIFEST`` in the outbox lists each pattern's store-days, for tests to check that
every one converges to the final state after the following backup.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from store_pipeline.lib.generator.columns import NULL, Columns, row_count
from store_pipeline.lib.generator.simulation import SimulatedDay

ARRIVALS_MANIFEST = "arrivals_manifest.csv"
REISSUED_FOLDER = "reissued"
LATE_REGISTER_RATE = 0.03
OPEN_SHIFT_SHARE = 0.02
OPEN_BATCH_SHARE = 0.02
NEXT_DAY_VOID_SHARE = 0.3
_SALES = ("Transaction", "TransactionEntry", "TenderEntry")


def _without(table: Columns, drop: np.ndarray) -> Columns:
    return {name: values[~drop] for name, values in table.items()}


def _transaction_rows(table: Columns, sales: Columns, chosen: np.ndarray) -> np.ndarray:
    """Rows of ``table`` whose (StoreID, TransactionNumber) is a chosen transaction's."""
    keys = set(zip(sales["StoreID"][chosen].tolist(),
                   sales["TransactionNumber"][chosen].tolist(), strict=True))
    return np.fromiter(((s, n) in keys for s, n in zip(
        table["StoreID"].tolist(), table["TransactionNumber"].tolist(), strict=True)),
        dtype=bool, count=row_count(table))


def without_transactions(rows: dict[str, Columns], chosen: np.ndarray) -> dict[str, Columns]:
    """The day's rows less the chosen transactions (a boolean mask over Transaction) and their
    lines and tenders."""
    sales = rows["Transaction"]
    found = {name: _transaction_rows(rows[name], sales, chosen) for name in _SALES[1:]}
    return {**rows, "Transaction": _without(sales, chosen),
            **{name: _without(rows[name], mask) for name, mask in found.items()}}


def closed(day: SimulatedDay) -> SimulatedDay:
    """The day with every store closed: no transactional rows at all."""
    return replace(day, rows={name: {c: v[:0] for c, v in table.items()}
                              for name, table in day.rows.items()})


@dataclass
class Arrivals:
    """Makes each day's first-issue rows, and records what it held back."""

    seed: int
    records: list[dict] = field(default_factory=list)

    def first_issue(self, day: SimulatedDay) -> dict[str, Columns]:
        """``day``'s rows as its own backup holds them."""
        rng = np.random.default_rng([self.seed, 7, day.day.toordinal()])
        rows = self._late_registers(rng, day.day, day.rows)
        rows = self._open_shifts(day.day, rows)
        rows = self._open_batches(day.day, rows)
        return self._late_voids(rng, day.day, rows)

    def first_issue_of_reissued(self, day: date, tables: dict[str, Columns]) -> dict[str, Columns]:
        """A backup's first issue that lacks its last store's transactional rows."""
        store = int(tables["Store"]["ID"].max())
        issued = {}
        for name, table in tables.items():
            if "StoreID" in table and name in (*_SALES, "TimeClock", "Batch"):
                issued[name] = _without(table, (table["StoreID"] == store)
                                        & self._on(table, name, tables, day))
            else:
                issued[name] = table
        self._record("reissued_backup", day, store, "first issue without this store's rows")
        return issued

    @staticmethod
    def _on(table: Columns, name: str, tables: dict[str, Columns], day: date) -> np.ndarray:
        """Rows of ``table`` dated ``day`` (TenderEntry through its transaction)."""
        column = {"Transaction": "Time", "TransactionEntry": "TransactionTime",
                  "TimeClock": "TimeIn", "Batch": "OpeningTime"}.get(name)
        start = (day - date(1970, 1, 1)).days * 86_400
        if column is None:
            sales = tables["Transaction"]
            return _transaction_rows(table, sales, (sales["Time"] >= start)
                                     & (sales["Time"] < start + 86_400))
        return (table[column] >= start) & (table[column] < start + 86_400)

    def _late_registers(self, rng: np.random.Generator, day: date,
                        rows: dict[str, Columns]) -> dict[str, Columns]:
        sales = rows["Transaction"]
        stores = np.unique(sales["StoreID"])
        late = stores[rng.random(stores.size) < LATE_REGISTER_RATE]
        chosen = np.zeros(row_count(sales), dtype=bool)
        batches = rows["Batch"]
        held = np.zeros(row_count(batches), dtype=bool)
        for store in late.tolist():
            registers = np.unique(sales["RegisterID"][sales["StoreID"] == store])
            register = int(rng.choice(registers))
            chosen |= (sales["StoreID"] == store) & (sales["RegisterID"] == register)
            held |= batches["RegisterID"] == register
            self._record("late_register", day, store, f"register {register}")
        if not chosen.any():
            return rows
        return {**without_transactions(rows, chosen), "Batch": _without(batches, held)}

    def _open_shifts(self, day: date, rows: dict[str, Columns]) -> dict[str, Columns]:
        shifts = rows["TimeClock"]
        n = row_count(shifts)
        if not n:
            return rows
        count = max(1, round(OPEN_SHIFT_SHARE * n))
        last = np.argsort(shifts["TimeOut"], kind="stable")[-count:]
        time_out = shifts["TimeOut"].copy()
        time_out[last] = NULL
        for row in last.tolist():
            self._record("open_shift", day, int(shifts["StoreID"][row]),
                         f"time clock {int(shifts['ID'][row])}")
        return {**rows, "TimeClock": {**shifts, "TimeOut": time_out}}

    def _open_batches(self, day: date, rows: dict[str, Columns]) -> dict[str, Columns]:
        batches = rows["Batch"]
        n = row_count(batches)
        if not n:
            return rows
        last = np.argsort(batches["ClosingTime"], kind="stable")[-max(1, round(
            OPEN_BATCH_SHARE * n)):]
        still_open = {name: batches[name].copy() for name in ("ClosingTime", "ClosingTotal")}
        for values in still_open.values():
            values[last] = NULL
        for row in last.tolist():
            self._record("open_batch", day, int(batches["StoreID"][row]),
                         f"batch {int(batches['BatchNumber'][row])}")
        return {**rows, "Batch": {**batches, **still_open}}

    def _late_voids(self, rng: np.random.Generator, day: date,
                    rows: dict[str, Columns]) -> dict[str, Columns]:
        sales = rows["Transaction"]
        voided = np.flatnonzero(sales["Voided"] == 1)
        later = voided[rng.random(voided.size) < NEXT_DAY_VOID_SHARE]
        if not later.size:
            return rows
        flags = sales["Voided"].copy()
        flags[later] = 0
        for row in later.tolist():
            self._record("next_day_void", day, int(sales["StoreID"][row]),
                         f"transaction {int(sales['TransactionNumber'][row])}")
        return {**rows, "Transaction": {**sales, "Voided": flags}}

    def _record(self, pattern: str, day: date, store: int, detail: str) -> None:
        self.records.append({"pattern": pattern, "business_date": day.isoformat(),
                             "store_id": store, "detail": detail})


def write_arrivals_manifest(outbox: Path, arrivals: Arrivals | None,
                            closures: tuple[date, ...]) -> None:
    """The manifest of held-back rows and closures; a chain without arrivals removes it."""
    path = outbox / ARRIVALS_MANIFEST
    if arrivals is None:
        path.unlink(missing_ok=True)
        return
    records = arrivals.records + [{"pattern": "holiday_closure", "business_date": d.isoformat(),
                                   "store_id": 0, "detail": "every store closed"}
                                  for d in closures]
    frame = pd.DataFrame(records, columns=["pattern", "business_date", "store_id", "detail"])
    part = path.with_name(path.name + ".part")
    frame.sort_values(["business_date", "pattern", "store_id"], kind="stable").to_csv(
        part, index=False)
    os.replace(part, path)
