"""A SQL Server behind a pyodbc double: no server can run here, so the driver's side is played.

``ScriptedCursor`` answers the statements of the restore path, the raw_pos date query and
``SELECT * FROM [marts].[...]`` the way SQL Server does through pyodbc: rows of ``date``,
``datetime``, ``Decimal``, ``bool``, ``int``, ``str`` and ``None``, messages and result sets.
It records every statement with its parameters, and refuses, like SQL Server, a landing insert
whose text is longer than the raw column it was declared with. ``PyodbcDouble`` stands in for
the ``pyodbc`` module: ``connect()`` records its arguments and hands out the cursor.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from store_pipeline.lib.ingest import tsql, tsql_landing
from store_pipeline.lib.pos_schema import POS_TABLES, TEXT

D = date(2026, 3, 10)
PREFIX = "[Microsoft][ODBC Driver 18 for SQL Server][SQL Server]"
DATA_DIR, LOG_DIR = "/var/opt/mssql/data/", "/var/opt/mssql/log"
# RESTORE FILELISTONLY of a RMS headquarters backup with an archive filegroup (SQL Server 2022).
FILELIST_COLUMNS = ("LogicalName", "PhysicalName", "Type", "FileGroupName", "Size", "MaxSize",
                    "FileId", "CreateLSN", "DropLSN", "UniqueId", "ReadOnlyLSN", "ReadWriteLSN",
                    "BackupSizeInBytes", "SourceBlockSize", "FileGroupId", "LogGroupGUID",
                    "DifferentialBaseLSN", "DifferentialBaseGUID", "IsReadOnly", "IsPresent",
                    "TDEThumbprint", "SnapshotUrl")
FILELIST_ROWS = (
    ("RMSHQ", r"D:\MSSQL\DATA\RMSHQ.mdf", "D", "PRIMARY", 5368709120, 35184372080640, 1, 0, 0,
     "6F9619FF-8B86-D011-B42D-00C04FC964FF", 0, 0, 4831838208, 512, 1, None, 98000000012300037,
     "5A1C9E2B-0C4D-4F7B-9E55-1D2B3C4D5E6F", False, True, None, None),
    ("RMSHQ_log", r"E:\MSSQL\LOG\RMSHQ_log.ldf", "L", None, 1073741824, 2199023255552, 2, 0, 0,
     "A1B2C3D4-0000-4000-8000-000000000002", 0, 0, 0, 512, 0, None, 0, None, False, True, None,
     None),
    ("RMSHQ_archive", r"D:\MSSQL\DATA\RMSHQ_archive.ndf", "D", "ARCHIVE", 2147483648,
     35184372080640, 3, 37000000015200001, 0, "A1B2C3D4-0000-4000-8000-000000000003", 0, 0,
     2013265920, 512, 2, None, 98000000012300037, "5A1C9E2B-0C4D-4F7B-9E55-1D2B3C4D5E6F", False,
     True, None, None),
)
_MART = re.compile(r"SELECT \* FROM \[marts\]\.\[(\w+)\] WHERE business_date BETWEEN \? AND \?")
_TEXT_COLUMN = re.compile(r"\[(\w+)\] nvarchar\((\d+|max)\)")
_RAW_TABLE = re.compile(r"INSERT INTO \[raw_pos\]\.\[(\w+)\]")
_TEXT_COLUMNS = {t.raw_name: [c for c, kind in t.columns if kind == TEXT] for t in POS_TABLES}


class ServerError(Exception):
    """Shaped like pyodbc.Error: (sqlstate, message)."""


@dataclass
class Mart:
    """A mart's rows as pyodbc returns them; ``business_date`` is one of ``columns``."""

    columns: list[str]
    rows: list[tuple[Any, ...]]


@dataclass
class RawTable:
    """A raw_pos table that exists before the landing, with its text columns' widths."""

    text_width: int


