"""The SQL Server warehouse resource over a pyodbc double (rows typed as pyodbc returns them):
connection, landing, landed dates, report frames and CSV exports byte-identical to DuckDB's."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from store_pipeline.defs.resources.mssql import SqlServerWarehouse
from store_pipeline.lib.csv_export import CopyExporter, Export
from store_pipeline.lib.ingest import tsql, tsql_landing
from store_pipeline.lib.ingest.landing import RestoreError
from store_pipeline.lib.pos_schema import POS_TABLES
from store_pipeline_tests.sqlserver_double import (
    D,
    Mart,
    PyodbcDouble,
    RawTable,
    ScriptedCursor,
)

EXPORT = Export("daily_sales_summary", "rpt_daily_sales", ("store_code",))
# A mart as DuckDB declares it, and the same rows as pyodbc returns them from SQL Server.
COLUMNS = (("business_date", "DATE"), ("store_code", "VARCHAR"), ("store_name", "VARCHAR"),
           ("transactions", "INTEGER"), ("net_sales", "DECIMAL(18,2)"),
           ("on_hand", "DECIMAL(19,4)"), ("margin_pct", "DOUBLE"), ("is_open", "BOOLEAN"),
           ("last_sale", "TIMESTAMP"))
ROWS = [
    (D, "S003", "=HYPERLINK(\"http://x\")", 12, Decimal("-12.50"), Decimal("0.0000"),
     0.3333333333333333, True, datetime(2026, 3, 10, 21, 5, 7, 120000)),
    (D, "S001", "Main St, \"Downtown\" #1", 0, Decimal("1234567.05"), Decimal("-3.2500"), None,
     False, datetime(2026, 3, 10, 8, 0)),
    (D, "S002", "", None, None, None, 1e20, None, None),
    (D, "S004", "two\r\nlines", 7, Decimal("0.00"), Decimal("12.0000"), -0.0, True,
     datetime(2026, 3, 9, 23, 59, 59, 999999)),
    (D, "S000", None, 3, Decimal("99.99"), Decimal("1.5000"), 100.0, False,
     datetime(2026, 3, 10, 0, 0, 0, 1)),
    (D - timedelta(days=1), "S001", "yesterday", 1, Decimal("1.00"), Decimal("1.0000"), 1.0,
     True, datetime(2026, 3, 9, 9, 0)),
]
SETTINGS = {"STORE_PIPELINE_MSSQL_SERVER": "lake-sql", "STORE_PIPELINE_MSSQL_PASSWORD": "s3cr;t}",
            "STORE_PIPELINE_MSSQL_BACKUP_DIR": "\\\\lake-sql\\landing"}


def _server(monkeypatch, cursor: ScriptedCursor) -> tuple[SqlServerWarehouse, PyodbcDouble]:
    for name, value in SETTINGS.items():
        monkeypatch.setenv(name, value)
    pyodbc = PyodbcDouble(cursor)
    monkeypatch.setitem(sys.modules, "pyodbc", pyodbc)
    return SqlServerWarehouse.from_env(), pyodbc


def _duckdb_mart(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA marts")
    con.execute(f"CREATE TABLE marts.{EXPORT.table} "
                f"({', '.join(f'{name} {kind}' for name, kind in COLUMNS)})")
    con.executemany(f"INSERT INTO marts.{EXPORT.table} VALUES ({', '.join('?' * len(COLUMNS))})",
                    [list(row) for row in ROWS])
    return con


def test_connection_carries_the_password_only_at_connect(monkeypatch):
    warehouse, pyodbc = _server(monkeypatch, ScriptedCursor())
    assert "s3cr" not in repr(warehouse) and "s3cr" not in warehouse.connection_string()
    with warehouse.connect() as connection:
        assert not connection.closed
    [(secret, options, used)] = pyodbc.connections
    assert secret == warehouse.connection_string() + ";PWD={s3cr;t}}}"
    assert options == {"autocommit": True, "timeout": 30}
    assert used.closed


def test_export_is_byte_identical_to_the_duckdb_export_of_the_same_rows(monkeypatch, tmp_path):
    names = [name for name, _ in COLUMNS]
    warehouse, pyodbc = _server(monkeypatch, ScriptedCursor(
        marts={EXPORT.table: Mart(names, list(ROWS))}))
    days = [D - timedelta(days=1), D]
    with warehouse.exporter() as write_days:
        written = list(write_days(tmp_path / "mssql", days, [EXPORT]))
    assert written == [(days[0], {EXPORT.name: 1}), (D, {EXPORT.name: 5})]
    assert pyodbc.cursor.sent[-1] == (
        "SELECT * FROM [marts].[rpt_daily_sales] WHERE business_date BETWEEN ? AND ?", (D, D))
    con = _duckdb_mart(tmp_path / "w.duckdb")
    exporter = CopyExporter(con)
    try:
        for day in days:
            copied, _ = exporter.write(tmp_path / "duckdb", day, EXPORT)
            mssql = tmp_path / "mssql" / day.isoformat() / f"{EXPORT.name}.csv"
            assert mssql.read_bytes() == copied.read_bytes()
    finally:
        exporter.close()
        con.close()
    text = (tmp_path / "mssql" / D.isoformat() / f"{EXPORT.name}.csv").read_text()
    assert "'=HYPERLINK" in text and ",-12.50,0.0000,0.3333333333333333,true," in text
    assert not list((tmp_path / "mssql").rglob(".*tmp"))


def test_report_frames_match_duckdb_frames(monkeypatch, tmp_path):
    names = [name for name, _ in COLUMNS]
    warehouse, _ = _server(monkeypatch, ScriptedCursor(
        marts={EXPORT.table: Mart(names, list(ROWS))}))
    with warehouse.reader() as fetch:
        frame = fetch(EXPORT.table, D, D)
    con = _duckdb_mart(tmp_path / "w.duckdb")
    expected = con.execute(f"SELECT * FROM marts.{EXPORT.table} WHERE business_date = ?",
                           [D]).df()
    con.close()
    for column in ("net_sales", "on_hand", "margin_pct"):
        assert frame[column].dtype == expected[column].dtype == "float64", column
    assert frame["business_date"].dtype.kind == expected["business_date"].dtype.kind == "M"
    assert frame["net_sales"].sum() == pytest.approx(expected["net_sales"].sum())


def test_landing_restores_from_the_server_path_and_commits_once(monkeypatch, tmp_path):
    warehouse, pyodbc = _server(monkeypatch, ScriptedCursor())
    logged: list[str] = []
    landed = list(warehouse.land_backups([(tmp_path / "pos_20260310.bak", D)], logged.append))
    assert [x.rows for x in landed] == [{t.raw_name: 3 for t in POS_TABLES}]
    sent = [sql for sql, _ in pyodbc.cursor.sent]
    assert sent[0] == tsql.filelist_sql("\\\\lake-sql\\landing\\pos_20260310.bak")
    assert sent.count(tsql.COMMIT_TRANSACTION) == 1 and sent[-1] == tsql.COMMIT_TRANSACTION
    assert logged[-1] == "pos_20260310.bak: 100 percent processed."
    assert all(used.closed for _, _, used in pyodbc.connections)


def test_long_pos_text_lands_in_raw_tables_created_narrower(monkeypatch, tmp_path):
    cursor = ScriptedCursor(source_text_length=5000,
                            existing={t.raw_name: RawTable(400) for t in POS_TABLES})
    warehouse, _ = _server(monkeypatch, cursor)
    warehouse.land_backup(tmp_path / "pos_20260310.bak", D, print)
    assert all(width > 5000 for widths in cursor.widths.values() for width in widths.values())
    assert cursor.sent[-1][0] == tsql.COMMIT_TRANSACTION


def test_long_pos_text_lands_in_new_raw_tables(monkeypatch, tmp_path):
    warehouse, _ = _server(monkeypatch, ScriptedCursor(source_text_length=100_000))
    landed = warehouse.land_backup(tmp_path / "pos_20260310.bak", D, print)
    assert landed.rows["item"] == 3


def test_without_widening_long_text_would_abort_the_landing(monkeypatch, tmp_path):
    cursor = ScriptedCursor(source_text_length=5000, existing={"store": RawTable(400)})
    warehouse, _ = _server(monkeypatch, cursor)
    monkeypatch.setattr(tsql, "widen_text_sql", lambda table: "")
    with pytest.raises(RestoreError, match=r"String or binary data would be truncated .*(2628)"):
        warehouse.land_backup(tmp_path / "pos_20260310.bak", D, print)
    assert cursor.sent[-1][0] == tsql.ROLLBACK_TRANSACTION


def test_landed_dates(monkeypatch):
    warehouse, pyodbc = _server(monkeypatch, ScriptedCursor(
        landed={D - timedelta(days=3), D, D + timedelta(days=1)}))
    assert warehouse.landed_dates(D - timedelta(days=3), D) == {D - timedelta(days=3), D}
    assert pyodbc.cursor.sent == [(tsql_landing.landed_dates_sql(), (D - timedelta(days=3), D))]
    nothing_yet, _ = _server(monkeypatch, ScriptedCursor(landed=None))
    assert nothing_yet.landed_dates(D, D) == set()


def test_verify_backup_sends_verifyonly_on_the_server_path(monkeypatch, tmp_path):
    warehouse, pyodbc = _server(monkeypatch, ScriptedCursor())
    warehouse.verify_backup(tmp_path / "pos_20260310.bak")
    assert pyodbc.cursor.sent == [
        (tsql.verify_backup_sql("\\\\lake-sql\\landing\\pos_20260310.bak"), ())]


def test_raw_tables_take_text_of_any_length():
    for table in POS_TABLES:
        sql = tsql.ensure_raw_table_sql(table)
        assert "nvarchar(400)" not in sql
        texts = [c for c, kind in table.columns if kind == "VARCHAR"]
        assert sql.count("ALTER COLUMN") == len(texts)
        assert all(f"ALTER COLUMN [{c}] nvarchar(max)" in sql for c in texts)


class _RecordingCursor:
    """Records what a forecast write sends (statements, executemany rows)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, object]] = []
        self.fast_executemany = False

    def execute(self, sql: str, *params: object) -> None:
        self.sent.append((sql, params))

    def executemany(self, sql: str, rows: list[tuple]) -> None:
        self.sent.append((sql, rows))


