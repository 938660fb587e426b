"""Restore a SQL Server POS backup and land one business date in raw_pos (the production path).

The backup replaces a scratch database (``RESTORE DATABASE ... WITH REPLACE, CHECKSUM``), is
checked against the POS schema and its retention window, and each date of the window whose rows
changed, with D's state, is replaced in ``[raw_pos].[<table>]`` inside one explicit transaction:
re-landing a backup changes nothing and a failure leaves raw_pos as it was. The rules of the
embedded ``landing.land_snapshots`` apply (``store_pipeline.lib.ingest.landing_plan``). Works on
any DB-API cursor of an autocommit pyodbc connection.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from store_pipeline.lib.ingest import tsql, tsql_landing
from store_pipeline.lib.ingest.landing import (
    LandedDate,
    RestoreError,
    backup_window,
    dates_between,
    schema_problems,
)
from store_pipeline.lib.ingest.landing_plan import (
    DEFAULT_RETENTION_DAYS,
    ROWS_PART,
    STATE_PART,
    Candidate,
    fingerprints,
    ledger_from,
    rows_to_replace,
)
from store_pipeline.lib.pos_schema import POS_TABLES, PosTable

DATED_TABLES = tuple(t for t in POS_TABLES if not t.is_snapshot)
STATE_TABLES = tuple(t for t in POS_TABLES if t.has_state)

Log = Callable[[str], None]

_ERROR_NUMBER = re.compile(r"\((\d{3,5})\)")
_HINTS = {
    3187: "the backup has no page checksums: have the POS take it WITH CHECKSUM",
    3201: "SQL Server cannot open the file: set STORE_PIPELINE_MSSQL_BACKUP_DIR to the landing "
          "folder as the SQL Server host sees it, readable by its service account",
    5133: "a MOVE target folder is missing on the server: set STORE_PIPELINE_MSSQL_DATA_DIR and "
          "STORE_PIPELINE_MSSQL_LOG_DIR to folders that exist there",
}


class Cursor(Protocol):
    """The part of a pyodbc cursor used here."""

    description: Any
    rowcount: int
    messages: Any

    def execute(self, sql: str, *params: object) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> Any: ...

    def nextset(self) -> Any: ...


@dataclass(frozen=True)
class RestoreTarget:
    """A backup and where it is restored, with paths as the SQL Server host sees them."""

    backup: str  # the .bak file on the server
    label: str  # the file name messages refer to
    database: str  # the scratch database the backup replaces
    data_dir: str | None = None  # MOVE targets; None: the instance's default folders
    log_dir: str | None = None


def describe_error(error: Exception) -> str:
    """A driver error as the server worded it, with a hint for the well-known ones."""
    text = tsql.clean_message(str(error.args[-1]) if error.args else str(error))
    hints = [_HINTS[n] for n in map(int, _ERROR_NUMBER.findall(text)) if n in _HINTS]
    return f"{text} ({hints[0]})" if hints else text


@contextmanager
def _step(target: RestoreTarget, what: str) -> Iterator[None]:
    """Turn a server error during ``what`` into a RestoreError naming the backup file."""
    try:
        yield
    except RestoreError:
        raise
    except Exception as error:
        raise RestoreError(f"{target.label}: {what} failed: {describe_error(error)}") from error


def server_messages(cursor: Cursor) -> Iterator[str]:
    """The informational messages of the statement just run, across all its result sets, as
    they arrive (RESTORE's STATS lines come one result set at a time)."""
    while True:
        for _, text in cursor.messages or ():
            yield tsql.clean_message(text)
        if not cursor.nextset():
            return


def _rows(cursor: Cursor, sql: str) -> list[dict[str, object]]:
    cursor.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _file_dirs(cursor: Cursor, target: RestoreTarget) -> tuple[str, str]:
    if target.data_dir and target.log_dir:
        return target.data_dir, target.log_dir
    data_dir, log_dir = cursor.execute(tsql.DEFAULT_PATHS_SQL).fetchone()
    data_dir, log_dir = target.data_dir or data_dir, target.log_dir or log_dir
    if not (data_dir and log_dir):
        raise RestoreError("the server reports no default data or log folder: set "
                           "STORE_PIPELINE_MSSQL_DATA_DIR and STORE_PIPELINE_MSSQL_LOG_DIR")
    return data_dir, log_dir


def restore(cursor: Cursor, target: RestoreTarget, log: Log) -> None:
    """Restore the backup over the scratch database, logging each STATS progress line."""
    with _step(target, f"restoring into {tsql.quote(target.database)}"):
        files = tsql.parse_filelist(_rows(cursor, tsql.filelist_sql(target.backup)))
        moves = tsql.move_targets(files, target.database, *_file_dirs(cursor, target))
        cursor.execute(tsql.free_database_sql(target.database))
        cursor.execute(tsql.restore_database_sql(target.database, target.backup, moves))
        for line in server_messages(cursor):
            if tsql.progress_percent(line) is not None:
                log(f"{target.label}: {line}")


def verify(cursor: Cursor, target: RestoreTarget, log: Log) -> None:
    """RESTORE VERIFYONLY: the backup is complete and its checksums hold."""
    with _step(target, "RESTORE VERIFYONLY"):
        cursor.execute(tsql.verify_backup_sql(target.backup))
        for line in server_messages(cursor):
            log(f"{target.label}: {line}")


def check_schema(cursor: Cursor, target: RestoreTarget) -> None:
    """Every POS table and column is in the restored database, else a RestoreError."""
    with _step(target, "reading the restored schema"):
        found = cursor.execute(tsql.source_columns_sql(target.database)).fetchall()
    problems = schema_problems((str(t), str(c)) for t, c in found)
    if problems:
        raise RestoreError(f"{target.label} does not match the POS schema: {'; '.join(problems)}")


def _window(cursor: Cursor, target: RestoreTarget, business_date: date,
            retention_days: int) -> tuple[date, date]:
    """The dates of the restore's retention window to land, else a RestoreError."""
    with _step(target, "reading the restored transaction dates"):
        found = cursor.execute(tsql_landing.window_sql(target.database), business_date).fetchone()
    return backup_window(target.label, business_date, retention_days,
                         tuple(_as_date(v) for v in found))


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _fingerprints(cursor: Cursor, target: RestoreTarget, tables: tuple[PosTable, ...],
                  business_date: date, days: list[date], part: str) -> dict[date, str]:
    sums = []
    for table in tables:
        statement = tsql_landing.fingerprint_statement(table, target.database, business_date,
                                                       days, part)
        sums += [(table.raw_name, _as_date(day), rows, total) for day, rows, total in
                 cursor.execute(statement.sql, *statement.params).fetchall()]
    return fingerprints(days, sums)


def _run(cursor: Cursor, statements) -> None:
    for statement in statements:
        cursor.execute(statement.sql, *statement.params)


def land_rows(cursor: Cursor, target: RestoreTarget, business_date: date,
              retention_days: int = DEFAULT_RETENTION_DAYS,
              first_date: date | None = None) -> LandedDate:
    """Land the restore as the backup of ``business_date``: each date of its window whose rows
    differ from raw_pos (unless a newer backup landed it) and its date's state, in one
    transaction, with the ledger of where each date came from."""
    start, end = _window(cursor, target, business_date, retention_days)
    days = dates_between(max(start, first_date or start), end)
    name = target.label
    with _step(target, "landing into raw_pos"):
        cursor.execute(tsql.ensure_raw_schema_sql())
        for table in POS_TABLES:
            cursor.execute(tsql.ensure_raw_table_sql(table))
        cursor.execute(tsql_landing.ensure_ledger_sql())
        prints = _fingerprints(cursor, target, DATED_TABLES, business_date, days,
                               ROWS_PART) if days else {}
        rows = [Candidate(d, name, business_date, prints[d]) for d in days]
        state = Candidate(business_date, name, business_date,
                          _fingerprints(cursor, target, STATE_TABLES, business_date,
                                        [business_date], STATE_PART)[business_date])
        read = tsql_landing.read_ledger_statement([*days, business_date])
        ledger = ledger_from((_as_date(r[0]), *r[1:3], _as_date(r[3]), r[4]) for r in
                             cursor.execute(read.sql, *read.params).fetchall())
        changed_rows, confirmed = rows_to_replace(rows, ledger)
        held_state = ledger.get(business_date)
        state_changed = held_state is None or held_state.state_fingerprint != state.fingerprint
        now = datetime.now()
        with tsql.explicit_transaction(cursor.execute):
            changed_days = [c.business_date for c in changed_rows]
            for table in DATED_TABLES if changed_days else ():
                _run(cursor, tsql_landing.replace_statements(
                    table, target.database, business_date, changed_days, ROWS_PART))
            for table in STATE_TABLES if state_changed else ():
                _run(cursor, tsql_landing.replace_statements(
                    table, target.database, business_date, [business_date], STATE_PART))
            _run(cursor, tsql_landing.write_ledger_statements(ROWS_PART, [
                (c.business_date, c.backup, c.backup_date, c.fingerprint, now)
                for c in changed_rows + confirmed]) if changed_rows or confirmed else [])
            _run(cursor, tsql_landing.write_ledger_statements(STATE_PART, [
                (business_date, name, business_date, state.fingerprint, now)]))
            counts = {}
            for table in POS_TABLES:
                statement = tsql_landing.count_statement(table, business_date)
                counts[table.raw_name] = cursor.execute(statement.sql,
                                                        *statement.params).fetchone()[0]
    changed = {c.business_date for c in changed_rows} | ({business_date} if state_changed
                                                         else set())
    return LandedDate(business_date, counts, tuple(sorted(changed)))


def land_backup(cursor: Cursor, target: RestoreTarget, business_date: date, log: Log,
                retention_days: int = DEFAULT_RETENTION_DAYS,
                first_date: date | None = None) -> LandedDate:
    """Restore, validate and land the backup of ``business_date``; raw_pos changes only if
    all of it lands."""
    restore(cursor, target, log)
    check_schema(cursor, target)
    return land_rows(cursor, target, business_date, retention_days, first_date)


def landed_dates(cursor: Cursor, start: date, end: date) -> set[date]:
    """Business dates from ``start`` to ``end`` whose own backup has landed."""
    cursor.execute(tsql_landing.landed_dates_sql(), start, end)
    if cursor.description is None:  # the ledger does not exist yet
        return set()
    return {row[0] if isinstance(row[0], date) else date.fromisoformat(str(row[0]))
            for row in cursor.fetchall()}
