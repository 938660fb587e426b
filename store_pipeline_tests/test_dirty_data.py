"""Dirty POS data end to end: the generator spoils known rows, a named dbt check catches each
kind, its quarantine model lists exactly those rows, and the KPIs of the clean rows stay exact.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from store_pipeline.cli.main import main
from store_pipeline.lib.generator import GeneratorConfig, generate_chain
from store_pipeline.lib.generator.dirty import KINDS, MANIFEST_NAME, read_manifest
from store_pipeline.lib.ingest.landing import land_snapshot
from store_pipeline.lib.pos_schema import POS_TABLES, snapshot_file_name
from store_pipeline_tests.dbt_commands import dbt_target, run_dbt

# Arrival patterns (late rows, corrections) are tested in test_arrivals.py; these are final.
CONFIG = GeneratorConfig(stores=2, days=10, end_date=date(2026, 3, 10), seed=5, dirty=True,
                         arrivals=False)
DATES = [CONFIG.first_date + timedelta(days=k) for k in range(CONFIG.days)]
CHECKS = {
    "orphan_lines": "no_orphan_lines",
    "unknown_items": "no_unknown_items",
    "unknown_cashiers": "no_unknown_cashiers",
    "duplicate_rows": "no_duplicate_rows",
    "negative_stock": "no_negative_stock",
    "bad_clock_outs": "no_clock_outs_before_clock_ins",
    "unbalanced_tenders": "no_unbalanced_tenders",
    "future_transactions": "no_future_dated_transactions",
}
# Rows the generator changed in place (the others it added), and the key of each table.
IN_PLACE = ("unknown_items", "unknown_cashiers", "negative_stock", "bad_clock_outs",
            "unbalanced_tenders")
SPOILED_KEYS = {"Transaction": "TransactionNumber", "TransactionEntry": "ID",
                "TenderEntry": "ID", "TimeClock": "ID", "ItemDynamic": "ItemID"}


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    """A dirty chain, every snapshot landed in a fresh warehouse (restore must accept them)."""
    home = tmp_path_factory.mktemp("dirty")
    generate_chain(CONFIG, home / "outbox")
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    try:
        for day in DATES:
            land_snapshot(con, home / "outbox" / snapshot_file_name(day), day,
                          first_date=DATES[0])
    finally:
        con.close()
    return home


@pytest.fixture(scope="module")
def manifest(home) -> pd.DataFrame:
    return read_manifest(home / "outbox")


def _dbt(home: Path, *args: str, **env: str) -> dict[str, dict]:
    """A dbt command on ``home``'s warehouse (``env`` added): run results by node name."""
    run_results = dbt_target(home) / "run_results.json"
    run_results.unlink(missing_ok=True)  # an earlier command's, in a shared home
    done = run_dbt(home, *args, **env)
    assert run_results.is_file(), done.stdout[-3000:]
    return {r["unique_id"].split(".")[2]: r
            for r in json.loads(run_results.read_text())["results"]}


@pytest.fixture(scope="module")
def results(home) -> dict[str, dict]:
    """``dbt build`` over the landed chain: run results by node name."""
    return _dbt(home, "build", "--exclude-resource-type", "unit_test")


@pytest.fixture(scope="module")
def warehouse(home, results):
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


def _quarantine_keys(manifest: pd.DataFrame, kind: str) -> list[tuple]:
    """What the kind's quarantine model should list: (date, store, POS table, key) per row.
    An unbalanced tender entry puts its transaction in quarantine."""
    rows = manifest[manifest["kind"] == kind]
    if kind == "unbalanced_tenders":
        rows = rows.assign(pos_table="Transaction", row_key=rows["transaction_number"])
    if kind == "future_transactions":  # every backup since holds them: the newest quarantines
        rows = rows.assign(business_date=CONFIG.end_date)
    return sorted(zip(rows["business_date"], rows["store_id"], rows["pos_table"],
                      rows["row_key"].astype(int), strict=True))