@dataclass
class ScriptedCursor:
    """Answers the driver's statements the way SQL Server would, and records them.

    ``source_text_length``: the longest text in the restored POS tables. ``existing``: raw
    tables already in the warehouse (created by an older release), by raw name.
    """

    fail_on: str | None = None
    error: str = ""
    newest: date = D  # the restore's newest busy day; its earliest is six days before D
    drop_column: tuple[str, str] | None = None
    marts: dict[str, Mart] = field(default_factory=dict)
    landed: set[date] | None = None
    source_text_length: int = 40
    existing: dict[str, RawTable] = field(default_factory=dict)
    # The restore's rows per date, as the sum of their hashes: change one to re-issue a date.
    content: dict[date, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.sent: list[tuple[str, tuple]] = []
        self.columns = [(t.name, c) for t in POS_TABLES for c in t.column_names
                        if (t.name, c) != self.drop_column]
        self.widths = {name: {c: table.text_width for c in _TEXT_COLUMNS[name]}
                       for name, table in self.existing.items()}
        self.description, self.rowcount, self.messages = None, -1, []
        self._rows: list[tuple] = []
        self._pending: list[list[tuple[str, str]]] = []
        self.ledger: list[tuple] = []  # [raw_pos].[landed_dates]

    def execute(self, sql: str, *params: object) -> ScriptedCursor:
        self.sent.append((sql, params))
        if self.fail_on and sql.startswith(self.fail_on):
            raise ServerError("42000", f"[42000] {PREFIX}{self.error} (SQLExecDirectW)")
        self.messages, self._pending, self._rows, self.rowcount = [], [], [], -1
        self.description = None
        if sql.startswith("RESTORE FILELISTONLY"):
            self._result(FILELIST_COLUMNS, list(FILELIST_ROWS))
        elif sql == tsql.DEFAULT_PATHS_SQL:
            self._result(("", ""), [(DATA_DIR, LOG_DIR)])
        elif sql.startswith("RESTORE DATABASE"):
            self.messages = [("[01000] (3211)", f"{PREFIX}5 percent processed.")]
            self._pending = [[("[01000] (3211)", f"{PREFIX}{n} percent processed.")]
                             for n in range(10, 101, 5)]
            self._pending.append([("[01000] (3014)", f"{PREFIX}RESTORE DATABASE successfully "
                                   "processed 1026 pages in 0.312 seconds (25.6 MB/sec).")])
        elif sql.startswith("RESTORE VERIFYONLY"):
            self.messages = [("[01000] (3262)", f"{PREFIX}The backup set on file 1 is valid.")]
        elif sql.startswith("SELECT TABLE_NAME"):
            self._result(("TABLE_NAME", "COLUMN_NAME"), list(self.columns))
        elif sql.startswith("SELECT MIN(d)"):
            self._result(("", "", ""), [(D - timedelta(days=6), self.newest, self.newest)])
        elif sql == tsql_landing.landed_dates_sql():
            self._landed_dates(*params)
        elif sql == tsql_landing.ensure_ledger_sql():
            pass
        elif sql.startswith("IF OBJECT_ID(N'[raw_pos]"):
            self._ensure_raw_table(sql)
        elif sql.startswith(f"SELECT [{tsql.BUSINESS_DATE}], COUNT_BIG(*)"):
            days = sorted({p for p in params if isinstance(p, date)})
            self._result(("", "", ""), [(d, 3, self.content.get(d, 1)) for d in days])
        elif sql.startswith("SELECT COUNT_BIG(*)"):
            self._result(("",), [(3,)])
        elif sql.startswith(f"DELETE FROM {tsql_landing.LEDGER}"):
            part, *days = params
            self.ledger = [r for r in self.ledger if not (r[1] == part and r[0] in days)]
        elif sql.startswith(f"INSERT INTO {tsql_landing.LEDGER}"):
            self.ledger.append(params)
        elif sql.startswith("SELECT [business_date], [part]"):
            self._result(("",) * 5, [r[:5] for r in self.ledger if r[0] in params])
        elif sql.startswith("INSERT"):
            self._insert(sql)
        elif match := _MART.fullmatch(sql):
            self._mart(match.group(1), *params)
        return self

    def fetchone(self) -> tuple | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[tuple]:
        return self._rows

    def nextset(self) -> bool:
        self.messages = self._pending.pop(0) if self._pending else []
        return bool(self.messages)

    def close(self) -> None:
        """pyodbc cursors close with their connection."""

    def _result(self, columns: tuple[str, ...] | list[str], rows: list[tuple]) -> None:
        self.description = [(name, None, None, None, None, None, True) for name in columns]
        self._rows = rows

    def _ensure_raw_table(self, sql: str) -> None:
        """CREATE TABLE when missing; ADD a column COL_LENGTH does not find; ALTER COLUMN
        where COL_LENGTH says it is not max."""
        name = sql.split("].[", 1)[1].split("]", 1)[0]
        if name not in self.widths:
            create = sql.split("; END", 1)[0]
            self.widths[name] = {c: _width(w) for c, w in _TEXT_COLUMN.findall(create)}
        changes = sql.split("; END", 1)[1]
        for column, width in _TEXT_COLUMN.findall(" ".join(re.findall(r"ADD \[\w+\] \S+",
                                                                      changes))):
            self.widths[name].setdefault(column, _width(width))
        for column, width in _TEXT_COLUMN.findall(" ".join(re.findall(
                r"ALTER COLUMN \[\w+\] \S+", changes))):
            self.widths[name][column] = _width(width)

    def _insert(self, sql: str) -> None:
        name = _RAW_TABLE.match(sql).group(1)
        narrow = [c for c, width in self.widths.get(name, {}).items()
                  if width < self.source_text_length]
        if narrow:
            raise ServerError("22001", f"[22001] {PREFIX}String or binary data would be "
                              f"truncated in table 'store_analytics.raw_pos.{name}', column "
                              f"'{narrow[0]}'. (2628) (SQLExecDirectW)")
        self.rowcount = 3

    def _landed_dates(self, start: date, end: date) -> None:
        """``landed`` when given (None: no ledger yet), else the dates the ledger has."""
        if self.landed is not None:
            self._result(("business_date",), [(d,) for d in sorted(self.landed)
                                              if start <= d <= end])
        elif self.ledger:
            self._result(("business_date",), [(r[0],) for r in self.ledger
                                              if r[1] == "state" and start <= r[0] <= end])

    def _mart(self, table: str, start: date, end: date) -> None:
        mart = self.marts[table]
        at = mart.columns.index("business_date")
        self._result(mart.columns, [row for row in mart.rows if start <= row[at] <= end])


def _width(text: str) -> int:
    return sys.maxsize if text == "max" else int(text)


class Connection:
    """A pyodbc connection handing out one scripted cursor."""

    def __init__(self, cursor: ScriptedCursor) -> None:
        self._cursor, self.closed = cursor, False

    def cursor(self) -> ScriptedCursor:
        assert not self.closed, "cursor() on a closed connection"
        return self._cursor

    def close(self) -> None:
        self.closed = True


class PyodbcDouble:
    """Stands in for the ``pyodbc`` module: every ``connect()`` is recorded."""

    Error = ServerError

    def __init__(self, cursor: ScriptedCursor) -> None:
        self.cursor = cursor
        self.connections: list[tuple[str, dict[str, Any], Connection]] = []

    def connect(self, connection_string: str, **options: Any) -> Connection:
        connection = Connection(self.cursor)
        self.connections.append((connection_string, options, connection))
        return connection
