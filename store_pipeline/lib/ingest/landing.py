"""Restore embedded POS snapshots: ATTACH each read-only and land it in raw_pos.

Backup D replaces each date of its retention window whose rows differ from what raw_pos holds
(a fingerprint per date), unless a newer backup already landed that date, and lands D's master
and inventory state; ``raw_pos.landed_dates`` records where each date came from. A batch of
backups lands in one transaction, so a failed landing leaves raw_pos exactly as it was.
"""

from __future__ import annotations

import queue
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from store_pipeline.lib.ingest.landing_plan import (
    DEFAULT_RETENTION_DAYS,
    ROWS_PART,
    STATE_PART,
    Candidate,
    LedgerRow,
    actual_window,
    date_owners,
    fingerprints,
    ledger_from,
    nominal_window,
    rows_to_replace,
)
from store_pipeline.lib.pos_schema import POS_TABLES, TRANSACTIONS, PosTable
from store_pipeline.lib.sql_names import quoted
from store_pipeline.lib.threads import map_in_order

RAW_SCHEMA = "raw_pos"
LEDGER = f"{RAW_SCHEMA}.landed_dates"
_ALIAS = "pos_snapshot"
_DATED = tuple(t for t in POS_TABLES if not t.is_snapshot)
_STATE = tuple(t for t in POS_TABLES if t.has_state)


class RestoreError(RuntimeError):
    """A snapshot that cannot be landed: the message names the file and what is wrong."""


@dataclass(frozen=True)
class LandedDate:
    """What landing backup D did: rows per raw table now held for D, the dates whose rows or
    state it replaced, and D's transactions dated after D (quarantined under D)."""

    business_date: date
    rows: dict[str, int]
    changed: tuple[date, ...] = ()
    future_transactions: int = 0


@dataclass
class _Backup:
    """One attached backup of a batch."""

    path: Path
    day: date
    alias: str
    window: tuple[date, date] = (date.min, date.min)
    rows: list[Candidate] = field(default_factory=list)