def test_forecast_rows_replace_their_week_in_one_transaction():
    import pandas as pd

    from store_pipeline.defs.resources.mssql import replace_forecast_rows
    from store_pipeline.lib.forecast_tables import DEMAND_FORECAST

    frame = pd.DataFrame([(D, "S001", None, "Snacks", D, Decimal("1.50"), Decimal("0.00"),
                           Decimal("3.00"))], columns=DEMAND_FORECAST.column_names)
    cursor = _RecordingCursor()
    replace_forecast_rows(cursor, DEMAND_FORECAST, frame, D)
    statements = [sql for sql, _ in cursor.sent]
    assert statements[0].startswith("IF SCHEMA_ID(N'forecasts') IS NULL")
    assert statements[1].startswith(
        "IF OBJECT_ID(N'forecasts.demand_forecast', N'U') IS NULL CREATE TABLE "
        "forecasts.demand_forecast ([forecast_date] date, [store_code] varchar(32)")
    assert statements[2:] == [
        "BEGIN TRANSACTION", "DELETE FROM forecasts.demand_forecast WHERE forecast_date = ?",
        "INSERT INTO forecasts.demand_forecast ([forecast_date], [store_code], [sku], "
        "[category], [target_date], [units], [lower], [upper]) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        "COMMIT TRANSACTION"]
    assert cursor.sent[3][1] == (D,)
    assert cursor.sent[4][1] == [(D, "S001", None, "Snacks", D, Decimal("1.50"),
                                  Decimal("0.00"), Decimal("3.00"))]
    assert cursor.fast_executemany
