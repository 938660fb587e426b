"""The whole lineage on the embedded default: backup -> raw_pos -> dbt -> exports -> reports."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from store_pipeline.lib.settings import load_settings
from store_pipeline_tests.contracts import EXPORT_COLUMNS

END = date(2026, 3, 10)
DAYS = 10
START = END - timedelta(days=DAYS - 1)
CLOSED = START + timedelta(days=3)  # a holiday: every store closed
CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def settings():
    return load_settings()


def chain_config():
    """The chain this module and test_report_figures build in the session's one data home
    (whichever runs first builds it for both)."""
    from store_pipeline.lib.generator import GeneratorConfig

    return GeneratorConfig(stores=3, days=DAYS, end_date=END, seed=11, closed_dates=(CLOSED,))


@pytest.fixture(scope="module")
def built(settings):
    """A 3-store chain generated and every asset materialised over its ten days."""
    from store_pipeline.cli.runner import materialize_range
    from store_pipeline.definitions import defs
    from store_pipeline.defs.partitions import (
        daily_partitions,
        monthly_partitions,
        weekly_partitions,
    )
    from store_pipeline.instance.config import get_instance
    from store_pipeline.lib.generator import generate_chain

    generate_chain(chain_config(), outbox=settings.outbox)
    partitions = {"daily": daily_partitions, "weekly": weekly_partitions,
                  "monthly": monthly_partitions}
    instance = get_instance(settings)
    runs = materialize_range(defs(), partitions, START, END, instance, announce=lambda _: None)
    assert [(r.job_name, r.success) for r in runs] == [
        ("ingestion_job", True), ("analytics_job", True), ("weekly_reports_job", True),
        ("monthly_reports_job", True)]
    return instance


def _digest(paths: list[Path]) -> dict[str, str]:
    return {p.name + str(p.parent.name): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def _table_digests(warehouse: Path) -> dict[str, str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE schema_name IN ('raw_pos', 'marts') ORDER BY 1, 2"
        ).fetchall()
        return {
            f"{s}.{t}": con.execute(
                f'SELECT count(*), sum(hash(x)) FROM (SELECT * FROM {s}."{t}") x'
            ).fetchone()
            for s, t in tables
        }
    finally:
        con.close()


def test_every_stage_materialised(built, settings):
    from dagster import AssetKey

    for key in (["pos_backup"], ["raw_pos", "transaction"], ["marts", "fct_sales"],
                ["marts", "rpt_daily_sales"], ["exports", "daily_sales_summary"],
                ["reports", "sales_dashboard"]):
        done = built.get_materialized_partitions(AssetKey(key))
        assert {START.isoformat(), END.isoformat()} <= done, key
    assert (settings.reports / "index.html").is_file()
    assert (settings.reports / "plotly.min.js").is_file()
    assert list((settings.reports / "monthly").glob("*/business_review.html"))
    assert list((settings.reports / "weekly").glob("*/inventory_analysis.html"))
    # A dimension describes the newest state: materialised once by the range run, unpartitioned.
    latest = built.get_latest_materialization_event(AssetKey(["marts", "dim_products"]))
    assert latest is not None and latest.dagster_event.partition is None


def test_dbt_source_tests_are_checks_of_raw_pos(built):
    import dagster as dg

    [run] = built.get_run_records(dg.RunsFilter(job_name="analytics_job"), limit=1)
    run_id = run.dagster_run.run_id
    checked = {e.dagster_event.event_specific_data.asset_check_key for e in built.all_logs(
        run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)}
    raw = {key for key in checked if key.asset_key.path[0] == "raw_pos"}
    assert dg.AssetCheckKey(dg.AssetKey(["raw_pos", "transaction"]),
                            "raw_pos_transaction_warnings") in raw
    assert not built.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_OBSERVATION)
    messages = [e.user_message for e in built.all_logs(run_id)]
    assert not [m for m in messages if "instead of an `AssetCheckResult`" in m]
    assert not [m for m in messages if "which is not selected" in m]


@pytest.mark.parametrize("name", sorted(EXPORT_COLUMNS))
def test_export_columns_follow_the_contract(built, settings, name):
    for day in (START, END):
        path = settings.exports / day.isoformat() / f"{name}.csv"
        header = path.read_text(encoding="utf-8").splitlines()[0]
        assert header == EXPORT_COLUMNS[name]


def _independent_daily_figures(snapshot: Path) -> dict[tuple[str, str], dict[str, Decimal]]:
    """Net sales, transactions, units and tax per store and day straight from the POS tables."""
    con = duckdb.connect(str(snapshot), read_only=True)
    rows = con.execute("""
        SELECT CAST(t.Time AS DATE) AS d, s.StoreCode,
               sum(e.Price * e.Quantity) AS net_sales,
               count(DISTINCT CASE WHEN e.Quantity > 0 THEN t.TransactionNumber END) AS trans,
               sum(CASE WHEN e.Quantity > 0 THEN e.Quantity ELSE 0 END) AS units,
               sum(e.SalesTax) AS tax
        FROM dbo."Transaction" t
        JOIN dbo.TransactionEntry e
          ON e.StoreID = t.StoreID AND e.TransactionNumber = t.TransactionNumber
        JOIN dbo.Store s ON s.ID = t.StoreID
        WHERE t.Voided = 0
        GROUP BY CAST(t.Time AS DATE), s.StoreCode
    """).fetchall()
    con.close()
    return {
        (d.isoformat(), code): {"net_sales": Decimal(str(n)).quantize(CENT),
                                "transactions": Decimal(tr), "units_sold": Decimal(str(u)),
                                "tax": Decimal(str(tx)).quantize(CENT)}
        for d, code, n, tr, u, tx in rows
    }


def test_export_figures_equal_an_independent_computation(built, settings):
    expected = _independent_daily_figures(settings.outbox / f"pos_{END:%Y%m%d}.duckdb")
    checked = 0
    for day in (END - timedelta(days=i) for i in range(7)):  # the snapshot's retention
        path = settings.exports / day.isoformat() / "daily_sales_summary.csv"
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["transactions"] == "0":  # open, no sales: nothing to compute
                    assert (row["business_date"], row["store_code"]) not in expected
                    assert Decimal(row["net_sales"]) == 0
                    continue
                want = expected.pop((row["business_date"], row["store_code"]))
                for column, value in want.items():
                    assert Decimal(row[column]) == value, (day, row["store_code"], column)
                checked += 1
    assert checked >= 6 * 3  # seven days, one of them closed
    assert not [k for k in expected if k[0] >= (END - timedelta(days=6)).isoformat()]


def _csv_rows(settings, day: date, name: str) -> list[dict[str, str]]:
    with (settings.exports / day.isoformat() / f"{name}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _cents(value: str) -> Decimal | None:
    return Decimal(value).quantize(CENT) if value else None


def _independent_drawers(snapshot: Path) -> dict[tuple, tuple]:
    """(date, store, batch) -> (cash sales, cash refunds, expected cash, over/short) straight
    from the POS tables: OpeningTotal + cash tenders of non-voided transactions - PaidOut -
    Dropped, and ClosingTotal less that."""
    con = duckdb.connect(str(snapshot), read_only=True)
    rows = con.execute("""
        WITH cash AS (
            SELECT t.StoreID, t.BatchNumber,
                   sum(CASE WHEN e.Amount > 0 THEN e.Amount ELSE 0 END) AS sales,
                   sum(CASE WHEN e.Amount < 0 THEN -e.Amount ELSE 0 END) AS refunds
            FROM dbo.TenderEntry e
            JOIN dbo."Transaction" t USING (StoreID, TransactionNumber)
            JOIN dbo.Tender d ON d.ID = e.TenderID
            WHERE d.TenderType = 'cash' AND t.Voided = 0 GROUP BY ALL)
        SELECT CAST(b.OpeningTime AS DATE), s.StoreCode, b.BatchNumber,
               coalesce(c.sales, 0), coalesce(c.refunds, 0),
               b.OpeningTotal + coalesce(c.sales, 0) - coalesce(c.refunds, 0) - b.PaidOut
                   - b.Dropped AS expected,
               b.ClosingTotal
        FROM dbo.Batch b JOIN dbo.Store s ON s.ID = b.StoreID
        LEFT JOIN cash c USING (StoreID, BatchNumber)""").fetchall()
    con.close()
    return {(d.isoformat(), code, str(batch)): (
        Decimal(sales), Decimal(refunds), Decimal(expected),
        None if closing is None else Decimal(closing) - Decimal(expected))
        for d, code, batch, sales, refunds, expected, closing in rows}


def test_cash_over_short_equals_an_independent_computation(built, settings):
    expected = _independent_drawers(settings.outbox / f"pos_{END:%Y%m%d}.duckdb")
    seen, refunded = 0, 0
    for day in (END, END - timedelta(days=2), END - timedelta(days=5)):
        for row in _csv_rows(settings, day, "cash_over_short"):
            sales, refunds, cash, over_short = expected.pop(
                (row["business_date"], row["store_code"], row["batch_number"]))
            assert (_cents(row["cash_sales"]), _cents(row["cash_refunds"]),
                    _cents(row["expected_cash"])) == (sales, refunds, cash)
            assert _cents(row["over_short"]) == over_short
            assert row["flagged"] == ("1" if over_short and abs(over_short) > 5 else "0")
            seen, refunded = seen + 1, refunded + (refunds > 0)
    assert seen >= 3 * 2 * 3 and refunded > 0  # three days of at least two registers a store
    open_today = [r for r in _csv_rows(settings, END, "cash_over_short") if not r["closing_total"]]
    assert open_today and all(r["over_short"] == "" and r["flagged"] == "0" for r in open_today)


def _independent_reorders(snapshot: Path) -> dict[tuple, tuple]:
    """(store, sku) -> (on order, suggested units) from a backup's own state: active items at
    or below their reorder point, ordered up to the restock level less on hand and on order
    (open purchase-order lines: not received, or received short)."""
    con = duckdb.connect(str(snapshot), read_only=True)
    rows = con.execute("""
        WITH on_order AS (
            SELECT StoreID, ItemID, sum(QuantityOrdered - QuantityReceived) AS units
            FROM dbo.PurchaseOrderEntry
            WHERE ReceivedTime IS NULL OR QuantityReceived < QuantityOrdered GROUP BY ALL)
        SELECT s.StoreCode, i.ItemLookupCode, coalesce(o.units, 0),
               greatest(0, d.RestockLevel - greatest(d.Quantity, 0) - coalesce(o.units, 0))
        FROM dbo.ItemDynamic d JOIN dbo.Item i ON i.ID = d.ItemID
        JOIN dbo.Store s ON s.ID = d.StoreID
        LEFT JOIN on_order o USING (StoreID, ItemID)
        WHERE i.Inactive = 0 AND d.Quantity <= d.ReorderPoint""").fetchall()
    con.close()
    return {(code, sku): (Decimal(units), Decimal(suggested))
            for code, sku, units, suggested in rows}


def test_reorder_suggestions_equal_an_independent_computation(built, settings):
    not_covered = 0
    for day in (END, END - timedelta(days=4)):
        expected = _independent_reorders(settings.outbox / f"pos_{day:%Y%m%d}.duckdb")
        found = {(r["store_code"], r["sku"]): (Decimal(r["on_order_units"]),
                                               Decimal(r["suggested_order_units"]))
                 for r in _csv_rows(settings, day, "reorder_suggestions")}
        assert found == expected and any(units > 0 for units, _ in found.values())
        not_covered += sum(units > 0 and suggested > 0 for units, suggested in found.values())
    assert not_covered > 0  # stock on order that does not reach the restock level


def test_cashier_exceptions_count_what_each_cashier_rang(built, settings):
    con = duckdb.connect(str(settings.outbox / f"pos_{END:%Y%m%d}.duckdb"), read_only=True)
    expected = {(code, number): (rung, voided) for code, number, rung, voided in con.execute("""
        SELECT s.StoreCode, c.Number, count(*), sum(t.Voided)
        FROM dbo."Transaction" t JOIN dbo.Store s ON s.ID = t.StoreID
        JOIN dbo.Cashier c ON c.ID = t.CashierID
        WHERE CAST(t.Time AS DATE) = ? GROUP BY ALL""", [END]).fetchall()}
    con.close()
    rows = _csv_rows(settings, END, "cashier_exceptions")
    assert {(r["store_code"], r["employee_number"]): (int(r["transactions"]),
                                                      int(r["voided_transactions"]))
            for r in rows} == expected
    assert {r["void_flag"] for r in rows} <= {"0", "1"}


def test_rematerialising_a_partition_changes_nothing(built, settings):
    from store_pipeline.definitions import defs

    files = sorted(settings.exports.rglob("*.csv")) + sorted(
        (settings.reports / "daily" / END.isoformat()).glob("*.html"))
    before_files, before_tables = _digest(files), _table_digests(settings.warehouse_path)
    result = defs().resolve_job_def("daily_pipeline_job").execute_in_process(
        instance=built, partition_key=END.isoformat())
    assert result.success
    assert _digest(files) == before_files
    assert _table_digests(settings.warehouse_path) == before_tables


_GATED_RUN = """
import sys
from store_pipeline.definitions import defs
from store_pipeline.instance.config import get_instance
from store_pipeline.lib.settings import load_settings
job, partition = sys.argv[1:3]
instance = get_instance(load_settings())
print("ready", flush=True)
sys.stdin.readline()
result = defs().resolve_job_def(job).execute_in_process(instance=instance, partition_key=partition)
sys.exit(0 if result.success else 1)
"""


def _gated_run(job: str, partition: date) -> subprocess.Popen:
    """A run in its own process, as the daemon launches it; it starts when told to."""
    process = subprocess.Popen(
        [sys.executable, "-c", _GATED_RUN, job, partition.isoformat()], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    _read_until(process, "ready")
    return process


def _read_until(process: subprocess.Popen, *needles: str) -> str:
    seen = []
    for line in process.stdout:
        seen.append(line)
        if all(n in line for n in needles):
            return "".join(seen)
    raise AssertionError("".join(seen)[-3000:])


def _go(process: subprocess.Popen) -> None:
    process.stdin.write("go\n")
    process.stdin.flush()


def test_overlapping_runs_queue_on_the_warehouse(built):
    """Ingestion starts while the analytics run holds the warehouse: it waits, both succeed."""
    analytics, ingestion = _gated_run("analytics_job", END), _gated_run("ingestion_job", END)
    _go(analytics)
    head = _read_until(analytics, "STEP_START", "store_dbt_models")  # dbt holds the warehouse
    _go(ingestion)
    ingestion_out = ingestion.communicate(timeout=300)[0]
    analytics_out = head + analytics.communicate(timeout=300)[0]
    assert analytics.returncode == 0, analytics_out[-3000:]
    assert ingestion.returncode == 0, ingestion_out[-3000:]
    assert "blocked by limit for pool warehouse" in ingestion_out


def test_missing_backup_names_the_file_and_the_folder(built, settings):
    from store_pipeline.definitions import defs

    missing = (END + timedelta(days=3)).isoformat()
    result = defs().resolve_job_def("ingestion_job").execute_in_process(
        instance=built, partition_key=missing, raise_on_error=False)
    assert not result.success
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    message = str(failure.event_specific_data.error)
    assert "pos_20260313.duckdb" in message and str(settings.outbox) in message


def _newest_dbt_run(settings) -> Path:
    return max((settings.home / "dbt" / "runs").iterdir(), key=lambda p: p.stat().st_mtime)


def test_dbt_reuses_its_parse_state_across_runs(built, settings, monkeypatch):
    """The window reaches dbt outside --vars, so a second run does not parse the project."""
    from store_pipeline.definitions import defs

    # The runs of the fixture logged at INFO, without the queries; DEBUG says how dbt parsed.
    first = _newest_dbt_run(settings)
    first_log = (first / "dbt.log").read_text()
    assert "On model.store_pipeline." not in first_log
    assert "[info ]" in first_log and '"info": {' not in first_log  # text, as dbt's CLI's
    assert not (first / "run_results.json").exists()  # artifacts only when asked for
    monkeypatch.setenv("DBT_LOG_LEVEL_FILE", "debug")
    result = defs().resolve_job_def("analytics_job").execute_in_process(
        instance=built, partition_key=END.isoformat())
    assert result.success
    assert (settings.home / "dbt" / "partial_parse.msgpack").is_file()
    assert (settings.home / "dbt" / "jinja_code.marshal").is_file()  # templates compiled
    assert (settings.home / "dbt" / "dbt_schemas.marshal").is_file()  # schemas built
    log = (_newest_dbt_run(settings) / "dbt.log").read_text()
    assert "On model.store_pipeline." in log
    assert "Nothing changed, skipping partial parsing" in log
    assert "Unable to do partial parsing" not in log


def _views_created(settings) -> set[str]:
    log = (_newest_dbt_run(settings) / "dbt.log").read_text()
    return set(re.findall(r"OK created sql view model (\w+\.\w+)", log))


def test_views_are_created_only_when_changed_or_missing(built, settings):
    """A view holds no data: a run leaves an unchanged one as it is, and creates it again when
    its definition changed or the warehouse lost it. Views that data tests read are created
    every run, so that their tests run."""
    from store_pipeline.definitions import defs
    from store_pipeline.lib.dbt_manifest import MANIFEST
    from store_pipeline.lib.dbt_views import view_nodes

    manifest = json.loads(MANIFEST.read_text())
    views = {f"{n['schema']}.{n['name']}" for n in manifest["nodes"].values()
             if n["resource_type"] == "model" and n["config"]["materialized"] == "view"}
    tested = views - {f"{n['schema']}.{n['name']}" for n in view_nodes(manifest).values()}
    assert "staging.stg_pos__item" not in tested and "staging.stg_pos__category" not in tested
    job = defs().resolve_job_def("analytics_job")
    assert job.execute_in_process(instance=built, partition_key=END.isoformat()).success
    assert _views_created(settings) == tested
    state = settings.dbt / "views_built.json"
    fingerprints = json.loads(state.read_text())
    fingerprints["model.store_pipeline.stg_pos__item"] = "an older definition"
    state.write_text(json.dumps(fingerprints))
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute("DROP VIEW staging.stg_pos__category")
    assert job.execute_in_process(instance=built, partition_key=END.isoformat()).success
    assert _views_created(settings) == tested | {"staging.stg_pos__item",
                                                 "staging.stg_pos__category"}


def test_a_window_without_raw_data_fails_before_dbt(built, settings):
    from store_pipeline.cli.runner import run_config
    from store_pipeline.definitions import defs

    dbt_runs = set((settings.home / "dbt" / "runs").iterdir())
    job = defs().resolve_job_def("analytics_job")
    result = job.execute_in_process(
        instance=built, raise_on_error=False, run_config=run_config(job, full_refresh=True),
        tags={"dagster/asset_partition_range_start": (END - timedelta(days=1)).isoformat(),
              "dagster/asset_partition_range_end": (END + timedelta(days=3)).isoformat()})
    assert not result.success
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    message = str(failure.event_specific_data.error)
    assert f"{END + timedelta(days=1)}..{END + timedelta(days=3)}" in message
    assert "3 date(s)" in message
    assert set((settings.home / "dbt" / "runs").iterdir()) == dbt_runs  # dbt never started


def test_full_refresh_rebuilds_every_mart_to_the_same_rows(built, settings, monkeypatch):
    from store_pipeline.cli.runner import materialize_range
    from store_pipeline.definitions import defs
    from store_pipeline.defs.partitions import (
        daily_partitions,
        monthly_partitions,
        weekly_partitions,
    )

    before = _table_digests(settings.warehouse_path)
    monkeypatch.setenv("DBT_WRITE_JSON", "true")  # run_results.json tells what dbt was asked
    partitions = {"daily": daily_partitions, "weekly": weekly_partitions,
                  "monthly": monthly_partitions}
    runs = materialize_range(defs(), partitions, END, END, built, announce=lambda _: None,
                             full_refresh=True)
    assert [r.success for r in runs] == [True] * 4
    results = json.loads((_newest_dbt_run(settings) / "run_results.json").read_text())
    assert results["args"]["full_refresh"] is True
    assert _table_digests(settings.warehouse_path) == before


def test_backfill_only_runs_the_chosen_partitionings(built):
    from store_pipeline.cli.main import main

    before = {r.dagster_run.run_id for r in built.get_run_records()}
    day = END.isoformat()
    assert main(["backfill", "--start", day, "--end", day, "--only", "weekly", "monthly"]) == 0
    new = [r.dagster_run.job_name for r in built.get_run_records()
           if r.dagster_run.run_id not in before]
    assert sorted(new) == ["monthly_reports_job", "weekly_reports_job"]


def test_the_forecast_runs_only_when_named_and_says_when_history_is_short(built):
    """The ten days here are too few to train on (test_kpi_marts forecasts a longer chain)."""
    import dagster as dg

    from store_pipeline.cli.main import main

    before = {r.dagster_run.run_id for r in built.get_run_records()}
    today = END + timedelta(days=1)  # the week in progress, forecast from the history before it
    assert main(["backfill", "--start", today.isoformat(), "--end", today.isoformat(),
                 "--only", "forecast"]) == 1
    [run] = [r.dagster_run for r in built.get_run_records() if r.dagster_run.run_id not in before]
    assert run.job_name == "forecast_job"
    [failure] = built.get_records_for_run(run.run_id,
                                          of_type=dg.DagsterEventType.STEP_FAILURE).records
    message = failure.event_log_entry.dagster_event.step_failure_data.error.message
    monday = today - timedelta(days=today.weekday())
    assert f"no forecast for the week of {monday}" in message
    assert "days of history to train on" in message


NIGHTLY = """
import os, shutil, sys, time
from datetime import date, timedelta
from pathlib import Path

