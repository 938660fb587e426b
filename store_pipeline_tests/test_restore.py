"""Restore of embedded snapshots: idempotent landing and clear errors on bad input."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from store_pipeline.lib.ingest.landing import (
    RestoreError,
    describe_dates,
    land_snapshot,
    land_snapshots,
    landed_dates,
    ledger_rows,
)
from store_pipeline.lib.pos_schema import POS_TABLES, create_table_sql

D = date(2026, 3, 10)


def _snapshot(path: Path, day: date, drop_table: str | None = None,
              drop_column: tuple[str, str] | None = None,
              transactions: tuple[tuple[int, datetime, int], ...] | None = None) -> Path:
    """A minimal POS snapshot: one store; by default two transactions on ``day`` and one the
    day before. ``transactions`` gives (number, time, voided) triples instead."""
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA dbo")
    for table in POS_TABLES:
        con.execute(create_table_sql(table))
    con.execute("INSERT INTO dbo.Store (ID, StoreCode, Name) VALUES (1, 'S001', 'Main St')")
    at = datetime.combine(day, datetime.min.time())
    if transactions is None:
        transactions = ((1, at.replace(hour=9), 0), (2, at.replace(hour=10), 0),
                        (3, at - timedelta(hours=13), 0))
    for number, when, voided in transactions:
        con.execute('INSERT INTO dbo."Transaction" (StoreID, TransactionNumber, Time, Total, '
                    'SalesTax, Voided) VALUES (1, ?, ?, 10.70, 0.70, ?)', [number, when, voided])
        con.execute("INSERT INTO dbo.TenderEntry (StoreID, ID, TransactionNumber, TenderID, Amount)"
                    " VALUES (1, ?, ?, 1, 10.70)", [number, number])
    if drop_table:
        con.execute(f'DROP TABLE dbo."{drop_table}"')
    if drop_column:
        con.execute(f'ALTER TABLE dbo."{drop_column[0]}" DROP COLUMN "{drop_column[1]}"')
    con.close()
    return path


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, datetime.min.time()).replace(hour=hour)


def _raw_transactions(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute('SELECT business_date, TransactionNumber, Voided FROM raw_pos."transaction"'
                       " ORDER BY ALL").fetchall()


def _raw_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t.raw_name: con.execute(f'SELECT count(*) FROM raw_pos."{t.raw_name}"').fetchone()[0]
            for t in POS_TABLES}


@pytest.fixture
def warehouse(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield con
    con.close()


def test_lands_each_date_of_its_window_under_that_date_and_is_idempotent(tmp_path, warehouse):
    snap = _snapshot(tmp_path / "pos_20260310.duckdb", D)
    first = land_snapshot(warehouse, snap, D)
    assert first.rows["transaction"] == 2  # the day before lands under its own date
    assert first.rows["tender_entry"] == 2  # dated through its transaction
    assert first.rows["store"] == 1
    assert first.changed == (D - timedelta(days=1), D)
    assert _raw_transactions(warehouse) == [(D - timedelta(days=1), 3, 0), (D, 1, 0), (D, 2, 0)]
    before = warehouse.execute('SELECT * FROM raw_pos."transaction" ORDER BY ALL').fetchall()
    again = land_snapshot(warehouse, snap, D)
    assert again.changed == ()  # same rows: nothing replaced, nothing to recompute
    query = 'SELECT * FROM raw_pos."transaction" ORDER BY ALL'
    assert warehouse.execute(query).fetchall() == before
    ledger = ledger_rows(warehouse, [D - timedelta(days=1), D])
    assert [(r.rows_backup, r.state_backup) for r in ledger.values()] == [
        (snap.name, None), (snap.name, snap.name)]


def test_raw_tables_of_an_older_release_gain_the_new_columns(tmp_path, warehouse):
    warehouse.execute("CREATE SCHEMA raw_pos")
    warehouse.execute("CREATE TABLE raw_pos.batch (StoreID INTEGER, BatchNumber INTEGER, "
                      "RegisterID INTEGER, OpeningTime TIMESTAMP, ClosingTime TIMESTAMP, "
                      "business_date DATE)")
    warehouse.execute("INSERT INTO raw_pos.batch VALUES (1, 7, 1, NULL, NULL, DATE '2026-03-01')")
    land_snapshot(warehouse, _snapshot(tmp_path / "pos_20260310.duckdb", D), D)
    assert warehouse.execute("SELECT BatchNumber, OpeningTotal, ClosingTotal, NoSalesCount "
                             "FROM raw_pos.batch").fetchall() == [(7, None, None, None)]


def _order_lines(path: Path, lines: tuple[tuple[int, int, datetime | None], ...]) -> Path:
    """Add purchase-order lines (id, units received of 10, ReceivedTime) to a snapshot."""
    con = duckdb.connect(str(path))
    con.executemany("INSERT INTO dbo.PurchaseOrderEntry (StoreID, ID, ItemID, QuantityOrdered, "
                    "QuantityReceived, ReceivedTime) VALUES (1, ?, 1, 10, ?, ?)", lines)
    con.close()
    return path


def test_open_order_lines_are_state_of_their_backups_date(tmp_path, warehouse):
    """A line not received, or received short, lands under the backup's date from that backup
    only; a line received in full lands under its ReceivedTime."""
    before = D - timedelta(days=1)
    first = _order_lines(_snapshot(tmp_path / "pos_20260309.duckdb", before),
                         ((1, 0, None), (2, 6, _at(before, 7)), (3, 10, _at(before, 8))))
    land_snapshot(warehouse, first, before)
    second = _order_lines(_snapshot(tmp_path / "pos_20260310.duckdb", D),
                          ((1, 10, _at(D, 7)), (2, 6, _at(before, 7)), (3, 10, _at(before, 8))))
    land_snapshot(warehouse, second, D)
    query = ("SELECT business_date, ID, QuantityReceived FROM raw_pos.purchase_order_entry "
             "ORDER BY ALL")
    assert warehouse.execute(query).fetchall() == [
        (before, 1, 0), (before, 2, 6), (before, 3, 10),  # state of D - 1 kept; line 3 dated
        (D, 1, 10), (D, 2, 6)]  # line 1 received in full on D; line 2 still short on D
    again = land_snapshot(warehouse, first, before)  # an older backup changes nothing
    assert again.changed == () and warehouse.execute(query).fetchall()[:3] == [
        (before, 1, 0), (before, 2, 6), (before, 3, 10)]


def test_a_late_upload_and_a_next_day_void_replace_the_day_they_belong_to(tmp_path, warehouse):
    day_before = D - timedelta(days=1)
    first = _snapshot(tmp_path / "pos_20260309.duckdb", day_before,
                      transactions=((1, _at(day_before, 9), 0),))
    land_snapshot(warehouse, first, day_before)
    # Backup D: a register's sale of D-1 arrives a day late, and sale 1 was voided this morning.
    late = _snapshot(tmp_path / "pos_20260310.duckdb", D, transactions=(
        (1, _at(day_before, 9), 1), (7, _at(day_before, 20), 0), (2, _at(D, 10), 0)))
    landed = land_snapshot(warehouse, late, D)
    assert landed.changed == (day_before, D)
    assert _raw_transactions(warehouse) == [(day_before, 1, 1), (day_before, 7, 0), (D, 2, 0)]
    held = ledger_rows(warehouse, [day_before])[day_before]
    assert (held.rows_backup, held.state_backup) == (late.name, first.name)


def test_an_older_backup_never_replaces_a_date_a_newer_one_landed(tmp_path, warehouse):
    day_before = D - timedelta(days=1)
    older = _snapshot(tmp_path / "pos_20260309.duckdb", day_before,
                      transactions=((1, _at(day_before, 9), 0),))
    newer = _snapshot(tmp_path / "pos_20260310.duckdb", D,
                      transactions=((1, _at(day_before, 9), 1), (2, _at(D, 10), 0)))
    land_snapshot(warehouse, newer, D)
    landed = land_snapshot(warehouse, older, day_before)  # re-run out of order
    assert landed.changed == (day_before,)  # its own state only: D-1's rows are D's backup's
    assert _raw_transactions(warehouse) == [(day_before, 1, 1), (D, 2, 0)]


def test_a_reissued_backup_with_other_rows_replaces_them(tmp_path, warehouse):
    snap = _snapshot(tmp_path / "pos_20260310.duckdb", D, transactions=((1, _at(D, 9), 0),))
    land_snapshot(warehouse, snap, D)
    snap.unlink()
    _snapshot(snap, D, transactions=((1, _at(D, 9), 0), (2, _at(D, 11), 0)))
    assert land_snapshot(warehouse, snap, D).changed == (D,)
    assert _raw_transactions(warehouse) == [(D, 1, 0), (D, 2, 0)]


def test_dates_before_the_window_are_never_touched(tmp_path, warehouse):
    old = D - timedelta(days=7)
    land_snapshot(warehouse, _snapshot(tmp_path / "pos_20260303.duckdb", old,
                                       transactions=((1, _at(old, 9), 0),)), old)
    landed = land_snapshot(warehouse, _snapshot(tmp_path / "pos_20260310.duckdb", D), D)
    assert old not in landed.changed
    assert (old, 1, 0) in _raw_transactions(warehouse)  # the POS purged it; raw_pos keeps it


def test_a_closed_day_lands_with_no_sales(tmp_path, warehouse):
    closed = D + timedelta(days=1)
    snap = _snapshot(tmp_path / "pos_20260311.duckdb", closed)  # nothing on D + 1 itself
    snap.unlink()
    _snapshot(snap, closed, transactions=((1, _at(D, 9), 0),))
    landed = land_snapshot(warehouse, snap, closed)
    assert landed.rows["transaction"] == 0 and landed.rows["store"] == 1
    assert landed_dates(warehouse, D, closed) == {closed}  # D itself had no backup of its own


def test_rows_dated_after_the_backup_are_quarantined_under_it(tmp_path, warehouse):
    snap = _snapshot(tmp_path / "pos_20260310.duckdb", D, transactions=(
        (1, _at(D, 9), 0), (2, _at(D, 10), 0), (9, _at(D + timedelta(days=365), 10), 0)))
    landed = land_snapshot(warehouse, snap, D)
    assert landed.future_transactions == 1
    assert (D, 9, 0) in _raw_transactions(warehouse)


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
    snap = _snapshot(tmp_path / "pos_20260301.duckdb", D)
    with pytest.raises(RestoreError, match="covers business date 2026-03-10, not 2026-03-01"):
        land_snapshot(warehouse, snap, date(2026, 3, 1))
    assert landed_dates(warehouse, D - timedelta(days=30), D) == set()


def test_failure_mid_landing_rolls_back(tmp_path, warehouse, monkeypatch):
    snap = _snapshot(tmp_path / "pos_20260310.duckdb", D)
    land_snapshot(warehouse, snap, D)
    before = warehouse.execute('SELECT * FROM raw_pos."transaction" ORDER BY 2').fetchall()
    from store_pipeline.lib.ingest import landing

    snap.unlink()
    _snapshot(snap, D, transactions=((5, _at(D, 9), 0),))  # re-issued with other rows
    calls = {"n": 0}
    original = landing._replace

    def failing(con, tables, sources, part):
        calls["n"] += 1
        if calls["n"] == 2:  # just after the transactional tables were replaced
            raise RuntimeError("connection dropped")
        return original(con, tables, sources, part)

    monkeypatch.setattr(landing, "_replace", failing)
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
            con.execute('SELECT * FROM raw_pos."transaction" ORDER BY ALL').fetchall(),
            con.execute("SELECT * FROM raw_pos.tender_entry ORDER BY ALL").fetchall(),
        )
        con.close()
    assert tables[1, 1] == tables[3, 1] == tables[1, 2]
    # Each backup's day before replaced that day's own two sales: the newest backup wins.
    assert len(tables[3, 1][0]) == len(days) + 2  # D - 1 once, the last day twice


def test_relanding_a_range_in_parallel_replaces_its_dates(tmp_path, warehouse):
    days = [D + timedelta(days=n) for n in range(5)]
    snapshots = [(_snapshot(tmp_path / f"pos_{d:%Y%m%d}.duckdb", d), d) for d in days]
    list(land_snapshots(warehouse, snapshots, per_transaction=1, workers=2))
    query = 'SELECT * FROM raw_pos."transaction" ORDER BY ALL'
    first = warehouse.execute(query).fetchall()
    relanded = list(land_snapshots(warehouse, snapshots, per_transaction=1, workers=2))
    assert [r.business_date for r in relanded] == days
    assert warehouse.execute(query).fetchall() == first
    assert len(first) == len(days) + 2  # each day before replaced by the next backup
