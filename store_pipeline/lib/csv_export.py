"""CSV exports that store managers open in Excel: atomic files, formula injection neutralised.

RFC 4180 layout: UTF-8, a header row, CRLF line ends, fields quoted only when they must be.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path

import duckdb

from store_pipeline.lib.sql_names import quoted
from store_pipeline.lib.threads import map_in_order


@dataclass(frozen=True)
class Export:
    """One export: the mart it reads and the columns that order its rows."""

    name: str
    table: str
    order_by: tuple[str, ...]


EXPORTS: tuple[Export, ...] = (
    Export("daily_sales_summary", "rpt_daily_sales", ("store_code",)),
    Export("employee_hours", "rpt_employee_hours", ("store_code", "employee_number")),
    Export("product_performance", "rpt_product_performance",
           ("store_code", "rank_in_store", "sku")),
    Export("inventory_status", "rpt_inventory_status", ("store_code", "sku")),
    Export("cashier_exceptions", "rpt_cashier_exceptions", ("store_code", "employee_number")),
    Export("cash_over_short", "rpt_cash_over_short",
           ("store_code", "register_number", "batch_number")),
    Export("reorder_suggestions", "rpt_reorder_suggestions", ("store_code", "sku")),
)

# A text cell starting with one of these is read as a formula by spreadsheets: prefix a quote.
_FORMULA_START = r"^[=+\-@\t\r]"
_FORMULA = re.compile(_FORMULA_START)
_QUOTED_CHARS = frozenset(',"#\r\n')
# A day's rows of a mart: (column names, rows of DB-API values).
Query = Callable[[str, date], tuple[list[str], Sequence[Sequence[object]]]]


def _select_list(con: duckdb.DuckDBPyConnection, table: str) -> str:
    columns = con.execute(f"DESCRIBE SELECT * FROM marts.{table}").fetchall()
    items = []
    for name, col_type, *_ in columns:
        if col_type == "VARCHAR":
            items.append(
                f"CASE WHEN regexp_matches({quoted(name)}, '{_FORMULA_START}') "
                f"THEN '''' || {quoted(name)} ELSE {quoted(name)} END AS {quoted(name)}"
            )
        else:
            items.append(quoted(name))
    return ", ".join(items)


def export_path(exports_dir: Path, business_date: date, export: Export) -> Path:
    return exports_dir / business_date.isoformat() / f"{export.name}.csv"


def _temp_for(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    return target.with_name(f".{target.name}.tmp")


class CopyExporter:
    """Exports written with DuckDB's COPY from ``con``: a day's files per task, ``workers`` days
    at a time, each worker thread on its own cursor (DuckDB runs queries without the GIL)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, workers: int = 1) -> None:
        self._con = con
        self._workers = workers
        self._select_lists: dict[str, str] = {}
        self._local = threading.local()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._lock = threading.Lock()

    def write(self, exports_dir: Path, business_date: date, export: Export) -> tuple[Path, int]:
        """Write one day's export through a temp file and rename; return it and its rows."""
        target = export_path(exports_dir, business_date, export)
        temp = _temp_for(target)
        order = ", ".join(quoted(c) for c in export.order_by)
        query = (
            f"SELECT {self._select_list(export.table)} FROM marts.{export.table} "
            f"WHERE business_date = DATE '{business_date.isoformat()}' ORDER BY {order}"
        )
        [(rows,)] = self._cursor().execute(
            f"COPY ({query}) TO '{temp.as_posix()}' (FORMAT csv, HEADER true, NEW_LINE '\r\n')"
        ).fetchall()
        os.replace(temp, target)
        return target, rows

    def write_days(self, exports_dir: Path, days: Sequence[date],
                   exports: Sequence[Export]) -> Iterator[tuple[date, dict[str, int]]]:
        """Write ``exports`` for every day; yield each day, in order, with its row counts."""
        written = map_in_order(partial(_write_day, self.write, exports_dir, exports), days,
                               self._workers, name="export")
        yield from zip(days, written, strict=True)

    def close(self) -> None:
        """Close the worker threads' cursors (the connection is its owner's to close)."""
        for cursor in self._cursors:
            cursor.close()
        self._cursors.clear()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._local.cursor = self._con.cursor()
            with self._lock:
                self._cursors.append(cursor)
        return cursor

    def _select_list(self, table: str) -> str:
        with self._lock:
            if table not in self._select_lists:
                self._select_lists[table] = _select_list(self._con, table)
            return self._select_lists[table]


def csv_cell(value: object) -> str:
    """``value`` (as a DB-API driver returns it: str, int, float, Decimal, bool, date,
    datetime or None) as DuckDB's COPY writes it, text neutralised against formulas."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = "'" + value if _FORMULA.match(value) else value
        return '"' + text.replace('"', '""') + '"' if _needs_quotes(text) else text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime):
        text = value.strftime("%Y-%m-%d %H:%M:%S")
        return f"{text}.{value.microsecond:06d}".rstrip("0") if value.microsecond else text
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _needs_quotes(text: str) -> bool:
    """DuckDB's rule: quote an empty string and any text with a delimiter, quote, comment
    sign or line break."""
    return not text or any(c in text for c in _QUOTED_CHARS)


def write_rows_export(query: Query, exports_dir: Path, business_date: date,
                      export: Export) -> tuple[Path, int]:
    """Write one day's export from a DB-API query (engines without COPY), atomically, as
    DuckDB's COPY writes the same rows."""
    columns, rows = query(export.table, business_date)
    keys = [columns.index(c) for c in export.order_by]
    rows = sorted(rows, key=lambda row: [(row[k] is None, row[k]) for k in keys])
    target = export_path(exports_dir, business_date, export)
    temp = _temp_for(target)
    with temp.open("w", encoding="utf-8", newline="") as out:
        for values in (columns, *rows):
            out.write(",".join(map(csv_cell, values)) + "\r\n")
    os.replace(temp, target)
    return target, len(rows)


def write_rows_days(query: Query, exports_dir: Path, days: Sequence[date],
                    exports: Sequence[Export]) -> Iterator[tuple[date, dict[str, int]]]:
    """Write ``exports`` for every day from DB-API queries, a day at a time."""
    write = partial(write_rows_export, query)
    written = map(partial(_write_day, write, exports_dir, exports), days)
    yield from zip(days, written, strict=True)


def _write_day(write: Callable[[Path, date, Export], tuple[Path, int]], exports_dir: Path,
               exports: Sequence[Export], day: date) -> dict[str, int]:
    """Write each of ``exports`` for ``day`` with ``write``; the rows written per export."""
    return {e.name: write(exports_dir, day, e)[1] for e in exports}
