"""dbt threads per run window: as many models at once as DuckDB's memory limit holds."""

from datetime import date

import duckdb
import pytest

from store_pipeline.defs.resources.warehouse import DuckDBWarehouse
from store_pipeline.lib.dbt_threads import memory_bytes, model_threads, profile_threads


@pytest.mark.parametrize(("text", "expected"), [
    ("2GB", 2 * 10**9), ("1.5 GiB", int(1.5 * 2**30)), ("512mb", 512 * 10**6), ("4096", 4096),
])
def test_memory_limits_are_read_as_duckdb_writes_them(text, expected):
    assert memory_bytes(text) == expected


def test_a_memory_limit_that_is_not_one_is_refused():
    with pytest.raises(ValueError, match="not a memory limit"):
        memory_bytes("two gigs")


def test_threads_fall_as_the_window_grows_and_rise_with_the_memory_limit():
    day, quarter, year = 20_000, 900_000, 8_300_000  # sale lines of chain-S and chain-M
    assert model_threads(day, "2GB") == profile_threads()
    assert model_threads(0, "2GB") == profile_threads()
    assert model_threads(quarter, "2GB") == 3
    assert model_threads(year, "2GB") == 1
    assert model_threads(year, "100MB") == 1
    assert model_threads(year, "16GB") == 2


def test_duckdb_counts_the_sale_lines_of_the_window(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    warehouse = DuckDBWarehouse(path=str(path), memory_limit="10MB")
    assert warehouse.sale_lines(date(2026, 1, 1), date(2026, 1, 31)) == 0  # no file yet
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA raw_pos")
    assert warehouse.sale_lines(date(2026, 1, 1), date(2026, 1, 31)) == 0  # no table yet
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE raw_pos.transaction_entry AS SELECT DATE '2026-01-01' + "
                    "CAST(i % 10 AS INTEGER) AS business_date FROM range(20000) t(i)")
    assert warehouse.sale_lines(date(2026, 1, 1), date(2026, 1, 5)) == 10_000
    assert warehouse.dbt_threads(date(2026, 1, 1), date(2026, 1, 1)) == profile_threads()
    assert warehouse.dbt_threads(date(2026, 1, 1), date(2026, 1, 10)) == 1  # 20k lines > 15k