def test_every_kind_is_injected_on_every_date(manifest):
    counts = Counter(zip(manifest["kind"], manifest["business_date"], strict=True))
    assert {(k, d) for k in KINDS for d in DATES} == set(counts)
    assert max(counts[("future_transactions", d)] for d in DATES) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_caught_by_its_named_check(results, manifest, kind):
    check = results[CHECKS[kind]]
    assert (check["status"], check["failures"]) == ("warn", (manifest["kind"] == kind).sum())


@pytest.mark.parametrize("kind", KINDS)
def test_each_quarantine_model_holds_exactly_the_injected_rows(warehouse, manifest, kind):
    listed = warehouse.execute(
        f"SELECT business_date, store_id, pos_table, record_id FROM quarantine.qua_{kind}"
    ).fetchall()
    assert sorted(listed) == _quarantine_keys(manifest, kind)


def test_summary_counts_every_quarantine_model_per_date(warehouse):
    summary = dict(((d, k), n) for d, k, n in warehouse.execute(
        "SELECT business_date, kind, row_count FROM marts.qua_summary").fetchall())
    assert set(summary) == {(d, k) for d in DATES for k in KINDS}
    for kind in KINDS:
        listed = Counter(d for (d,) in warehouse.execute(
            f"SELECT business_date FROM quarantine.qua_{kind}").fetchall())
        assert {d: summary[(d, kind)] for d in DATES if summary[(d, kind)]} == listed, kind


def test_dirty_data_breaks_no_model_and_fails_no_test(results):
    """Dirty rows are flagged by warnings: nothing errors, fails or is skipped."""
    assert [n for n, r in results.items() if r["status"] in ("error", "fail", "skipped")] == []


@pytest.fixture(scope="module")
def spoiled_home(tmp_path_factory) -> Path:
    """One data home for the spoiled copies of the warehouse, each dbt command's state kept."""
    return tmp_path_factory.mktemp("spoiled")


def _spoiled_copy(home: Path, into: Path, *statements: str) -> Path:
    """``home``'s warehouse copied into ``into``, then changed by ``statements``."""
    shutil.copy(home / "warehouse.duckdb", into / "warehouse.duckdb")
    con = duckdb.connect(str(into / "warehouse.duckdb"))
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()
    return into


def _test_last_day(home: Path, check: str) -> dict:
    """The run result of dbt's test ``check`` over the last date."""
    day = str(DATES[-1])
    return _dbt(home, "test", "--select", check, STORE_PIPELINE_RUN_MIN_DATE=day,
                STORE_PIPELINE_RUN_MAX_DATE=day)[check]


def test_a_raw_check_reads_the_window_and_rows_without_a_date(home, warehouse, results,
                                                              spoiled_home):
    """A day's raw_pos check counts that day's duplicate copies and any row without a business
    date, not the duplicates of the days before it."""
    copies = dict(warehouse.execute("""
        SELECT business_date = ? AS in_window, count(*) FROM (
            SELECT business_date, count(*) OVER (PARTITION BY StoreID, ID, business_date) AS n
            FROM raw_pos.transaction_entry) WHERE n > 1 GROUP BY ALL""", [DATES[-1]]).fetchall())
    assert copies[True] > 0 and copies[False] > 0
    check = "raw_pos_transaction_entry_warnings"
    assert results[check]["failures"] == copies[True] + copies[False]
    spoiled = _spoiled_copy(home, spoiled_home, (
        "INSERT INTO raw_pos.transaction_entry BY NAME SELECT * REPLACE (NULL AS business_date) "
        "FROM raw_pos.transaction_entry LIMIT 1"))
    window = _test_last_day(spoiled, check)
    assert (window["status"], window["failures"]) == ("warn", copies[True] + 1)