def raw_table(table: PosTable) -> str:
    """Qualified raw-layer table name."""
    return f"{RAW_SCHEMA}.{quoted(table.raw_name)}"


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create schema raw_pos, every raw table (POS columns plus business_date) and the ledger
    of landed dates (seeded from raw_pos's transactions when it is new); add the columns a raw
    table created by an older release lacks (NULL on the dates it landed)."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
    present = set(con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = ?", [RAW_SCHEMA]).fetchall())
    for table in POS_TABLES:
        cols = ", ".join(f"{quoted(c)} {t}" for c, t in table.columns)
        con.execute(f"CREATE TABLE IF NOT EXISTS {raw_table(table)} ({cols}, business_date DATE)")
        if any(table.raw_name == name for name, _ in present):
            for column, sql_type in table.columns:
                if (table.raw_name, column) not in present:
                    con.execute(f"ALTER TABLE {raw_table(table)} ADD COLUMN {quoted(column)} "
                                f"{sql_type}")
    if not _table_exists(con, "landed_dates"):
        con.execute(f"""CREATE TABLE {LEDGER} (business_date DATE NOT NULL,
            part VARCHAR NOT NULL, backup VARCHAR, backup_date DATE, fingerprint VARCHAR,
            changed_at TIMESTAMP)""")
        con.execute(f"""INSERT INTO {LEDGER} (business_date, part, backup, changed_at)
            SELECT DISTINCT business_date, '{STATE_PART}', 'landed before the ledger', now()
            FROM {raw_table(TRANSACTIONS)}""")


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = ? AND table_name = ?", [RAW_SCHEMA, name]).fetchone()[0])


def _attach(con: duckdb.DuckDBPyConnection, snapshot: Path, alias: str) -> None:
    if not snapshot.is_file():
        raise RestoreError(f"{snapshot}: no such backup file")
    try:
        con.execute(f"ATTACH '{snapshot.as_posix()}' AS {alias} (READ_ONLY)")
    except duckdb.Error as error:
        raise RestoreError(
            f"{snapshot.name} is not a readable DuckDB POS snapshot: {error}"
        ) from error


def schema_problems(found: Iterable[tuple[str, str]]) -> list[str]:
    """What the (table, column) pairs of a backup's ``dbo`` lack against POS_TABLES."""
    columns: dict[str, set[str]] = {}
    for table_name, column_name in found:
        columns.setdefault(table_name.lower(), set()).add(column_name.lower())
    problems = []
    for table in POS_TABLES:
        present = columns.get(table.name.lower())
        if present is None:
            problems.append(f"table dbo.{table.name} is missing")
            continue
        missing = [c for c in table.column_names if c.lower() not in present]
        if missing:
            problems.append(f"dbo.{table.name} lacks column(s) {', '.join(missing)}")
    return problems


def require_business_date(label: str, newest: date | None, business_date: date,
                          retention_days: int = DEFAULT_RETENTION_DAYS) -> None:
    """A backup with transactions must have some in its retention window: its newest busy day
    (>= 1 % of its transactions) at or before ``business_date`` must be inside the window. A
    newest busy day before ``business_date`` is a closed day, not an error."""
    if newest is None:
        return
    start, end = nominal_window(business_date, retention_days)
    if not start <= newest <= end:
        raise RestoreError(
            f"{label} covers business date {newest}, not {business_date}: "
            f"it has no busy day in its retention window {start}..{end}"
        )


def backup_window(label: str, business_date: date, retention_days: int,
                  days: tuple[date | None, date | None, date | None]) -> tuple[date, date]:
    """The window a backup lands, from its (earliest, newest busy at or before its date,
    latest) transaction dates; a RestoreError when it holds no busy day of its window."""
    earliest, busy, latest = days
    require_business_date(label, busy if busy is not None else latest, business_date,
                          retention_days)
    return actual_window(business_date, retention_days, earliest)


def _check_schema(con: duckdb.DuckDBPyConnection, snapshot: Path, alias: str) -> None:
    found = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = ? AND schema_name = 'dbo'", [alias]
    ).fetchall()
    problems = schema_problems(found)
    if problems:
        raise RestoreError(f"{snapshot.name} does not match the POS schema: {'; '.join(problems)}")


def _inspect(con: duckdb.DuckDBPyConnection, backup: _Backup, retention_days: int) -> None:
    """Check the backup's dates and set its actual window."""
    day = _date_literal(backup.day)
    earliest, busy, latest = con.execute(
        f"""WITH days AS (
              SELECT CAST("Time" AS DATE) AS d, count(*) AS n
              FROM {backup.alias}.dbo."Transaction" GROUP BY CAST("Time" AS DATE))
            SELECT min(d), max(CASE WHEN d <= {day}
                                    AND n >= 0.01 * (SELECT sum(n) FROM days) THEN d END),
                   max(d)
            FROM days"""
    ).fetchone()
    backup.window = backup_window(backup.path.name, backup.day, retention_days,
                                  (earliest, busy, latest))


def _date_literal(day: date) -> str:
    return f"DATE '{day.isoformat()}'"


def part_condition(table: PosTable, part: str, quote=quoted, prefix: str = "") -> str | None:
    """Which rows of a table with ``state_rows`` belong to ``part`` (None: all of them)."""
    if table.state_rows is None:
        return None
    condition = table.state_condition(quote, prefix)
    return condition if part == STATE_PART else f"NOT {condition}"


def _dated_rows(table: PosTable, backup: _Backup, part: str = ROWS_PART) -> str:
    """The backup's rows of ``table`` in ``part`` with the date each lands under: its own
    date, or the backup's date for rows dated after it (a wrong clock), where the quarantine
    models catch them instead of losing them; the backup's date for its state."""
    src = ", ".join(f"s.{quoted(c)}" for c in table.column_names)
    day = _date_literal(backup.day)
    source = f"{backup.alias}.dbo.{quoted(table.name)} s"
    condition = part_condition(table, part, prefix="s.")
    if table.is_snapshot or part == STATE_PART:
        where = f" WHERE {condition}" if condition else ""
        return f"SELECT {src}, {day} AS business_date FROM {source}{where}"
    if table.date_column:
        dated, join = f"CAST(s.{quoted(table.date_column)} AS DATE)", ""
    else:  # TenderEntry: dated through its transaction
        dated = "t.d"
        join = (f' JOIN (SELECT "StoreID", "TransactionNumber", min(CAST("Time" AS DATE)) AS d '
                f'FROM {backup.alias}.dbo."Transaction" GROUP BY ALL) t '
                f'ON t."StoreID" = s."StoreID" AND t."TransactionNumber" = s."TransactionNumber"')
    where = f" WHERE {condition}" if condition else ""
    return (f"SELECT {src}, CASE WHEN {dated} >= {day} THEN {day} ELSE {dated} END "
            f"AS business_date FROM {source}{join}{where}")


def _days_in(days: Iterable[date]) -> str:
    return ", ".join(_date_literal(d) for d in sorted(set(days)))


def _fingerprints(con: duckdb.DuckDBPyConnection, tables: Sequence[PosTable], backup: _Backup,
                  days: Sequence[date], part: str = ROWS_PART) -> dict[date, str]:
    """A fingerprint per date of ``days`` over the backup's rows of ``tables`` in ``part``."""
    sums = []
    for table in tables:
        cols = ", ".join(quoted(c) for c in table.column_names)
        sums += [(table.raw_name, *found) for found in con.execute(
            f"SELECT business_date, count(*), sum(hash({cols})) "
            f"FROM ({_dated_rows(table, backup, part)}) "
            f"WHERE business_date IN ({_days_in(days)}) "
            "GROUP BY business_date").fetchall()]
    return fingerprints(days, sums)


def _state_fingerprint(con: duckdb.DuckDBPyConnection, backup: _Backup) -> str:
    return _fingerprints(con, _STATE, backup, [backup.day], STATE_PART)[backup.day]


def _read_ledger(con: duckdb.DuckDBPyConnection, days: Iterable[date]) -> dict[date, LedgerRow]:
    wanted = _days_in(days)
    if not wanted:
        return {}
    return ledger_from(con.execute(
        f"SELECT business_date, part, backup, backup_date, fingerprint FROM {LEDGER} "
        f"WHERE business_date IN ({wanted})").fetchall())


def _write_ledger(con: duckdb.DuckDBPyConnection, part: str, landed: Sequence[Candidate],
                  changed: set[date]) -> None:
    """Record ``landed`` as the source of their dates' ``part``; ``changed_at`` moves for the
    ``changed`` dates (and new ones)."""
    if not landed:
        return
    days = _days_in(c.business_date for c in landed)
    held = dict(con.execute(f"SELECT business_date, changed_at FROM {LEDGER} "
                            f"WHERE part = ? AND business_date IN ({days})", [part]).fetchall())
    con.execute(f"DELETE FROM {LEDGER} WHERE part = ? AND business_date IN ({days})", [part])
    now = datetime.now()
    con.executemany(
        f"INSERT INTO {LEDGER} VALUES (?, ?, ?, ?, ?, ?)",
        [(c.business_date, part, c.backup, c.backup_date, c.fingerprint,
          now if c.business_date in changed else held.get(c.business_date, now))
         for c in landed])


def _replace(con: duckdb.DuckDBPyConnection, tables: Sequence[PosTable],
             sources: Mapping[str, tuple[_Backup, list[date]]], part: str) -> None:
    """Replace ``part`` of the dates of each source (backup name -> (backup, dates)) in
    ``tables``."""
    days = [d for _, dates in sources.values() for d in dates]
    if not days:
        return
    for table in tables:
        cols = ", ".join(quoted(c) for c in table.column_names)
        condition = part_condition(table, part)
        only = f" AND {condition}" if condition else ""
        con.execute(f"DELETE FROM {raw_table(table)} "
                    f"WHERE business_date IN ({_days_in(days)}){only}")
        con.execute(
            f"INSERT INTO {raw_table(table)} ({cols}, business_date) " + " UNION ALL ".join(
                f"SELECT * FROM ({_dated_rows(table, backup, part)}) "
                f"WHERE business_date IN ({_days_in(dates)})"
                for backup, dates in sources.values() if dates))


def _sources(candidates: Sequence[Candidate],
             backups: Mapping[str, _Backup]) -> dict[str, tuple[_Backup, list[date]]]:
    found: dict[str, tuple[_Backup, list[date]]] = {}
    for candidate in candidates:
        backup = backups[candidate.backup]
        found.setdefault(backup.path.name, (backup, []))[1].append(candidate.business_date)
    return found


def land_snapshot(con: duckdb.DuckDBPyConnection, snapshot: Path, business_date: date,
                  retention_days: int = DEFAULT_RETENTION_DAYS,
                  first_date: date | None = None) -> LandedDate:
    """Validate ``snapshot`` and land it as the backup of ``business_date``."""
    [landed] = land_snapshots(con, [(snapshot, business_date)], retention_days=retention_days,
                              first_date=first_date)
    return landed


def land_snapshots(con: duckdb.DuckDBPyConnection, snapshots: Sequence[tuple[Path, date]],
                   per_transaction: int = 1, workers: int = 1,
                   retention_days: int = DEFAULT_RETENTION_DAYS,
                   first_date: date | None = None) -> Iterator[LandedDate]:
    """Land each (snapshot, business date), ``per_transaction`` backups per transaction; no
    date before ``first_date`` (the chain's first business date) is landed.

    Each date covered by the run's backups is landed by the transaction holding the newest
    backup that covers it, so transactions write disjoint dates. With ``workers`` > 1, that
    many transactions run at once, each on its own cursor. Results are yielded in order, each
    once its transaction has committed. A failure rolls back its own transaction and is raised
    after the results before it; transactions already started finish and no other starts.
    """
    snapshots = sorted(snapshots, key=lambda item: item[1])
    owners = {day: owner for day, owner in date_owners(_survey(con, snapshots, retention_days))
              .items() if first_date is None or day >= first_date}
    batches = [snapshots[first:first + per_transaction]
               for first in range(0, len(snapshots), per_transaction)]

    def plan(batch: Sequence[tuple[Path, date]]) -> dict[date, date]:
        mine = {day for _, day in batch}
        return {d: owner for d, owner in owners.items() if owner in mine}

    if workers <= 1 or len(batches) <= 1:
        for batch in batches:
            yield from _land_batch(con, batch, plan(batch), _ALIAS, retention_days)
        return
    create_raw_tables(con)  # once, before transactions that would each create them
    cursors: queue.SimpleQueue = queue.SimpleQueue()
    for number in range(workers):
        cursors.put((con.cursor(), f"{_ALIAS}_{number}"))

    def land(batch: Sequence[tuple[Path, date]]) -> list[LandedDate]:
        cursor, alias = cursors.get()
        try:
            return _land_batch(cursor, batch, plan(batch), alias, retention_days)
        finally:
            cursors.put((cursor, alias))

    try:
        for landed in map_in_order(land, batches, workers, name="landing"):
            yield from landed
    finally:
        while not cursors.empty():
            cursors.get()[0].close()


def _survey(con: duckdb.DuckDBPyConnection, snapshots: Sequence[tuple[Path, date]],
            retention_days: int) -> dict[date, tuple[date, date]]:
    """The window of each backup that can be landed; one that cannot is left out here and
    fails when its own transaction lands it, after the transactions before it."""
    windows = {}
    for path, day in snapshots:
        backup = _Backup(path, day, f"{_ALIAS}_survey")
        try:
            _attach(con, path, backup.alias)
            _check_schema(con, path, backup.alias)
            _inspect(con, backup, retention_days)
            windows[day] = backup.window
        except RestoreError:
            continue
        finally:
            con.execute(f"DETACH DATABASE IF EXISTS {backup.alias}")
    return windows


def _candidates(con: duckdb.DuckDBPyConnection, backups: Sequence[_Backup],
                owned: Mapping[date, date]) -> list[Candidate]:
    """The rows of each owned date (date -> the backup date that owns it) from its owner."""
    by_day = {b.day: b for b in backups}
    chosen: dict[date, list[date]] = {}
    for day, owner in owned.items():
        chosen.setdefault(owner, []).append(day)
    found = []
    for owner, days in chosen.items():
        backup = by_day[owner]
        prints = _fingerprints(con, _DATED, backup, days)
        found += [Candidate(d, backup.path.name, backup.day, prints[d]) for d in sorted(days)]
    return found


def _land_batch(con: duckdb.DuckDBPyConnection, batch: Sequence[tuple[Path, date]],
                owned: Mapping[date, date], alias: str,
                retention_days: int) -> list[LandedDate]:
    """Land ``batch`` in one transaction: the rows of the ``owned`` dates, each backup's state."""
    backups = [_Backup(path, day, f"{alias}_{n}") for n, (path, day) in enumerate(batch)]
    con.execute("BEGIN TRANSACTION")
    try:
        create_raw_tables(con)
        for backup in backups:
            _attach(con, backup.path, backup.alias)
            _check_schema(con, backup.path, backup.alias)
            _inspect(con, backup, retention_days)
        by_name = {b.path.name: b for b in backups}
        rows = _candidates(con, backups, owned)
        states = [Candidate(b.day, b.path.name, b.day, _state_fingerprint(con, b))
                  for b in backups]
        ledger = _read_ledger(con, [c.business_date for c in rows + states])
        changed_rows, confirmed = rows_to_replace(rows, ledger)
        changed_states = [s for s in states if (held := ledger.get(s.business_date)) is None
                          or held.state_fingerprint != s.fingerprint]
        _replace(con, _DATED, _sources(changed_rows, by_name), ROWS_PART)
        _replace(con, _STATE, _sources(changed_states, by_name), STATE_PART)
        changed = changed_rows + changed_states
        _write_ledger(con, ROWS_PART, changed_rows + confirmed,
                      {c.business_date for c in changed_rows})
        _write_ledger(con, STATE_PART, states, {c.business_date for c in changed_states})
        results = [_result(con, b, {c.business_date for c in changed if c.backup == b.path.name})
                   for b in backups]
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for backup in backups:
            con.execute(f"DETACH DATABASE IF EXISTS {backup.alias}")
    return results


def _result(con: duckdb.DuckDBPyConnection, backup: _Backup, changed: set[date]) -> LandedDate:
    """What raw_pos holds for the backup's date, with the dates the backup changed."""
    day = _date_literal(backup.day)
    rows = {t.raw_name: con.execute(f"SELECT count(*) FROM {raw_table(t)} "
                                    f"WHERE business_date = {day}").fetchone()[0]
            for t in POS_TABLES}
    future = con.execute(f'SELECT count(*) FROM {raw_table(TRANSACTIONS)} WHERE business_date '
                         f'= {day} AND CAST("Time" AS DATE) > {day}').fetchone()[0]
    return LandedDate(backup.day, rows, tuple(sorted(changed)), future)


def landed_dates(con: duckdb.DuckDBPyConnection, start: date, end: date) -> set[date]:
    """Business dates from ``start`` to ``end`` whose own backup has landed, with or without
    sales (a closed day is landed; a date no backup of its own has reached is not)."""
    if not _table_exists(con, "landed_dates"):
        return set()
    rows = con.execute(
        f"SELECT business_date FROM {LEDGER} WHERE part = '{STATE_PART}' "
        "AND business_date BETWEEN ? AND ?", [start, end]
    ).fetchall()
    return {row[0] for row in rows}


def sale_lines(con: duckdb.DuckDBPyConnection, start: date, end: date) -> int:
    """Transaction lines landed from ``start`` to ``end``."""
    if not _table_exists(con, "transaction_entry"):
        return 0
    return con.execute(f"SELECT count(*) FROM {RAW_SCHEMA}.transaction_entry "
                       "WHERE business_date BETWEEN ? AND ?", [start, end]).fetchone()[0]


def ledger_rows(con: duckdb.DuckDBPyConnection, days: Iterable[date]) -> dict[date, LedgerRow]:
    """The ledger rows of ``days`` (dates raw_pos holds something for)."""
    return _read_ledger(con, days) if _table_exists(con, "landed_dates") else {}


def dates_between(start: date, end: date) -> list[date]:
    """Every date from start to end inclusive."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def describe_dates(days: Iterable[date]) -> str:
    """Dates as text, consecutive ones folded: ``2026-07-01..2026-07-05, 2026-07-09``."""
    runs: list[list[date]] = []
    for day in sorted(days):
        if runs and day - runs[-1][-1] == timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(r[0].isoformat() if len(r) == 1 else f"{r[0]}..{r[-1]}" for r in runs)