source, outbox = Path(sys.argv[1]), Path(os.environ["STORE_PIPELINE_OUTBOX"])
from store_pipeline.definitions import defs
from store_pipeline.instance.config import get_instance
from store_pipeline.defs.partitions import daily_partitions, monthly_partitions, weekly_partitions
from store_pipeline.cli.runner import materialize_range
from store_pipeline.lib.settings import load_settings

partitions = {"daily": daily_partitions, "weekly": weekly_partitions,
              "monthly": monthly_partitions}
instance = get_instance(load_settings())


def arrive(name, folder=source):
    outbox.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(folder / name, outbox / name)
    time.sleep(0.01)  # a new mtime, as a re-issued file has


def run(first, last):
    runs = materialize_range(defs(), partitions, date.fromisoformat(first),
                             date.fromisoformat(last), instance, announce=print,
                             only={"daily"})
    assert all(r.success for r in runs), runs


for step in sys.argv[2:]:
    action, _, value = step.partition("=")
    if action == "arrive":
        arrive(value)
    elif action == "first_issue":
        arrive(value, source / "reissued")
    else:
        run(*value.split(".."))
"""


def _night(day: date) -> list[str]:
    name = f"pos_{day:%Y%m%d}.duckdb"
    return [f"arrive={name}", f"run={day}..{day}"]


def test_nightly_runs_late_data_and_reruns_converge_to_the_backfill(built, settings, tmp_path):
    """Going live over the days before a re-issued backup, then a night at a time until its
    fix arrives, a catch-up of the nights the server was down and a re-run of an old date:
    every export and mart row equals the from-scratch backfill's."""
    reissued = next((settings.outbox / "reissued").iterdir()).name
    reissued_day = date.fromisoformat(f"{reissued[4:8]}-{reissued[8:10]}-{reissued[10:12]}")
    live = reissued_day - timedelta(days=1)
    assert live > START and reissued_day + timedelta(days=2) < END
    steps = [f"arrive=pos_{d:%Y%m%d}.duckdb" for d in _days(START, live)]
    steps.append(f"run={START}..{live}")
    steps += [f"first_issue={reissued}", f"run={reissued_day}..{reissued_day}"]
    fixed = reissued_day + timedelta(days=1)  # the fixed backup arrives a day later
    steps += [*_night(fixed), f"arrive={reissued}", f"run={reissued_day}..{reissued_day}"]
    down = _days(fixed + timedelta(days=1), END)  # the nights the server was down
    steps += [f"arrive=pos_{d:%Y%m%d}.duckdb" for d in down] + [f"run={down[0]}..{END}"]
    steps.append(f"run={START + timedelta(days=1)}..{START + timedelta(days=1)}")  # a re-run
    home = tmp_path / "home"
    env = {**os.environ, "STORE_PIPELINE_HOME": str(home),
           "STORE_PIPELINE_OUTBOX": str(home / "pos_outbox"),
           "DAGSTER_HOME": str(home / "dagster_home")}
    done = subprocess.run([sys.executable, "-c", NIGHTLY, str(settings.outbox), *steps],
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "read dates this landing changed: rebuilding them" in done.stdout
    for day in _days(START, END):
        ours = sorted((home / "exports" / day.isoformat()).glob("*.csv"))
        theirs = sorted((settings.exports / day.isoformat()).glob("*.csv"))
        assert [p.name for p in ours] == [p.name for p in theirs]
        assert _digest(ours) == _digest(theirs), day
    ignore = {"raw_pos.landed_dates"}  # when each date changed differs, by design
    nightly = {k: v for k, v in _table_digests(home / "warehouse.duckdb").items()
               if k not in ignore}
    assert nightly == {k: v for k, v in _table_digests(settings.warehouse_path).items()
                       if k not in ignore}


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def test_a_closed_day_builds_exports_and_says_so(built, settings):
    with (settings.exports / CLOSED.isoformat() / "daily_sales_summary.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3  # every open store, with no sales
    assert {r["transactions"] for r in rows} == {"0"}
    assert {r["avg_transaction_value"] for r in rows} == {""}  # a ratio of nothing is NULL
    page = settings.reports / "daily" / CLOSED.isoformat() / "sales_dashboard.html"
    assert "Every store was closed" in page.read_text()
    assert page.stat().st_mode & 0o777 == 0o644