def test_a_row_listed_twice_by_any_quarantine_model_fails_the_key_check(home, results,
                                                                         spoiled_home):
    """One failing key per model: a kind the test left out would make it seven."""
    check = "assert_quarantine_keys_unique"
    assert results[check]["status"] == "pass"
    spoiled = _spoiled_copy(home, spoiled_home, *(
        f"INSERT INTO quarantine.qua_{kind} SELECT * FROM quarantine.qua_{kind} "
        f"WHERE business_date = DATE '{DATES[-1]}' LIMIT 1" for kind in KINDS))
    failed = _test_last_day(spoiled, check)
    assert (failed["status"], failed["failures"]) == ("fail", len(KINDS))


def _sales_kpis(snapshot: Path, day: date, spoiled: pd.DataFrame | None) -> dict[tuple, tuple]:
    """transactions, units_sold, net_sales and tax (cents) per (date, store code), straight
    from a snapshot's lines of ``day`` and their transactions; with ``spoiled`` (manifest
    rows) the lines the generator added are left out. Lines of unknown items count."""
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        lines = con.execute("""
            SELECT e.StoreID, e.ID, e.TransactionNumber, CAST(e.Quantity AS BIGINT) AS qty,
                   CAST(e.Price * 100 AS BIGINT) AS price,
                   CAST(e.SalesTax * 100 AS BIGINT) AS tax, t.Voided, s.StoreCode
            FROM dbo.TransactionEntry e
            JOIN dbo.Store s ON s.ID = e.StoreID
            LEFT JOIN dbo."Transaction" t
              ON t.StoreID = e.StoreID AND t.TransactionNumber = e.TransactionNumber
             AND CAST(t.Time AS DATE) = $day
            WHERE CAST(e.TransactionTime AS DATE) = $day""", {"day": day}).df()
    finally:
        con.close()
    if spoiled is not None:
        lines = lines[~_added(lines, spoiled)]
    lines = lines[lines["Voided"].eq(0)]
    lines = lines.assign(net=lines["price"] * lines["qty"], units=lines["qty"].clip(lower=0),
                         sale=lines["TransactionNumber"].where(lines["qty"] > 0))
    kpis = lines.groupby("StoreCode").agg(transactions=("sale", "nunique"),
                                          units=("units", "sum"), net=("net", "sum"),
                                          tax=("tax", "sum"))
    return {(day, code): tuple(int(v) for v in row) for code, row in kpis.iterrows()}


def _added(lines: pd.DataFrame, spoiled: pd.DataFrame) -> pd.Series:
    """Lines the generator added: orphans, second copies, lines of future-dated transactions."""

    def listed(kind: str, pos_table: str, key: str) -> pd.Series:
        rows = spoiled[(spoiled["kind"] == kind) & (spoiled["pos_table"] == pos_table)]
        wanted = set(zip(rows["store_id"], rows["row_key"], strict=True))
        return pd.Series([k in wanted for k in zip(lines["StoreID"], lines[key], strict=True)],
                         index=lines.index, dtype=bool)

    second_copy = (lines.duplicated(["StoreID", "ID"])
                   & listed("duplicate_rows", "TransactionEntry", "ID"))
    assert second_copy.sum() == ((spoiled["kind"] == "duplicate_rows")
                                 & (spoiled["pos_table"] == "TransactionEntry")).sum()
    return (listed("orphan_lines", "TransactionEntry", "ID") | second_copy
            | listed("future_transactions", "Transaction", "TransactionNumber"))


def test_kpis_of_the_clean_rows_stay_exact(home, warehouse, manifest):
    expected, naive = {}, {}
    for day in DATES:
        snapshot = home / "outbox" / snapshot_file_name(day)
        expected |= _sales_kpis(snapshot, day, manifest[manifest["business_date"] == day])
        naive |= _sales_kpis(snapshot, day, None)
    reported = {
        (d, code): (int(n), int(units), int(net * 100), int(tax * 100))
        for d, code, n, units, net, tax in warehouse.execute(
            "SELECT business_date, store_code, transactions, units_sold, net_sales, tax "
            "FROM marts.rpt_daily_sales").fetchall()
    }
    assert len(expected) == len(DATES) * CONFIG.stores
    assert reported == expected
    assert naive != expected  # counted as they are, the dirty rows would move the KPIs


