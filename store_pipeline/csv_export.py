"""CSV exports that store managers open in Excel: atomic files, formula injection neutralised.

RFC 4180 layout: UTF-8, a header row, CRLF line ends, fields quoted only when they must be.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd


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
)

# A text cell starting with one of these is read as a formula by spreadsheets: prefix a quote.
_FORMULA_START = r"^[=+\-@\t\r]"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _select_list(con: duckdb.DuckDBPyConnection, table: str) -> str:
    columns = con.execute(f"DESCRIBE SELECT * FROM marts.{table}").fetchall()
    items = []
    for name, col_type, *_ in columns:
        if col_type == "VARCHAR":
            items.append(
                f"CASE WHEN regexp_matches({_q(name)}, '{_FORMULA_START}') "
                f"THEN '''' || {_q(name)} ELSE {_q(name)} END AS {_q(name)}"
            )
        else:
            items.append(_q(name))
    return ", ".join(items)


def export_path(exports_dir: Path, business_date: date, export: Export) -> Path:
    return exports_dir / business_date.isoformat() / f"{export.name}.csv"


def _temp_for(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    return target.with_name(f".{target.name}.tmp")


def write_export(con: duckdb.DuckDBPyConnection, exports_dir: Path, business_date: date,
                 export: Export) -> tuple[Path, int]:
    """Write one day's export with DuckDB's COPY through a temp file and rename."""
    target = export_path(exports_dir, business_date, export)
    temp = _temp_for(target)
    order = ", ".join(_q(c) for c in export.order_by)
    query = (
        f"SELECT {_select_list(con, export.table)} FROM marts.{export.table} "
        f"WHERE business_date = DATE '{business_date.isoformat()}' ORDER BY {order}"
    )
    rows = con.execute(f"SELECT count(*) FROM ({query})").fetchone()[0]
    con.execute(f"COPY ({query}) TO '{temp.as_posix()}' (FORMAT csv, HEADER true, NEW_LINE '\r\n')")
    os.replace(temp, target)
    return target, rows


def write_frame_export(fetch: Callable[[str, date, date], pd.DataFrame], exports_dir: Path,
                       business_date: date, export: Export) -> tuple[Path, int]:
    """Write one day's export from a fetched frame (engines without COPY), atomically."""
    frame = fetch(export.table, business_date, business_date).sort_values(list(export.order_by))
    for column in frame.select_dtypes(include=["object", "string"]).columns:
        text = frame[column]
        risky = text.str.match(_FORMULA_START, na=False)
        frame[column] = text.where(~risky, "'" + text.astype(str))
    target = export_path(exports_dir, business_date, export)
    temp = _temp_for(target)
    frame.to_csv(temp, index=False, lineterminator="\r\n")
    os.replace(temp, target)
    return target, len(frame)
