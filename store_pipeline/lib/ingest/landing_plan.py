"""Which backup is each business date's truth, and which dates a landing changes.

A backup of date D holds the transactional rows of its retention window (D - retention + 1 .. D)
and the master and inventory state of D. The newest backup that covers a date is that date's
truth. These rules are the same for every warehouse; the SQL that applies them is not.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

DEFAULT_RETENTION_DAYS = 7
# The ledger's two parts of a date: its transactional rows, and its master and inventory state.
ROWS_PART, STATE_PART = "rows", "state"


@dataclass(frozen=True)
class LedgerRow:
    """What raw_pos holds for one business date: where its rows and its state came from."""

    business_date: date
    rows_backup: str | None = None
    rows_backup_date: date | None = None
    rows_fingerprint: str | None = None
    state_backup: str | None = None
    state_fingerprint: str | None = None

    @property
    def landed(self) -> bool:
        """The date's own backup has landed (its state is known), whether or not it had sales."""
        return self.state_backup is not None


def nominal_window(backup_date: date, retention_days: int) -> tuple[date, date]:
    """The dates a backup of ``backup_date`` covers when the POS keeps ``retention_days``."""
    return backup_date - timedelta(days=retention_days - 1), backup_date


def actual_window(backup_date: date, retention_days: int,
                  earliest: date | None) -> tuple[date, date]:
    """The nominal window, starting no earlier than the backup's earliest transaction (a POS
    installed recently, or one that keeps fewer days, must not erase history it never had)."""
    start, end = nominal_window(backup_date, retention_days)
    if earliest is None or earliest > end:
        return end, end
    return max(start, earliest), end


def date_owners(windows: Mapping[date, tuple[date, date]]) -> dict[date, date]:
    """Each date covered by the run's backups (backup date -> its window), with the newest
    backup whose window covers it."""
    owners: dict[date, date] = {}
    for backup_date in sorted(windows):
        start, end = windows[backup_date]
        day = start
        while day <= end:
            owners[day] = backup_date
            day += timedelta(days=1)
    return owners


def fingerprints(days: Iterable[date],
                 sums: Iterable[tuple[str, date, int, int]]) -> dict[date, str]:
    """A fingerprint per date of ``days`` from (table, date, row count, sum of row hashes)."""
    parts: dict[date, list[tuple[str, int, int]]] = {d: [] for d in days}
    for table, day, rows, total in sums:
        parts[day].append((table, rows, int(total)))
    return {day: fingerprint(found) for day, found in parts.items()}


def ledger_from(rows: Iterable[tuple]) -> dict[date, LedgerRow]:
    """Ledger rows (date, part, backup, backup date, fingerprint) as one LedgerRow a date."""
    parts: dict[date, dict[str, tuple]] = {}
    for day, part, *source in rows:
        parts.setdefault(day, {})[part] = tuple(source)
    empty = (None, None, None)
    return {day: LedgerRow(day, *found.get(ROWS_PART, empty), *found.get(STATE_PART, empty)[::2])
            for day, found in parts.items()}


def fingerprint(parts: Iterable[tuple[str, int, int]]) -> str:
    """A digest of (table, row count, sum of row hashes) triples, independent of their order."""
    text = ";".join(f"{table}:{rows}:{total}" for table, rows, total in sorted(parts))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Candidate:
    """A backup's rows for one date, about to be compared with what raw_pos holds."""

    business_date: date
    backup: str
    backup_date: date
    fingerprint: str


def rows_to_replace(candidates: Sequence[Candidate],
                    ledger: Mapping[date, LedgerRow]) -> tuple[list[Candidate], list[Candidate]]:
    """(candidates whose rows differ from raw_pos, candidates that only re-confirm them).

    A date landed from a newer backup than the candidate's is left alone: backups may land out
    of order, and the newest one that covers a date is its truth.
    """
    changed, confirmed = [], []
    for candidate in candidates:
        held = ledger.get(candidate.business_date)
        if held is not None and held.rows_backup_date is not None \
                and held.rows_backup_date > candidate.backup_date:
            continue
        if held is not None and held.rows_fingerprint == candidate.fingerprint:
            confirmed.append(candidate)
        else:
            changed.append(candidate)
    return changed, confirmed
