"""The POS simulator: snapshot contract, determinism, money, staffing, retention and stock."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from store_pipeline.lib.generator import GeneratorConfig, build_world, generate_chain
from store_pipeline.lib.generator.arrivals import ARRIVALS_MANIFEST, REISSUED_FOLDER
from store_pipeline.lib.generator.reference import DEPARTMENTS
from store_pipeline.lib.generator.sampling import RowSampler
from store_pipeline.lib.generator.snapshot import write_snapshot
from store_pipeline.lib.pos_schema import POS_TABLES, TENDER_TYPES, snapshot_file_name

CONFIG = GeneratorConfig(stores=2, days=21, end_date=date(2026, 3, 15), seed=7,
                         retention_days=7, transactions_per_store_day=150, items=200,
                         customers_per_store=200)
DATES = [CONFIG.first_date + timedelta(days=k) for k in range(CONFIG.days)]
TRANSACTIONAL = {t.name: t.date_column for t in POS_TABLES if t.date_column}


@dataclass(frozen=True)
class Chain:
    outbox: Path
    paths: list[Path]
    progress: list[tuple[int, int]]


@pytest.fixture(scope="module")
def chain(tmp_path_factory) -> Chain:
    outbox = tmp_path_factory.mktemp("outbox")
    calls: list[tuple[int, int]] = []
    paths = generate_chain(CONFIG, outbox, progress=lambda *done_total: calls.append(done_total))
    return Chain(outbox, paths, calls)


@pytest.fixture(scope="module")
def db(chain):
    """Every snapshot attached read-only under its file stem (``pos_YYYYMMDD``)."""
    con = duckdb.connect()
    for path in chain.paths:
        con.execute(f"ATTACH '{path}' AS {path.stem} (READ_ONLY)")
    yield con
    con.close()


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def _value(con: duckdb.DuckDBPyConnection, sql: str):
    return _rows(con, sql)[0][0]


def _db(day: date) -> str:
    """The attachment name of a date's snapshot."""
    return Path(snapshot_file_name(day)).stem


LAST = _db(DATES[-1])


def test_one_snapshot_per_date_in_order_and_nothing_else_left(chain):
    assert [p.name for p in chain.paths] == [snapshot_file_name(d) for d in DATES]
    assert sorted(p.name for p in chain.outbox.iterdir()) == sorted(
        [p.name for p in chain.paths] + [ARRIVALS_MANIFEST, REISSUED_FOLDER])
    assert [p.name for p in (chain.outbox / REISSUED_FOLDER).iterdir()] == [
        snapshot_file_name(CONFIG.reissue())]
    assert chain.progress == [(k, CONFIG.days) for k in range(1, CONFIG.days + 1)]


def test_every_table_matches_the_schema_contract(db):
    tables = _rows(db, f"SELECT table_name FROM information_schema.tables "
                       f"WHERE table_catalog = '{LAST}' AND table_schema = 'dbo'")
    assert sorted(t for (t,) in tables) == sorted(t.name for t in POS_TABLES)
    for table in POS_TABLES:
        described = _rows(db, f'DESCRIBE {LAST}.dbo."{table.name}"')
        assert [(c, t) for c, t, *_ in described] == list(table.columns), table.name
        assert _value(db, f'SELECT count(*) FROM {LAST}.dbo."{table.name}"') > 0, table.name


