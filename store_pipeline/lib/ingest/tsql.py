"""T-SQL for the SQL Server restore path, generated from validated identifiers only.

Nothing here talks to a server: every function returns text (or text and parameters) that
``store_pipeline.lib.ingest.mssql_restore`` sends through pyodbc.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from store_pipeline.lib.ingest.landing import RAW_SCHEMA
from store_pipeline.lib.pos_schema import (
    BIGINT,
    DATETIME,
    FLAG,
    INT,
    MONEY,
    QTY,
    TEXT,
    PosTable,
)

MAX_IDENTIFIER = 128  # sysname
_IDENTIFIER = re.compile(r"[\w$#@\-\[\] ]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DRIVER_PREFIX = re.compile(r"(^|;\s*)(?:\[[^\[\]]*\]\s*)+")
_ODBC_CALL = re.compile(r"\s*\(SQL\w+\)")
_PROGRESS = re.compile(r"^(\d{1,3}) percent processed\.?$")
_SOURCE_SCHEMA = "dbo"
BUSINESS_DATE = "business_date"
RAW_INDEX = "cx_business_date"

SQLSERVER_TYPES = {
    MONEY: "decimal(19,4)",
    QTY: "decimal(19,4)",
    FLAG: "tinyint",
    INT: "int",
    BIGINT: "bigint",
    TEXT: "nvarchar(max)",  # POS text of any length lands whole, as in DuckDB's VARCHAR
    DATETIME: "datetime2",
}

DEFAULT_PATHS_SQL = (
    "SELECT CAST(SERVERPROPERTY(N'InstanceDefaultDataPath') AS nvarchar(4000)), "
    "CAST(SERVERPROPERTY(N'InstanceDefaultLogPath') AS nvarchar(4000))"
)
RESTORE_PERMISSION_SQL = (
    "SELECT IS_SRVROLEMEMBER(N'sysadmin'), IS_SRVROLEMEMBER(N'dbcreator'), "
    "HAS_PERMS_BY_NAME(NULL, NULL, N'CREATE ANY DATABASE')"
)
BEGIN_TRANSACTION = "SET XACT_ABORT ON; BEGIN TRANSACTION"
COMMIT_TRANSACTION = "COMMIT TRANSACTION"
ROLLBACK_TRANSACTION = "IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION"


class IdentifierError(ValueError):
    """A database, schema, table or column name that is not safe to put in T-SQL."""


class FileListError(ValueError):
    """A RESTORE FILELISTONLY result this restore cannot map to MOVE clauses."""


class Statement(NamedTuple):
    """One parameterised statement: ``?`` markers and their values in order."""

    sql: str
    params: tuple[object, ...]


@dataclass(frozen=True)
class BackupFile:
    """One database file recorded in a backup (a row of RESTORE FILELISTONLY)."""

    logical_name: str
    physical_name: str
    file_type: str  # 'D' data, 'L' log
    file_id: int


def check_identifier(name: str) -> str:
    """Return ``name`` if it is a plain identifier (letters, digits, ``_ $ # @ - [ ]``, inner
    spaces; at most 128 characters), else raise ``IdentifierError``."""
    if (not name or len(name) > MAX_IDENTIFIER or name != name.strip()
            or not _IDENTIFIER.fullmatch(name)):
        raise IdentifierError(
            f"invalid SQL Server identifier {name!r}: use 1 to {MAX_IDENTIFIER} letters, digits, "
            "spaces or _ $ # @ - [ ] (no quotes, semicolons or leading/trailing spaces)")
    return name


def quote(name: str) -> str:
    """``[name]`` with any ``]`` doubled, after validation."""
    return "[" + check_identifier(name).replace("]", "]]") + "]"


def qualified(*parts: str) -> str:
    """A multi-part name, each part quoted: ``[db].[dbo].[Table]``."""
    return ".".join(quote(part) for part in parts)


def literal(text: str) -> str:
    """An ``N'...'`` string literal with quotes doubled; control characters are refused."""
    if _CONTROL.search(text):
        raise ValueError(f"refusing a T-SQL string with control characters: {text!r}")
    return "N'" + text.replace("'", "''") + "'"


def join_server_path(directory: str, name: str) -> str:
    """``directory`` + ``name`` with the server's separator (``\\`` for ``C:\\...`` paths)."""
    if directory.endswith(("/", "\\")):
        return directory + name
    separator = "\\" if "\\" in directory and "/" not in directory else "/"
    return directory + separator + name


def parse_filelist(rows: Iterable[Mapping[str, object]]) -> list[BackupFile]:
    """The data and log files of a RESTORE FILELISTONLY result (rows keyed by column name)."""
    files = []
    for row in rows:
        try:
            file = BackupFile(str(row["LogicalName"]), str(row["PhysicalName"]),
                              str(row["Type"]).strip().upper(), int(str(row["FileId"])))
        except (KeyError, ValueError) as error:
            raise FileListError(f"unexpected RESTORE FILELISTONLY row {dict(row)!r}") from error
        if file.file_type not in ("D", "L"):
            raise FileListError(
                f"backup file {file.logical_name} has type {file.file_type!r}: only data (D) and "
                "log (L) files can be restored here (no FILESTREAM or full-text catalogs)")
        files.append(file)
    if not any(f.file_type == "D" for f in files) or not any(f.file_type == "L" for f in files):
        raise FileListError("RESTORE FILELISTONLY listed no data file or no log file")
    return files