def _held_by(manifest: pd.DataFrame, day: date) -> pd.DataFrame:
    """Manifest rows a snapshot holds: its retention window's, its own stock, and every
    future-dated transaction rung up to its date."""
    in_window = manifest["business_date"] > day - timedelta(days=CONFIG.retention_days)
    own_only = manifest["kind"] == "negative_stock"
    future = (manifest["kind"] == "future_transactions") & (manifest["business_date"] <= day)
    return manifest[(in_window & ~(own_only & (manifest["business_date"] != day))
                     & (manifest["kind"] != "future_transactions")) | future]


def _difference(con: duckdb.DuckDBPyConnection, table: str, first: str,
                second: str) -> pd.DataFrame:
    """Rows of ``first``'s table that ``second``'s lacks, duplicates counted."""
    return con.execute(f'SELECT * FROM {first}.dbo."{table}" '
                       f'EXCEPT ALL SELECT * FROM {second}.dbo."{table}"').df()


def _keys(frame: pd.DataFrame, store: str, key: str) -> list[tuple[int, int]]:
    return sorted(zip(frame[store].astype(int), frame[key].astype(int), strict=True))


def test_the_last_snapshot_differs_from_the_clean_one_in_the_listed_rows_only(
        home, manifest, tmp_path):
    end = CONFIG.end_date
    clean = generate_chain(replace(CONFIG, dirty=False), tmp_path)[-1]
    held = _held_by(manifest, end)
    future = set(held.loc[held["kind"] == "future_transactions", "row_key"])
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{home / 'outbox' / snapshot_file_name(end)}' AS dirty (READ_ONLY)")
        con.execute(f"ATTACH '{clean}' AS clean (READ_ONLY)")
        for table in POS_TABLES:
            added = _difference(con, table.name, "dirty", "clean")
            removed = _difference(con, table.name, "clean", "dirty")
            if table.name not in SPOILED_KEYS:
                assert added.empty and removed.empty, table.name
                continue
            if table.name in ("TransactionEntry", "TenderEntry"):
                of_future = added["TransactionNumber"].isin(future)
                assert of_future.any(), table.name  # the future-dated transaction is whole
                added = added[~of_future]
            rows = held[held["pos_table"] == table.name]
            changed = rows[rows["kind"].isin(IN_PLACE)]
            key = SPOILED_KEYS[table.name]
            assert _keys(added, "StoreID", key) == _keys(rows, "store_id", "row_key"), table
            assert _keys(removed, "StoreID", key) == _keys(changed, "store_id", "row_key")
    finally:
        con.close()


def test_cli_option_same_seed_same_dirty_rows_and_a_clean_run_drops_the_manifest(tmp_path):
    args = ["generate", "--stores", "1", "--days", "2", "--end-date", "2026-03-10", "--seed",
            "3", "--quiet"]
    assert main([*args, "--dirty", "--outbox", str(tmp_path / "a")]) == 0
    assert main([*args, "--dirty", "--outbox", str(tmp_path / "b")]) == 0
    first, second = read_manifest(tmp_path / "a"), read_manifest(tmp_path / "b")
    assert set(first["kind"]) == set(KINDS)
    pd.testing.assert_frame_equal(first, second)
    assert main([*args, "--outbox", str(tmp_path / "a")]) == 0
    assert not (tmp_path / "a" / MANIFEST_NAME).exists()


@pytest.mark.parametrize("rate", [0.0, -0.1, 0.06])
def test_config_rejects_impossible_dirty_rates(rate):
    with pytest.raises(ValueError, match="dirty_rate"):
        GeneratorConfig(end_date=date(2026, 3, 1), dirty=True, dirty_rate=rate)
