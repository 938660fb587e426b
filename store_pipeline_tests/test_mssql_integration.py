"""The SQL Server restore path end to end, against a real server.

Runs only when ``STORE_PIPELINE_MSSQL_SERVER`` (with the other ``STORE_PIPELINE_MSSQL_*``
settings, password included) and ``STORE_PIPELINE_MSSQL_TEST_BACKUP`` (a ``pos_YYYYMMDD.bak``
as this machine sees it; ``STORE_PIPELINE_MSSQL_BACKUP_DIR`` says where the server sees its
folder) are set. It replaces raw_pos rows of that date in ``STORE_PIPELINE_MSSQL_DATABASE``:
point it at a scratch warehouse.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from store_pipeline.cli.doctor import collect_findings
from store_pipeline.defs.resources.mssql import SqlServerWarehouse
from store_pipeline.lib.ingest import mssql_restore, tsql, tsql_landing
from store_pipeline.lib.ingest.files import business_date_of
from store_pipeline.lib.ingest.landing import LandedDate, RestoreError
from store_pipeline.lib.pos_schema import POS_TABLES

_NEEDED = ("STORE_PIPELINE_MSSQL_SERVER", "STORE_PIPELINE_MSSQL_TEST_BACKUP")
_MISSING = [var for var in _NEEDED if not os.environ.get(var)]
pytestmark = pytest.mark.skipif(
    bool(_MISSING), reason=f"needs a SQL Server: {' and '.join(_MISSING)} not set")
_SQLSERVER_CHECKS = ("SQL Server settings", "pyodbc", "ODBC driver", "SQL Server connection",
                     "restore permission")


@pytest.fixture(scope="module")
def warehouse() -> SqlServerWarehouse:
    return SqlServerWarehouse.from_env()


@pytest.fixture(scope="module")
def backup() -> tuple[Path, date]:
    path = Path(os.environ["STORE_PIPELINE_MSSQL_TEST_BACKUP"])
    day = business_date_of(path.name)
    assert day is not None, f"{path.name} is not named pos_YYYYMMDD.bak"
    return path, day


@pytest.fixture(scope="module")
def landed(warehouse, backup) -> LandedDate:
    path, day = backup
    return warehouse.land_backup(path, day, print)


def raw_counts(warehouse: SqlServerWarehouse, day: date) -> dict[str, int]:
    with warehouse.connect() as connection:
        cursor = connection.cursor()
        return {t.raw_name: cursor.execute(f"SELECT COUNT_BIG(*) FROM {tsql.raw_table(t)} "
                                           "WHERE business_date = ?", day).fetchone()[0]
                for t in POS_TABLES}


def test_doctor_passes_the_server_checks(monkeypatch):
    monkeypatch.setenv("STORE_PIPELINE_WAREHOUSE", "sqlserver")
    findings = {f.name: f for f in collect_findings()}
    for name in _SQLSERVER_CHECKS:
        assert findings[name].ok, findings[name]


def test_verify_backup(warehouse, backup):
    warehouse.verify_backup(backup[0])


def test_landing_reports_progress_and_is_idempotent(warehouse, backup, landed):
    path, day = backup
    assert landed.rows["transaction"] > 0 and landed.rows["store"] > 0
    assert raw_counts(warehouse, day) == landed.rows
    logged: list[str] = []
    again = warehouse.land_backup(path, day, logged.append)
    assert f"{path.name}: 100 percent processed." in logged
    assert again.rows == landed.rows and again.changed == ()  # the same rows: none replaced
    assert raw_counts(warehouse, day) == landed.rows


def test_backup_of_another_date_leaves_raw_pos_untouched(warehouse, backup, landed):
    path, day = backup
    with pytest.raises(RestoreError, match=f"covers business date {day}"):
        warehouse.land_backup(path, day + timedelta(days=30), print)
    assert raw_counts(warehouse, day) == landed.rows


def test_failure_mid_landing_rolls_back(warehouse, backup, landed, monkeypatch):
    path, day = backup
    original = tsql_landing.replace_statements

    def broken(table, database, business_date, days):
        delete, insert = original(table, database, business_date, days)
        if table.raw_name == "time_clock":  # after raw_pos.transaction was replaced
            insert = tsql.Statement(insert.sql.replace("s.[BreakMinutes]", "s.[NoSuchColumn]"),
                                    insert.params)
        return delete, insert

    with warehouse.connect() as connection:  # forget the ledger: every date lands again
        connection.cursor().execute(f"DELETE FROM {tsql_landing.LEDGER}")
    monkeypatch.setattr(mssql_restore.tsql_landing, "replace_statements", broken)
    with pytest.raises(RestoreError, match="landing into raw_pos failed: Invalid column name"):
        warehouse.land_backup(path, day, print)
    assert raw_counts(warehouse, day) == landed.rows
