"""dbt unit tests of the KPI formulas, the row_rules data test and the nightly incremental
materialisation (macros/window_append.sql), on an empty DuckDB warehouse with the raw layer's
shape.

The tests share one data home, each with a new warehouse in it, so that each dbt command
finds the parse state and the compiled templates of the one before.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from store_pipeline.cli.main import main
from store_pipeline.lib.ingest.landing import create_raw_tables
from store_pipeline_tests.dbt_commands import dbt_target, run_dbt


@pytest.fixture(scope="module")
def shared_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("dbt-unit")


@pytest.fixture
def home(shared_home: Path) -> Path:
    """The module's data home, its warehouse new and empty, dbt's parse state kept."""
    for leftover in shared_home.glob("warehouse.duckdb*"):
        leftover.unlink()
    return shared_home


def _empty_models(home: Path, *select: str) -> None:
    """The raw layer's tables, empty, and the models (those of ``select``) built on them."""
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    create_raw_tables(con)
    con.close()
    empty = run_dbt(home, "run", "--empty", *select)
    assert empty.returncode == 0, empty.stdout[-3000:]


def test_kpi_unit_tests_pass(home: Path):
    _empty_models(home)
    unit = run_dbt(home, "test", "--select", "test_type:unit")
    assert unit.returncode == 0, unit.stdout[-3000:]
    assert " PASS=" in unit.stdout and " ERROR=0 " in unit.stdout


def test_row_rules_fail_and_name_each_broken_rule_per_row(home: Path):
    """One row_rules test checks a mart's key and rules; each broken rule is a failing row."""
    _empty_models(home, "--select", "+rpt_hourly_sales")
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    con.execute("""
        INSERT INTO marts.rpt_hourly_sales (business_date, store_code, hour, staff_on_clock)
        VALUES ('2026-03-09', 'S001', 9, 1), ('2026-03-09', 'S001', 10, 1),
               ('2026-03-09', 'S001', 10, 2), ('2026-03-09', 'S001', 24, -1),
               ('2026-03-09', NULL, 11, 0)""")
    con.close()
    test = run_dbt(home, "test", "--select", "rpt_hourly_sales_invariants", "--store-failures")
    assert test.returncode == 1 and "FAIL 5 rpt_hourly_sales_invariants" in test.stdout, \
        test.stdout[-3000:]
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    [(schema,)] = con.execute("SELECT schema_name FROM duckdb_tables() "
                              "WHERE table_name = 'rpt_hourly_sales_invariants'").fetchall()
    failed = con.execute(f"SELECT hour, store_code, failed_rule FROM {schema}."
                         "rpt_hourly_sales_invariants ORDER BY ALL").fetchall()
    con.close()
    key = "unique (business_date, store_code, hour)"
    assert failed == [(10, "S001", key), (10, "S001", key), (11, None, "store_code is not null"),
                      (24, "S001", "hour between 0 and 23"), (24, "S001", "staff_on_clock >= 0")]


WINDOW = {"STORE_PIPELINE_RUN_MIN_DATE": "2026-03-09", "STORE_PIPELINE_RUN_MAX_DATE": "2026-03-09"}
LINE = "INSERT INTO marts.fct_sales (business_date, store_id, transaction_number) VALUES "


def _sales_lines(home: Path) -> list[tuple]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    rows = con.execute("SELECT business_date::VARCHAR, transaction_number FROM marts.fct_sales "
                       "ORDER BY ALL").fetchall()
    con.close()
    return rows


def test_a_nightly_run_replaces_its_window_from_the_query_alone(home: Path):
    """The run window's rows are deleted and the query's appended, in one transaction, with no
    temporary table; the rows of other dates stay."""
    _empty_models(home, "--select", "+fct_sales")
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    con.execute(LINE + "('2026-03-08', 1, 1), ('2026-03-09', 1, 2)")
    con.close()
    run = run_dbt(home, "run", "--select", "fct_sales", DBT_LOG_LEVEL_FILE="debug", **WINDOW)
    assert run.returncode == 0, run.stdout[-3000:]
    assert _sales_lines(home) == [("2026-03-08", 1)]  # the raw layer has no sale on the 9th
    log = (dbt_target(home) / "dbt.log").read_text()
    node = log[log.rindex("Began executing node model.store_pipeline.fct_sales"):]
    assert 'insert into "warehouse"."marts"."fct_sales" by name select * from (' in node
    assert "__dbt_tmp" not in node


@pytest.mark.parametrize("change", [
    ("ADD COLUMN loyalty_points INTEGER", "loyalty_points: INTEGER -> not in the model"),
    ("ALTER COLUMN units_sold TYPE DOUBLE", "units_sold: DOUBLE -> DECIMAL(19,4)"),
])
def test_a_changed_column_stops_the_nightly_run_and_keeps_the_window(home: Path, change):
    """on_schema_change fail: the run says which column changed and how, and the window's
    rows, deleted in the same transaction, are still there."""
    alter, said = change
    _empty_models(home, "--select", "+fct_sales")
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    con.execute(f"ALTER TABLE marts.fct_sales {alter}")
    con.execute(LINE + "('2026-03-09', 1, 2)")
    con.close()
    run = run_dbt(home, "run", "--select", "fct_sales", **WINDOW)
    assert run.returncode == 1
    assert "The columns of" in run.stdout and said in run.stdout, run.stdout[-3000:]
    assert "--full-refresh" in run.stdout
    assert _sales_lines(home) == [("2026-03-09", 2)]


def test_dbt_sends_no_usage_statistics(home: Path, monkeypatch):
    """dbt's default is to send usage events to dbt Labs; the project's flags turn it off."""
    from dbt import tracking

    monkeypatch.setenv("STORE_PIPELINE_HOME", str(home))
    assert main(["dbt", "ls", "--quiet", "--select", "dim_date"]) == 0  # in this process
    assert tracking.active_user is not None and tracking.active_user.do_not_track


def test_the_run_window_comes_from_the_environment_unless_vars_set_it(home: Path):
    """Dagster passes the window as environment variables (partial parsing survives them).
    Last in the module: its ``--vars`` make the next invocation parse the whole project."""
    window = {"STORE_PIPELINE_RUN_MIN_DATE": "2026-03-01",
              "STORE_PIPELINE_RUN_MAX_DATE": "2026-03-07"}
    compiled = dbt_target(home) / "compiled" / "store_pipeline" / "models" / "marts"

    by_env = run_dbt(home, "compile", "--select", "fct_sales", **window)
    assert by_env.returncode == 0, by_env.stdout[-3000:]
    sql = (compiled / "fct_sales.sql").read_text()
    assert "cast('2026-03-01' as date)" in sql and "cast('2026-03-07' as date)" in sql

    by_vars = run_dbt(home, "compile", "--select", "fct_sales", "--vars",
                   '{"min_date": "2026-02-01", "max_date": "2026-02-02"}', **window)
    assert by_vars.returncode == 0, by_vars.stdout[-3000:]
    sql = (compiled / "fct_sales.sql").read_text()
    assert "cast('2026-02-01' as date)" in sql and "2026-03-01" not in sql
