"""Restore an embedded POS snapshot: ATTACH it read-only and land one business date in raw_pos.

Landing is delete-then-insert by business date inside one transaction, so re-landing a date
changes nothing and a failed landing leaves raw_pos exactly as it was.
"""

from __future__ import annotations

import queue
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from store_pipeline.pos_schema import POS_TABLES, TRANSACTIONS, PosTable
from store_pipeline.threads import map_in_order

RAW_SCHEMA = "raw_pos"
_ALIAS = "pos_snapshot"


class RestoreError(RuntimeError):
    """A snapshot that cannot be landed: the message names the file and what is wrong."""


@dataclass(frozen=True)
class LandedDate:
    """Rows landed per raw table for one business date."""

    business_date: date
    rows: dict[str, int]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def raw_table(table: PosTable) -> str:
    """Qualified raw-layer table name."""
    return f"{RAW_SCHEMA}.{_q(table.raw_name)}"


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create schema raw_pos and every raw table (POS columns plus business_date)."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
    for table in POS_TABLES:
        cols = ", ".join(f"{_q(c)} {t}" for c, t in table.columns)
        con.execute(f"CREATE TABLE IF NOT EXISTS {raw_table(table)} ({cols}, business_date DATE)")


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


def require_business_date(label: str, newest: date | None, business_date: date) -> None:
    """The backup's newest busy day (>= 1 % of its transactions) must be ``business_date``."""
    if newest is not None and newest != business_date:
        raise RestoreError(
            f"{label} covers business date {newest}, not {business_date}: "
            "its newest transactions are from another day"
        )


def _check_schema(con: duckdb.DuckDBPyConnection, snapshot: Path, alias: str) -> None:
    found = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = ? AND schema_name = 'dbo'", [alias]
    ).fetchall()
    problems = schema_problems(found)
    if problems:
        raise RestoreError(f"{snapshot.name} does not match the POS schema: {'; '.join(problems)}")


def _check_covers(con: duckdb.DuckDBPyConnection, snapshot: Path, alias: str,
                  business_date: date) -> None:
    """The snapshot's newest busy day must be the business date its name promises."""
    newest = con.execute(
        f"""SELECT max(d) FROM (
              SELECT CAST("Time" AS DATE) AS d, count(*) AS n
              FROM {alias}.dbo."Transaction" GROUP BY CAST("Time" AS DATE)
            ) WHERE n >= 0.01 * (SELECT count(*) FROM {alias}.dbo."Transaction")"""
    ).fetchone()[0]
    require_business_date(snapshot.name, newest, business_date)


def _date_literal(day: date) -> str:
    return f"DATE '{day.isoformat()}'"


def _date_filter(table: PosTable, alias: str, business_date: date) -> str:
    """Rows of D, and rows dated after D (a wrong clock): those land under D, where the
    quarantine models catch them instead of losing them."""
    day = _date_literal(business_date)
    if table.date_column:
        return f"CAST(s.{_q(table.date_column)} AS DATE) >= {day}"
    if table.is_snapshot:
        return "TRUE"
    # TenderEntry: dated through its transaction.
    return (
        f'EXISTS (SELECT 1 FROM {alias}.dbo."Transaction" t WHERE t."StoreID" = s."StoreID" '
        f'AND t."TransactionNumber" = s."TransactionNumber" AND CAST(t."Time" AS DATE) >= {day})'
    )


def _land_table(con: duckdb.DuckDBPyConnection, table: PosTable,
                attached: Sequence[tuple[str, date]]) -> dict[date, int]:
    """Replace the attached snapshots' dates in ``table`` with one INSERT; rows per date."""
    cols = ", ".join(_q(c) for c in table.column_names)
    src = ", ".join(f"s.{_q(c)}" for c in table.column_names)
    days = ", ".join(_date_literal(day) for _, day in attached)
    con.execute(f"DELETE FROM {raw_table(table)} WHERE business_date IN ({days})")
    con.execute(
        f"INSERT INTO {raw_table(table)} ({cols}, business_date) " + " UNION ALL ".join(
            f"SELECT {src}, {_date_literal(day)} FROM {alias}.dbo.{_q(table.name)} s "
            f"WHERE {_date_filter(table, alias, day)}"
            for alias, day in attached
        )
    )
    counts = dict(con.execute(
        f"SELECT business_date, count(*) FROM {raw_table(table)} "
        f"WHERE business_date IN ({days}) GROUP BY business_date"
    ).fetchall())
    return {day: counts.get(day, 0) for _, day in attached}


