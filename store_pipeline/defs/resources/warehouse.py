"""The embedded warehouse: one DuckDB file, one writing process at a time.

Runs that overlap (the sensor's ingestion, the 03:00 analytics run, a backfill) queue in Dagster
through the ``warehouse`` pool; a process outside Dagster that holds the file (a notebook, the dbt
CLI) is waited for here, with backoff, instead of failing on DuckDB's lock.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

from store_pipeline.lib.csv_export import CopyExporter, Export
from store_pipeline.lib.dbt_threads import model_threads
from store_pipeline.lib.dbt_views import existing_views
from store_pipeline.lib.forecast_tables import SCHEMA, ForecastTable
from store_pipeline.lib.ingest.landing import (
    LandedDate,
    land_snapshots,
    landed_dates,
    sale_lines,
)
from store_pipeline.lib.ingest.landing_plan import DEFAULT_RETENTION_DAYS
from store_pipeline.lib.reports.data import Fetch

WAREHOUSE_POOL = "warehouse"
# A long range lands in transactions of this many dates (one commit per date cost more than
# the inserts themselves; a failure rolls back its own transaction's dates only), as many
# transactions at once as the warehouse has threads.
LANDING_DATES_PER_TRANSACTION = 16


class WarehouseBusy(RuntimeError):
    """Another process held the warehouse file for longer than the lock timeout."""


def _is_lock_error(error: duckdb.Error) -> bool:
    text = str(error)
    return "lock" in text.lower() and ("Conflicting" in text or "Could not set" in text)


def connect_with_retry(path: Path, read_only: bool = False, timeout: float = 600.0,
                       log: Callable[[str], None] | None = None) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file, waiting while another process holds its lock."""
    deadline = time.monotonic() + timeout
    delay = 0.2
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as error:
            if not _is_lock_error(error):
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"{path} stayed locked by another process for {timeout:.0f} s: {error}"
                ) from error
            if log:
                log(f"warehouse {path.name} is busy; retrying in {delay:.1f} s")
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


WriteDays = Callable[[Path, Sequence[date], Sequence[Export]],
                     Iterator[tuple[date, dict[str, int]]]]


class Warehouse(dg.ConfigurableResource):
    """Where raw_pos and the dbt models live: DuckDB (embedded) or SQL Server (production)."""

    # The chain's first business date: a backup's window never lands dates before it, so a
    # from-scratch build and a nightly one read the same history.
    first_date: str = ""
    retention_days: int = DEFAULT_RETENTION_DAYS  # full days of transactions a backup keeps

    def landing_rules(self) -> tuple[int, date | None]:
        """(retention days, first date) for the landing functions."""
        return self.retention_days, date.fromisoformat(self.first_date) if self.first_date \
            else None

    def land_backups(self, backups: Sequence[tuple[Path, date]],
                     log: Callable[[str], None]) -> Iterator[LandedDate]:
        """Restore each (backup, business date) and land the date's rows in raw_pos, over one
        connection; each date's result is yielded once it is committed."""
        raise NotImplementedError

    def land_backup(self, path: Path, business_date: date,
                    log: Callable[[str], None]) -> LandedDate:
        """Land one backup."""
        [landed] = self.land_backups([(path, business_date)], log)
        return landed

    def landed_dates(self, start: date, end: date) -> set[date]:
        """Business dates from ``start`` to ``end`` that have transactions in raw_pos."""
        raise NotImplementedError

    def views(self) -> set[tuple[str, str]]:
        """(schema, name) of every view the warehouse has, lower-cased."""
        raise NotImplementedError

    def dbt_threads(self, start: date, end: date) -> int | None:
        """dbt threads for a run over ``start`` .. ``end``; None keeps the profile's."""
        return None

    def reader(self, log: Callable[[str], None] | None = None) -> AbstractContextManager[Fetch]:
        """A ``fetch(table, start, end, date_column="business_date")`` over the marts, for one
        connection's lifetime."""
        raise NotImplementedError

    def replace_forecast(self, table: ForecastTable, frame: pd.DataFrame,
                         forecast_date: date) -> None:
        """Replace ``table``'s rows of ``forecast_date`` with ``frame`` (its columns, in order),
        creating the schema and table when missing."""
        raise NotImplementedError

    def exporter(self,
                 log: Callable[[str], None] | None = None) -> AbstractContextManager[WriteDays]:
        """A ``write_days(exports_dir, days, exports)`` for one connection's lifetime, yielding
        each day, in order, with the rows written per export."""
        raise NotImplementedError