def _table_contents(path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {t.name: _rows(con, f'SELECT * FROM dbo."{t.name}" ORDER BY ALL')
                for t in POS_TABLES}


def test_same_seed_gives_the_same_tables_and_another_seed_does_not(tmp_path):
    small = GeneratorConfig(stores=1, days=2, end_date=date(2026, 3, 15), seed=11,
                            transactions_per_store_day=60, items=60, customers_per_store=50)
    first = generate_chain(small, tmp_path / "a")
    again = generate_chain(small, tmp_path / "b")
    other = generate_chain(replace(small, seed=12), tmp_path / "c")
    for one, two in zip(first, again, strict=True):
        assert _table_contents(one) == _table_contents(two)
    assert (_table_contents(first[-1])["TransactionEntry"]
            != _table_contents(other[-1])["TransactionEntry"])


def test_lines_total_and_tenders_agree_to_the_cent(db):
    mismatches, checked = _rows(db, f"""
        WITH lines AS (
            SELECT StoreID, TransactionNumber, sum(Price * Quantity + SalesTax) AS amount,
                   sum(SalesTax) AS tax
            FROM {LAST}.dbo.TransactionEntry GROUP BY StoreID, TransactionNumber),
        paid AS (
            SELECT StoreID, TransactionNumber, sum(Amount) AS amount
            FROM {LAST}.dbo.TenderEntry GROUP BY StoreID, TransactionNumber)
        SELECT sum(CASE WHEN t.Total = l.amount AND t.Total = p.amount AND t.SalesTax = l.tax
                   THEN 0 ELSE 1 END), count(*)
        FROM {LAST}.dbo."Transaction" t
        LEFT JOIN lines l USING (StoreID, TransactionNumber)
        LEFT JOIN paid p USING (StoreID, TransactionNumber)
        WHERE t.Voided = 0""")[0]
    assert checked > 1000 and mismatches == 0
    off_cent = _value(db, f"""
        SELECT count(*) FROM {LAST}.dbo.TransactionEntry
        WHERE Price * 100 <> round(Price * 100) OR SalesTax * 100 <> round(SalesTax * 100)""")
    assert off_cent == 0


def test_line_tax_is_the_store_rate_rounded_to_the_cent(db):
    world = build_world(CONFIG)
    rates = pd.DataFrame({"StoreID": world.stores.store["ID"], "rate": world.stores.tax_rate})
    taxable = pd.DataFrame({"Department": [d.name for d in DEPARTMENTS],
                            "taxable": [int(d.taxable) for d in DEPARTMENTS]})
    db.register("store_rates", rates)
    db.register("department_taxable", taxable)
    worst, exempt_lines = _rows(db, f"""
        SELECT max(abs(e.SalesTax - e.Price * e.Quantity * r.rate * x.taxable)),
               sum(1 - x.taxable)
        FROM {LAST}.dbo.TransactionEntry e
        JOIN store_rates r USING (StoreID)
        JOIN {LAST}.dbo.Item i ON i.ID = e.ItemID
        JOIN {LAST}.dbo.Department d ON d.ID = i.DepartmentID
        JOIN department_taxable x ON x.Department = d.Name""")[0]
    assert worst <= 0.005 + 1e-9 and exempt_lines > 0


def test_voided_transactions_keep_their_lines_and_take_no_payment(db):
    voided, with_lines, with_tenders, total = _rows(db, f"""
        SELECT sum(Voided),
               sum(CASE WHEN Voided = 1 AND EXISTS (SELECT 1 FROM {LAST}.dbo.TransactionEntry e
                   WHERE e.StoreID = t.StoreID AND e.TransactionNumber = t.TransactionNumber)
                   THEN 1 ELSE 0 END),
               sum(CASE WHEN Voided = 1 AND EXISTS (SELECT 1 FROM {LAST}.dbo.TenderEntry e
                   WHERE e.StoreID = t.StoreID AND e.TransactionNumber = t.TransactionNumber)
                   THEN 1 ELSE 0 END),
               count(*)
        FROM {LAST}.dbo."Transaction" t""")[0]
    assert 0.003 < voided / total < 0.03
    assert with_lines == voided and with_tenders == 0


def test_returns_discounts_and_refunds(db):
    returns, discounted, over_list = _rows(db, f"""
        SELECT avg(CASE WHEN Quantity < 0 THEN 1.0 ELSE 0 END),
               avg(CASE WHEN Quantity > 0 AND Price < FullPrice THEN 1.0 ELSE 0 END),
               sum(CASE WHEN Price > FullPrice OR Price <= 0 THEN 1 ELSE 0 END)
        FROM {LAST}.dbo.TransactionEntry""")[0]
    assert 0.02 <= returns <= 0.04
    assert 0.05 < discounted < 0.25 and over_list == 0
    refunds = _value(db, f"""
        SELECT count(*) FROM {LAST}.dbo."Transaction" t JOIN {LAST}.dbo.TenderEntry p
            USING (StoreID, TransactionNumber)
        WHERE t.Voided = 0 AND t.Total < 0 AND p.Amount < 0""")
    assert refunds > 0


def test_split_tenders_and_every_tender_type_occur(db):
    split = _value(db, f"""
        SELECT count(*) FROM (SELECT StoreID, TransactionNumber FROM {LAST}.dbo.TenderEntry
                              GROUP BY StoreID, TransactionNumber
                              HAVING count(*) > 1 AND min(Amount) > 0)""")
    assert split > 10
    types = _rows(db, f"""SELECT DISTINCT d.TenderType FROM {LAST}.dbo.TenderEntry e
                          JOIN {LAST}.dbo.Tender d ON d.ID = e.TenderID""")
    assert sorted(t for (t,) in types) == sorted(TENDER_TYPES)


@pytest.mark.parametrize("day", [DATES[0], DATES[10], DATES[-1]])
def test_transactional_tables_hold_exactly_the_retention_window(db, day):
    name = _db(day)
    first = day - timedelta(days=CONFIG.retention_days - 1)
    for table, column in TRANSACTIONAL.items():
        low, high = _rows(db, f'SELECT min(CAST("{column}" AS DATE)), '
                              f'max(CAST("{column}" AS DATE)) FROM {name}.dbo."{table}"')[0]
        assert (low, high) == (first, day), table
    orphans = _value(db, f"""SELECT count(*) FROM {name}.dbo.TenderEntry p
        ANTI JOIN {name}.dbo."Transaction" t USING (StoreID, TransactionNumber)""")
    assert orphans == 0


def test_every_sale_is_rung_up_by_someone_clocked_in_on_an_open_batch(db):
    unclocked = _value(db, f"""
        SELECT count(*) FROM {LAST}.dbo."Transaction" t
        WHERE NOT EXISTS (SELECT 1 FROM {LAST}.dbo.TimeClock k
                          WHERE k.StoreID = t.StoreID AND k.CashierID = t.CashierID
                            AND t.Time >= k.TimeIn AND t.Time < k.TimeOut)""")
    outside_batch = _value(db, f"""
        SELECT count(*) FROM {LAST}.dbo."Transaction" t JOIN {LAST}.dbo.Batch b
            USING (StoreID, BatchNumber)
        WHERE b.RegisterID <> t.RegisterID OR t.Time NOT BETWEEN b.OpeningTime AND b.ClosingTime""")
    assert unclocked == 0 and outside_batch == 0


def test_drawers_count_their_cash_with_small_errors_and_rare_thefts(db):
    off, miscounted, thefts, paid_out, no_sales, refunds = _rows(db, f"""
        WITH cash AS (
            SELECT t.StoreID, t.BatchNumber, sum(e.Amount) AS net,
                   sum(CASE WHEN e.Amount < 0 THEN 1 ELSE 0 END) AS refunds
            FROM {LAST}.dbo.TenderEntry e JOIN {LAST}.dbo."Transaction" t
                USING (StoreID, TransactionNumber)
            JOIN {LAST}.dbo.Tender d ON d.ID = e.TenderID
            WHERE d.TenderType = 'cash' AND t.Voided = 0 GROUP BY ALL),
        counted AS (
            SELECT b.ClosingTotal - (b.OpeningTotal + coalesce(c.net, 0) - b.PaidOut
                                     - b.Dropped) AS over_short, b.*, c.refunds
            FROM {LAST}.dbo.Batch b LEFT JOIN cash c USING (StoreID, BatchNumber))
        SELECT sum(CASE WHEN over_short <> 0 THEN 1 ELSE 0 END),
               sum(CASE WHEN abs(over_short) BETWEEN 0.01 AND 3 THEN 1 ELSE 0 END),
               sum(CASE WHEN over_short BETWEEN -100 AND -20 THEN 1 ELSE 0 END),
               sum(CASE WHEN PaidOut > 0 THEN 1 ELSE 0 END), sum(NoSalesCount),
               sum(refunds)
        FROM counted""")[0]
    assert miscounted > 0 and off == miscounted + thefts  # nothing else is off
    assert paid_out > 0 and no_sales > 0 and refunds > 0


def test_shifts_stay_within_the_day_with_breaks_and_some_overtime(db):
    crossing, odd_breaks, overtime, stockers_on_till = _rows(db, f"""
        SELECT sum(CASE WHEN CAST(TimeIn AS DATE) <> CAST(TimeOut AS DATE)
                        OR TimeOut <= TimeIn THEN 1 ELSE 0 END),
               sum(CASE WHEN BreakMinutes NOT IN (0, 30, 60) THEN 1 ELSE 0 END),
               sum(CASE WHEN epoch(TimeOut - TimeIn) / 3600 - BreakMinutes / 60 > 8
                   THEN 1 ELSE 0 END),
               (SELECT count(*) FROM {LAST}.dbo."Transaction" t JOIN {LAST}.dbo.Cashier c
                    ON c.ID = t.CashierID WHERE c.Position = 'Stock Associate' OR c.Inactive = 1)
        FROM {LAST}.dbo.TimeClock""")[0]
    assert crossing == 0 and odd_breaks == 0 and overtime > 0 and stockers_on_till == 0


def test_customers_are_known_on_about_a_third_of_transactions(db):
    share, unknown = _rows(db, f"""
        SELECT avg(CASE WHEN CustomerID IS NULL THEN 0.0 ELSE 1 END),
               count(CustomerID) - count(c.ID)
        FROM {LAST}.dbo."Transaction" t LEFT JOIN {LAST}.dbo.Customer c ON c.ID = t.CustomerID
        """)[0]
    assert 0.28 < share < 0.42 and unknown == 0


def test_on_hand_follows_sales_returns_and_receipts(db):
    """Stock moves by the day's final sales, which the next backup holds (the day's own may
    lack a late register's, or count a sale voided the next morning)."""
    for before, day, after in zip(DATES, DATES[1:], DATES[2:], strict=False):
        old, new, final = _db(before), _db(day), _db(after)
        wrong = _value(db, f"""
            WITH moved AS (
                SELECT e.StoreID, e.ItemID, -sum(e.Quantity) AS units
                FROM {final}.dbo.TransactionEntry e JOIN {final}.dbo."Transaction" t
                    USING (StoreID, TransactionNumber)
                WHERE t.Voided = 0 AND CAST(t.Time AS DATE) = DATE '{day}'
                GROUP BY e.StoreID, e.ItemID
                UNION ALL
                SELECT StoreID, ItemID, sum(QuantityReceived)
                FROM {new}.dbo.PurchaseOrderEntry
                WHERE CAST(ReceivedTime AS DATE) = DATE '{day}' GROUP BY StoreID, ItemID),
            net AS (SELECT StoreID, ItemID, sum(units) AS units FROM moved
                    GROUP BY StoreID, ItemID)
            SELECT count(*) FROM {new}.dbo.ItemDynamic n
            JOIN {old}.dbo.ItemDynamic o USING (StoreID, ItemID)
            LEFT JOIN net USING (StoreID, ItemID)
            WHERE n.Quantity <> o.Quantity + coalesce(net.units, 0) OR n.Quantity < 0""")
        assert wrong == 0, day


def _stocked_out(db: duckdb.DuckDBPyConnection, name: str) -> int:
    return _value(db, f"""SELECT count(*) FROM {name}.dbo.ItemDynamic d JOIN {name}.dbo.Item i
                          ON i.ID = d.ItemID WHERE d.Quantity = 0 AND i.Inactive = 0""")


def test_stock_runs_out_and_gets_replenished(db):
    assert _stocked_out(db, LAST) > _stocked_out(db, _db(DATES[0])) > 0
    receipts, short, orders, refilled = _rows(db, f"""
        SELECT count(*), sum(CASE WHEN QuantityReceived < QuantityOrdered THEN 1 ELSE 0 END),
               count(DISTINCT PONumber),
               sum(CASE WHEN d.Quantity > d.ReorderPoint THEN 1 ELSE 0 END)
        FROM {LAST}.dbo.PurchaseOrderEntry p JOIN {LAST}.dbo.ItemDynamic d
            USING (StoreID, ItemID)""")[0]
    assert receipts > 50 and short < receipts and orders < receipts and refilled > 0


def test_last_sold_is_maintained_and_some_stock_is_dead(db):
    dead, stale = _rows(db, f"""
        SELECT sum(CASE WHEN Quantity > 0 AND (LastSold IS NULL
                        OR LastSold < TIMESTAMP '{DATES[-1]}' - INTERVAL 60 DAY)
                   THEN 1 ELSE 0 END),
               (SELECT count(*) FROM {LAST}.dbo.TransactionEntry e
                JOIN {LAST}.dbo."Transaction" t USING (StoreID, TransactionNumber)
                JOIN {LAST}.dbo.ItemDynamic d USING (StoreID, ItemID)
                WHERE t.Voided = 0 AND e.Quantity > 0
                  AND (d.LastSold IS NULL OR e.TransactionTime > d.LastSold))
        FROM {LAST}.dbo.ItemDynamic""")[0]
    assert dead > 0 and stale == 0


def test_quiet_days_without_sales_or_deliveries_still_make_snapshots(tmp_path):
    quiet = GeneratorConfig(stores=1, days=10, end_date=date(2026, 3, 15), retention_days=1,
                            transactions_per_store_day=1, items=50, customers_per_store=5)
    paths = generate_chain(quiet, tmp_path)
    contents = [_table_contents(p) for p in paths]
    counts = [{t: len(rows) for t, rows in c.items()} for c in contents]
    assert len(paths) == quiet.days
    assert min(c["Transaction"] for c in counts) == 0
    received = [[line for line in c["PurchaseOrderEntry"] if line[-1] is not None]
                for c in contents]
    assert min(map(len, received)) == 0
    assert all(c["ItemDynamic"] == quiet.items and c["TimeClock"] > 0 for c in counts)


def test_row_sampler_reproduces_each_rows_distribution():
    rng = np.random.default_rng(5)
    weights = rng.lognormal(0.0, 1.5, (6, 300)) * (rng.random((6, 300)) > 0.1)
    weights[0] = 1.0
    sampler = RowSampler.from_weights(weights)
    keep = sampler.keep.reshape(weights.shape)
    alias = sampler.alias.reshape(weights.shape)
    lent = [np.bincount(a, weights=1.0 - k, minlength=sampler.width)
            for a, k in zip(alias, keep, strict=True)]
    implied = (keep + np.array(lent)) / sampler.width
    assert np.allclose(implied, weights / weights.sum(axis=1, keepdims=True), rtol=0, atol=1e-12)
    assert (weights[1, sampler.draw(rng, np.ones(20_000, dtype=np.int64))] > 0).all()


def test_a_failed_write_leaves_no_file_behind(tmp_path):
    target = tmp_path / snapshot_file_name(DATES[0])
    with pytest.raises(KeyError):
        write_snapshot(target, {})
    assert list(tmp_path.iterdir()) == []


def test_config_rejects_impossible_values():
    with pytest.raises(ValueError, match="stores"):
        GeneratorConfig(end_date=date(2026, 3, 1), stores=0)
    with pytest.raises(ValueError, match="retention_days"):
        GeneratorConfig(end_date=date(2026, 3, 1), retention_days=0)