def move_targets(files: Sequence[BackupFile], database: str, data_dir: str,
                 log_dir: str) -> list[tuple[str, str]]:
    """(logical name, new physical path) per file: ``<db>_<FileId>.mdf|.ndf|.ldf``, data files
    in ``data_dir`` and log files in ``log_dir``; FileId makes every target unique."""
    check_identifier(database)
    moves = []
    for file in files:
        if file.file_type == "L":
            folder, extension = log_dir, ".ldf"
        else:
            folder, extension = data_dir, ".mdf" if file.file_id == 1 else ".ndf"
        moves.append((file.logical_name,
                      join_server_path(folder, f"{database}_{file.file_id}{extension}")))
    return moves


def filelist_sql(backup: str) -> str:
    """List the files a backup will create."""
    return f"RESTORE FILELISTONLY FROM DISK = {literal(backup)}"


def free_database_sql(database: str) -> str:
    """Disconnect other sessions from the scratch database so RESTORE can replace it."""
    return (f"IF DB_ID({literal(database)}) IS NOT NULL "
            f"ALTER DATABASE {quote(database)} SET SINGLE_USER WITH ROLLBACK IMMEDIATE")


def restore_database_sql(database: str, backup: str, moves: Sequence[tuple[str, str]]) -> str:
    """Restore ``backup`` over ``database``, checking page checksums, reporting every 5 %."""
    options = ["REPLACE", "CHECKSUM", "STATS = 5"]
    options += [f"MOVE {literal(logical)} TO {literal(target)}" for logical, target in moves]
    return (f"RESTORE DATABASE {quote(database)} FROM DISK = {literal(backup)} "
            f"WITH {', '.join(options)}")


def verify_backup_sql(backup: str) -> str:
    """Check that a backup is complete and readable, checksums included, without restoring."""
    return f"RESTORE VERIFYONLY FROM DISK = {literal(backup)} WITH CHECKSUM"


def source_columns_sql(database: str) -> str:
    """Every (table, column) in the restored database's ``dbo`` schema."""
    return (f"SELECT TABLE_NAME, COLUMN_NAME FROM {quote(database)}.INFORMATION_SCHEMA.COLUMNS "
            f"WHERE TABLE_SCHEMA = {literal(_SOURCE_SCHEMA)}")


def raw_table(table: PosTable) -> str:
    """``[raw_pos].[<raw_name>]``."""
    return qualified(RAW_SCHEMA, table.raw_name)


def ensure_raw_schema_sql() -> str:
    """Create schema raw_pos unless it exists (CREATE SCHEMA must run in a batch of its own)."""
    return (f"IF SCHEMA_ID({literal(RAW_SCHEMA)}) IS NULL "
            f"EXEC({literal('CREATE SCHEMA ' + quote(RAW_SCHEMA))})")


def create_raw_table_sql(table: PosTable) -> str:
    """The raw table: the POS columns in SQL Server types, then business_date."""
    cols = [f"{quote(name)} {SQLSERVER_TYPES[kind]}" for name, kind in table.columns]
    cols.append(f"{quote(BUSINESS_DATE)} date NOT NULL")
    return f"CREATE TABLE {raw_table(table)} ({', '.join(cols)})"


def raw_index_sql(table: PosTable) -> str:
    """Cluster the raw table by business_date, so a date's delete touches that date only."""
    return (f"CREATE CLUSTERED INDEX {quote(RAW_INDEX)} ON {raw_table(table)} "
            f"({quote(BUSINESS_DATE)})")


def widen_text_sql(table: PosTable) -> str:
    """Widen the raw table's text columns to nvarchar(max) where an older, narrower type
    would refuse longer POS text (COL_LENGTH is -1 for max types)."""
    target = literal(raw_table(table))
    return "; ".join(
        f"IF COL_LENGTH({target}, {literal(name)}) <> -1 "
        f"ALTER TABLE {raw_table(table)} ALTER COLUMN {quote(name)} {SQLSERVER_TYPES[TEXT]}"
        for name, kind in table.columns if kind == TEXT)


def add_columns_sql(table: PosTable) -> str:
    """Add the POS columns a raw table created by an older release lacks."""
    target = literal(raw_table(table))
    return "; ".join(
        f"IF COL_LENGTH({target}, {literal(name)}) IS NULL "
        f"ALTER TABLE {raw_table(table)} ADD {quote(name)} {SQLSERVER_TYPES[kind]}"
        for name, kind in table.columns)


def ensure_raw_table_sql(table: PosTable) -> str:
    """Create the raw table and its index unless the table exists; add the columns a table
    created by an older release lacks, and widen its text columns where they are narrower."""
    create = (f"IF OBJECT_ID({literal(raw_table(table))}, N'U') IS NULL "
              f"BEGIN {create_raw_table_sql(table)}; {raw_index_sql(table)}; END")
    widen = widen_text_sql(table)
    return "; ".join(part for part in (create, add_columns_sql(table), widen) if part)


def clean_message(text: str) -> str:
    """A server message or error without the driver's ``[state] [vendor][driver][SQL Server]``
    prefixes and ``(SQLExecDirectW)`` suffixes."""
    return _ODBC_CALL.sub("", _DRIVER_PREFIX.sub(r"\1", text)).strip()


def progress_percent(line: str) -> int | None:
    """N for a RESTORE ... STATS line ``N percent processed.``, else None."""
    match = _PROGRESS.match(clean_message(line))
    return int(match.group(1)) if match else None


@contextlib.contextmanager
def explicit_transaction(execute: Callable[[str], object]) -> Iterator[None]:
    """BEGIN TRANSACTION (with XACT_ABORT), COMMIT on success, ROLLBACK on any error."""
    execute(BEGIN_TRANSACTION)
    try:
        yield
    except BaseException:
        # A dead connection cannot roll back, but the server does so when the session ends;
        # the original error is the one to report.
        with contextlib.suppress(Exception):
            execute(ROLLBACK_TRANSACTION)
        raise
    execute(COMMIT_TRANSACTION)