class DuckDBWarehouse(Warehouse):
    """The DuckDB warehouse file that dbt-duckdb builds and the exports and reports read."""

    path: str
    lock_timeout_seconds: float = 900.0
    threads: int = 2
    memory_limit: str = "2GB"

    @contextmanager
    def connect(self, read_only: bool = False,
                log: Callable[[str], None] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection that waits for the file lock and is always closed."""
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        con = connect_with_retry(Path(self.path), read_only, self.lock_timeout_seconds, log)
        try:
            con.execute(f"SET threads = {int(self.threads)}")
            con.execute(f"SET memory_limit = '{self.memory_limit}'")
            yield con
        finally:
            con.close()

    def land_backups(self, backups: Sequence[tuple[Path, date]],
                     log: Callable[[str], None]) -> Iterator[LandedDate]:
        with self.connect(log=log) as con:
            retention_days, first_date = self.landing_rules()
            yield from land_snapshots(
                con, backups, LANDING_DATES_PER_TRANSACTION, workers=self.threads,
                retention_days=retention_days, first_date=first_date)

    def landed_dates(self, start: date, end: date) -> set[date]:
        if not Path(self.path).is_file():
            return set()
        with self.connect(read_only=True) as con:
            return landed_dates(con, start, end)

    def views(self) -> set[tuple[str, str]]:
        if not Path(self.path).is_file():
            return set()
        with self.connect(read_only=True) as con:
            return existing_views(con.cursor())

    def dbt_threads(self, start: date, end: date) -> int | None:
        """As many models at once as the window's sale lines fit into the memory limit."""
        return model_threads(self.sale_lines(start, end), self.memory_limit)

    def sale_lines(self, start: date, end: date) -> int:
        """Transaction lines landed from ``start`` to ``end``."""
        if not Path(self.path).is_file():
            return 0
        with self.connect(read_only=True) as con:
            return sale_lines(con, start, end)

    @contextmanager
    def reader(self, log: Callable[[str], None] | None = None) -> Iterator[Fetch]:
        with self.connect(read_only=True, log=log) as con:
            yield lambda table, start, end, date_column="business_date": con.execute(
                f"SELECT * FROM marts.{table} WHERE {date_column} BETWEEN ? AND ?", [start, end]
            ).df()

    def replace_forecast(self, table: ForecastTable, frame: pd.DataFrame,
                         forecast_date: date) -> None:
        with self.connect() as con:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
            con.execute(table.create_sql().replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"))
            columns = ", ".join(f'"{c}"' for c in table.column_names)
            # DuckDB types a column of Decimals from a sample of its rows (1,000 by default):
            # an unsampled 104.72 among units under 10 would not fit. Every row is looked at.
            con.execute(f"SET pandas_analyze_sample = {max(len(frame), 1)}")
            con.register("forecast_rows", frame[table.column_names])
            con.execute("BEGIN")
            con.execute(f"DELETE FROM {SCHEMA}.{table.name} WHERE forecast_date = ?",
                        [forecast_date])
            con.execute(f"INSERT INTO {SCHEMA}.{table.name} ({columns}) "
                        f"SELECT {columns} FROM forecast_rows")
            con.execute("COMMIT")

    @contextmanager
    def exporter(self, log: Callable[[str], None] | None = None) -> Iterator[WriteDays]:
        with self.connect(read_only=True, log=log) as con:
            exporter = CopyExporter(con, workers=self.threads)
            try:
                yield exporter.write_days
            finally:
                exporter.close()
