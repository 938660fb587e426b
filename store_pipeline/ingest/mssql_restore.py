"""Restore a SQL Server POS backup and land one business date in raw_pos (the production path).

The backup replaces a scratch database (``RESTORE DATABASE ... WITH REPLACE, CHECKSUM``), is
checked against the POS schema and its business date, and D's rows are copied into
``[raw_pos].[<table>]`` by delete-then-insert inside one explicit transaction: re-landing a date
changes nothing and a failure leaves raw_pos as it was. The same rules as the embedded
``restore.land_snapshot`` apply. Works on any DB-API cursor of an autocommit pyodbc connection.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from store_pipeline.ingest import tsql
from store_pipeline.ingest.restore import (
    LandedDate,
    RestoreError,
    require_business_date,
    schema_problems,
)
from store_pipeline.pos_schema import POS_TABLES

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


def check_covers(cursor: Cursor, target: RestoreTarget, business_date: date) -> None:
    """The backup's newest busy day (>= 1 % of its transactions) must be ``business_date``."""
    with _step(target, "reading the restored transaction dates"):
        newest = cursor.execute(tsql.newest_busy_day_sql(target.database)).fetchone()[0]
    require_business_date(target.label, newest, business_date)


def land_rows(cursor: Cursor, target: RestoreTarget, business_date: date) -> dict[str, int]:
    """Delete-then-insert ``business_date`` in every raw table, all in one transaction."""
    with _step(target, "landing into raw_pos"):
        cursor.execute(tsql.ensure_raw_schema_sql())
        for table in POS_TABLES:
            cursor.execute(tsql.ensure_raw_table_sql(table))
        rows = {}
        with tsql.explicit_transaction(cursor.execute):
            for table in POS_TABLES:
                delete, insert = tsql.landing_statements(table, target.database, business_date)
                cursor.execute(delete.sql, *delete.params)
                cursor.execute(insert.sql, *insert.params)
                rows[table.raw_name] = cursor.rowcount
        return rows


def land_backup(cursor: Cursor, target: RestoreTarget, business_date: date,
                log: Log) -> LandedDate:
    """Restore, validate and land ``business_date``; raw_pos changes only if all of it lands."""
    restore(cursor, target, log)
    check_schema(cursor, target)
    check_covers(cursor, target, business_date)
    return LandedDate(business_date, land_rows(cursor, target, business_date))


def landed_dates(cursor: Cursor, start: date, end: date) -> set[date]:
    """Business dates from ``start`` to ``end`` with transactions in raw_pos."""
    cursor.execute(tsql.landed_dates_sql(), start, end)
    if cursor.description is None:  # raw_pos.transaction does not exist yet
        return set()
    return {row[0] if isinstance(row[0], date) else date.fromisoformat(str(row[0]))
            for row in cursor.fetchall()}
