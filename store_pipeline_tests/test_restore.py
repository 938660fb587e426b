"""Restore of embedded snapshots: idempotent landing and clear errors on bad input."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from store_pipeline.ingest.restore import (
    RestoreError,
    describe_dates,
    land_snapshot,
    land_snapshots,
    landed_dates,
)
from store_pipeline.pos_schema import POS_TABLES, create_table_sql

D = date(2026, 3, 10)


def _snapshot(path: Path, day: date, drop_table: str | None = None,
              drop_column: tuple[str, str] | None = None) -> Path:
    """A minimal POS snapshot: one store, two transactions on ``day``, one the day before."""
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA dbo")
    for table in POS_TABLES:
        con.execute(create_table_sql(table))
    con.execute("INSERT INTO dbo.Store (ID, StoreCode, Name) VALUES (1, 'S001', 'Main St')")
    at = datetime.combine(day, datetime.min.time())
    for number, when in ((1, at.replace(hour=9)), (2, at.replace(hour=10)),
                         (3, at.replace(day=day.day - 1, hour=11))):
        con.execute('INSERT INTO dbo."Transaction" (StoreID, TransactionNumber, Time, Total, '
                    'SalesTax, Voided) VALUES (1, ?, ?, 10.70, 0.70, 0)', [number, when])
        con.execute("INSERT INTO dbo.TenderEntry (StoreID, ID, TransactionNumber, TenderID, Amount)"
                    " VALUES (1, ?, ?, 1, 10.70)", [number, number])
    if drop_table:
        con.execute(f'DROP TABLE dbo."{drop_table}"')
    if drop_column:
        con.execute(f'ALTER TABLE dbo."{drop_column[0]}" DROP COLUMN "{drop_column[1]}"')
    con.close()
    return path


def _raw_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t.raw_name: con.execute(f'SELECT count(*) FROM raw_pos."{t.raw_name}"').fetchone()[0]
            for t in POS_TABLES}


@pytest.fixture
def warehouse(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield con
    con.close()


def test_lands_the_business_date_only_and_is_idempotent(tmp_path, warehouse):
    snap = _snapshot(tmp_path / "pos_20260310.duckdb", D)
    first = land_snapshot(warehouse, snap, D)
    assert first.rows["transaction"] == 2  # the day before is not D's
    assert first.rows["tender_entry"] == 2  # dated through its transaction
    assert first.rows["store"] == 1
    before = warehouse.execute('SELECT * FROM raw_pos."transaction" ORDER BY 2').fetchall()
    land_snapshot(warehouse, snap, D)
    assert warehouse.execute('SELECT * FROM raw_pos."transaction" ORDER BY 2').fetchall() == before


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"drop_table": "TenderEntry"}, "table dbo.TenderEntry is missing"),
        ({"drop_column": ("Transaction", "Voided")}, "dbo.Transaction lacks column(s) Voided"),
    ],
)
def test_schema_problems_name_the_file_and_leave_raw_untouched(tmp_path, warehouse, kwargs,
                                                               message):
    land_snapshot(warehouse, _snapshot(tmp_path / "good.duckdb", D), D)
    before = _raw_counts(warehouse)
    bad = _snapshot(tmp_path / "pos_20260310.duckdb", D, **kwargs)
    with pytest.raises(RestoreError) as err:
        land_snapshot(warehouse, bad, D)
    assert "pos_20260310.duckdb" in str(err.value) and message in str(err.value)
    assert _raw_counts(warehouse) == before


def test_not_a_database(tmp_path, warehouse):
    bad = tmp_path / "pos_20260310.duckdb"
    bad.write_bytes(b"this is a truncated backup" * 100)
    with pytest.raises(RestoreError, match=r"pos_20260310\.duckdb is not a readable DuckDB"):
        land_snapshot(warehouse, bad, D)


def test_snapshot_of_another_date(tmp_path, warehouse):
    snap = _snapshot(tmp_path / "pos_20260311.duckdb", D)
    with pytest.raises(RestoreError, match="covers business date 2026-03-10, not 2026-03-11"):
        land_snapshot(warehouse, snap, date(2026, 3, 11))


def test_failure_mid_landing_rolls_back(tmp_path, warehouse, monkeypatch):
    snap = _snapshot(tmp_path / "pos_20260310.duckdb", D)
    land_snapshot(warehouse, snap, D)
    before = warehouse.execute('SELECT * FROM raw_pos."transaction" ORDER BY 2').fetchall()
    from store_pipeline.ingest import restore

    calls = {"n": 0}
    original = restore._land_table

    def failing(con, table, day):
        calls["n"] += 1
        if calls["n"] == 13:  # just after raw_pos.transaction was replaced
            raise RuntimeError("connection dropped")
        return original(con, table, day)

    monkeypatch.setattr(restore, "_land_table", failing)
    with pytest.raises(RuntimeError, match="connection dropped"):
        land_snapshot(warehouse, snap, D)
    assert warehouse.execute('SELECT * FROM raw_pos."transaction" ORDER BY 2').fetchall() == before


def test_missing_dates_are_listed_with_consecutive_runs_folded():
    days = [date(2026, 7, 9), date(2026, 7, 1), date(2026, 7, 2), date(2026, 7, 3),
            date(2026, 7, 5)]
    assert describe_dates(days) == "2026-07-01..2026-07-03, 2026-07-05, 2026-07-09"
    assert describe_dates([]) == ""


def test_landed_dates_are_the_dates_with_transactions(tmp_path, warehouse):
    assert landed_dates(warehouse, D - timedelta(days=2), D) == set()  # nothing landed yet
    land_snapshot(warehouse, _snapshot(tmp_path / "pos_20260310.duckdb", D), D)
    assert landed_dates(warehouse, D - timedelta(days=2), D + timedelta(days=1)) == {D}
    assert landed_dates(warehouse, D + timedelta(days=1), D + timedelta(days=3)) == set()


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failure_rolls_back_only_its_own_transactions_dates(tmp_path, warehouse, workers):
    days = [D + timedelta(days=n) for n in range(4)]
    snapshots = [(_snapshot(tmp_path / f"pos_{d:%Y%m%d}.duckdb", d), d) for d in days]
    broken = tmp_path / "pos_broken.duckdb"
    broken.write_bytes(b"not a database")
    snapshots[3] = (broken, days[3])
    landed = []
    with pytest.raises(RestoreError, match=r"pos_broken\.duckdb"):
        for result in land_snapshots(warehouse, snapshots, per_transaction=2, workers=workers):
            landed.append(result.business_date)
    assert landed == days[:2]  # committed before the second transaction failed
    assert landed_dates(warehouse, days[0], days[-1]) == set(days[:2])  # days[2] rolled back
    assert not warehouse.execute(
        "SELECT count(*) FROM duckdb_databases() WHERE database_name LIKE 'pos_snapshot%'"
    ).fetchone()[0]


def test_dates_landed_together_match_dates_landed_one_by_one(tmp_path):
    days = [D + timedelta(days=n) for n in range(5)]
    snapshots = [(_snapshot(tmp_path / f"pos_{d:%Y%m%d}.duckdb", d), d) for d in days]
    tables = {}
    for per_transaction, workers in ((1, 1), (3, 1), (1, 2)):
        con = duckdb.connect(str(tmp_path / f"w{per_transaction}x{workers}.duckdb"))
        landed = list(land_snapshots(con, snapshots, per_transaction, workers))
        assert [r.business_date for r in landed] == days
        tables[per_transaction, workers] = (
            [r.rows for r in landed],
            con.execute('SELECT * FROM raw_pos."transaction" ORDER BY ALL').fetchall(),
            con.execute("SELECT * FROM raw_pos.tender_entry ORDER BY ALL").fetchall(),
        )
        con.close()
    assert tables[1, 1] == tables[3, 1] == tables[1, 2]
    assert tables[3, 1][0][0]["transaction"] == 2


def test_relanding_a_range_in_parallel_replaces_its_dates(tmp_path, warehouse):
    days = [D + timedelta(days=n) for n in range(5)]
    snapshots = [(_snapshot(tmp_path / f"pos_{d:%Y%m%d}.duckdb", d), d) for d in days]
    list(land_snapshots(warehouse, snapshots, per_transaction=1, workers=2))
    query = 'SELECT * FROM raw_pos."transaction" ORDER BY ALL'
    first = warehouse.execute(query).fetchall()
    relanded = list(land_snapshots(warehouse, snapshots, per_transaction=1, workers=2))
    assert [r.business_date for r in relanded] == days
    assert warehouse.execute(query).fetchall() == first
    assert len(first) == 2 * len(days)