def land_snapshot(con: duckdb.DuckDBPyConnection, snapshot: Path,
                  business_date: date) -> LandedDate:
    """Validate ``snapshot`` and land its rows for ``business_date`` in one transaction."""
    [landed] = land_snapshots(con, [(snapshot, business_date)])
    return landed


def land_snapshots(con: duckdb.DuckDBPyConnection, snapshots: Sequence[tuple[Path, date]],
                   per_transaction: int = 1, workers: int = 1) -> Iterator[LandedDate]:
    """Land each (snapshot, business date), ``per_transaction`` dates per transaction.

    A transaction's snapshots are attached and validated together, then each raw table gets
    one INSERT for all of their dates. With ``workers`` > 1, that many transactions run at
    once, each on its own cursor (DuckDB lands one snapshot's small tables on one core).
    Dates are yielded in order, each once its transaction has committed. A failure rolls back
    its own transaction's dates and is raised after the dates before it; transactions already
    started finish and no other starts. Fewer, larger transactions land a long range faster.
    """
    batches = [snapshots[first:first + per_transaction]
               for first in range(0, len(snapshots), per_transaction)]
    if workers <= 1 or len(batches) <= 1:
        for batch in batches:
            yield from _land_batch(con, batch, _ALIAS)
        return
    create_raw_tables(con)  # once, before transactions that would each create them
    cursors: queue.SimpleQueue = queue.SimpleQueue()
    for number in range(workers):
        cursors.put((con.cursor(), f"{_ALIAS}_{number}"))

    def land(batch: Sequence[tuple[Path, date]]) -> list[LandedDate]:
        cursor, alias = cursors.get()
        try:
            return list(_land_batch(cursor, batch, alias))
        finally:
            cursors.put((cursor, alias))

    try:
        for landed in map_in_order(land, batches, workers, name="landing"):
            yield from landed
    finally:
        while not cursors.empty():
            cursors.get()[0].close()


def _land_batch(con: duckdb.DuckDBPyConnection, batch: Sequence[tuple[Path, date]],
                alias: str) -> Iterator[LandedDate]:
    """Land ``batch`` in one transaction, its snapshots attached as ``<alias>_<n>``."""
    aliases = [f"{alias}_{n}" for n in range(len(batch))]
    con.execute("BEGIN TRANSACTION")
    try:
        create_raw_tables(con)
        attached = []
        for name, (path, day) in zip(aliases, batch, strict=True):
            _attach(con, path, name)
            _check_schema(con, path, name)
            _check_covers(con, path, name, day)
            attached.append((name, day))
        rows = {t.raw_name: _land_table(con, t, attached) for t in POS_TABLES}
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in aliases:
            con.execute(f"DETACH DATABASE IF EXISTS {name}")
    yield from (LandedDate(day, {name: per_day[day] for name, per_day in rows.items()})
                for _, day in batch)


def landed_dates(con: duckdb.DuckDBPyConnection, start: date, end: date) -> set[date]:
    """Business dates from ``start`` to ``end`` with transactions in raw_pos."""
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
        [RAW_SCHEMA, TRANSACTIONS.raw_name],
    ).fetchone()[0]
    if not found:
        return set()
    rows = con.execute(
        f"SELECT DISTINCT business_date FROM {raw_table(TRANSACTIONS)} "
        "WHERE business_date BETWEEN ? AND ?", [start, end]
    ).fetchall()
    return {row[0] for row in rows}


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
