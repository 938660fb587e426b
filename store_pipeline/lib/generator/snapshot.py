"""Writing one POS snapshot: a DuckDB file with every table in ``dbo``, created atomically."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import duckdb
import pandas as pd

from store_pipeline.lib.generator.columns import MONEY_COLUMNS, NULL, Columns
from store_pipeline.lib.pos_schema import (
    BIGINT,
    DATETIME,
    INT,
    MONEY,
    POS_TABLES,
    PosTable,
    create_table_sql,
)


def _frame(table: PosTable, columns: Columns) -> pd.DataFrame:
    """The table's rows as a DataFrame DuckDB can scan: times as datetime64[s], NULLs masked."""
    data = {}
    for name, sql_type in table.columns:
        values = columns[name]
        if sql_type == DATETIME:
            values = values.view("datetime64[s]")
        elif sql_type in (INT, BIGINT, MONEY) and (missing := values == NULL).any():
            values = pd.arrays.IntegerArray(values, missing)
        data[name] = values
    return pd.DataFrame(data, copy=False)


def _insert_sql(table: PosTable, source: str) -> str:
    """INSERT ... SELECT from ``source``; money arrives as integer cents and is scaled exactly
    (DECIMAL(18,2) stays on 64-bit integers, unlike multiplying a DECIMAL(19,4))."""
    select = ", ".join(f'CAST("{c}" AS DECIMAL(15,0)) * CAST(0.01 AS DECIMAL(3,2))'
                       if c in MONEY_COLUMNS else f'"{c}"' for c, _ in table.columns)
    return f'INSERT INTO "dbo"."{table.name}" SELECT {select} FROM {source}'


def _remove(part: Path) -> None:
    """Delete a partial file and its write-ahead log, if any."""
    for path in (part, part.with_name(part.name + ".wal")):
        path.unlink(missing_ok=True)


def write_snapshot(path: Path, tables: Mapping[str, Columns]) -> Path:
    """Write every POS table to ``path`` through ``<name>.part`` and a rename."""
    part = path.with_name(path.name + ".part")
    _remove(part)
    try:
        con = duckdb.connect(str(part))
        try:
            con.execute('CREATE SCHEMA "dbo"')
            con.begin()
            for table in POS_TABLES:
                con.execute(create_table_sql(table))
                con.register("pos_rows", _frame(table, tables[table.name]))
                con.execute(_insert_sql(table, "pos_rows"))
                con.unregister("pos_rows")
            con.commit()
        finally:
            con.close()
        os.replace(part, path)
    except BaseException:
        _remove(part)
        raise
    return path

