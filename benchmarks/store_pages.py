"""Store-scoped pages at many stores: CPU per day against the chain dashboard, and per store.

    .venv/bin/python benchmarks/store_pages.py --stores 200 --days 3 [--keep DIR]
    .venv/bin/python benchmarks/store_pages.py --warehouse var/warehouse.duckdb

Generates a chain (``store-pipeline generate``) and builds it (``store-pipeline backfill``) in
a temporary data home, or reads ``--warehouse``; then renders the last day's ``store_day``
page over the first quarter, half and all of the stores (a fetch that keeps only their rows),
and, for comparison, the chain dashboard, and the chain dashboard restricted to one store
(what a page per store and day would cost, times the stores). Prints ratios measured in this
one run: the page's CPU per store as the stores grow (1.00 = linear), the page against the
chain dashboard, and one page a day against a page per store-day.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import common  # noqa: F401  (puts the repository on the import path)

from store_pipeline.defs.resources.warehouse import DuckDBWarehouse
from store_pipeline.lib.reports import daily_sales, store_day
from store_pipeline.lib.reports.data import DAILY_SALES, DateBlocks

REPEATS = 3


def build_chain(home: Path, stores: int, days: int) -> Path:
    """A generated chain, landed and built, in ``home``; its warehouse file."""
    cli = str(Path(sys.executable).with_name("store-pipeline"))
    env = {**os.environ, "STORE_PIPELINE_HOME": str(home),
           "DAGSTER_HOME": str(home / "dagster_home"), "STORE_PIPELINE_START_DATE": "2026-01-01"}
    end = date(2026, 3, 10)
    subprocess.run([cli, "generate", "--stores", str(stores), "--days", str(days),
                    "--end-date", end.isoformat()], env=env, check=True)
    first = date.fromordinal(end.toordinal() - days + 1)
    subprocess.run([cli, "backfill", "--start", first.isoformat(), "--end", end.isoformat()],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    return home / "warehouse.duckdb"


def only(fetch: Callable, codes: set[str]) -> Callable:
    """``fetch`` keeping the rows of ``codes``."""
    def filtered(table, start, end):
        rows = fetch(table, start, end)
        return rows[rows["store_code"].isin(codes)] if "store_code" in rows else rows
    return filtered


def cpu(render: Callable[[], str]) -> tuple[float, int]:
    """Median CPU seconds of ``render`` over ``REPEATS`` runs, and the page's bytes."""
    times, size = [], 0
    for _ in range(REPEATS):
        start = time.process_time()
        size = len(render().encode())
        times.append(time.process_time() - start)
    return sorted(times)[len(times) // 2], size


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, help="a built DuckDB warehouse to read")
    parser.add_argument("--stores", type=int, default=200)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="data home to build in and keep")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="store-pages-") as tmp:
        path = args.warehouse or build_chain(args.keep or Path(tmp), args.stores, args.days)
        warehouse = DuckDBWarehouse(path=str(path))
        with warehouse.reader() as plain:
            fetch = DateBlocks(plain)
            day = plain(DAILY_SALES, date(2000, 1, 1), date(2100, 1, 1))["business_date"].max()
            day = date.fromisoformat(str(day)[:10])
            codes = sorted(set(fetch(DAILY_SALES, day, day)["store_code"]))
            report(fetch, day, codes)


def report(fetch: Callable, day: date, codes: list[str]) -> None:
    print(f"{day}: {len(codes)} stores")
    rows = []
    for count in sorted({max(1, len(codes) // 4), max(1, len(codes) // 2), len(codes)}):
        seconds, size = cpu(lambda count=count: store_day.build(only(fetch, set(codes[:count])),
                                                                 day))
        rows.append((count, seconds, size))
        print(f"  store_day over {count:>4} stores: {seconds * 1000:8.1f} ms CPU, "
              f"{size / count / 1024:6.1f} KiB a store")
    base_count, base_seconds, _ = rows[0]
    for count, seconds, _ in rows[1:]:
        print(f"  CPU per store at {count} vs {base_count} stores: "
              f"{(seconds / count) / (base_seconds / base_count):.2f}x (1.00 = linear)")
    chain, _ = cpu(lambda: daily_sales.build(fetch, day))
    one, _ = cpu(lambda: daily_sales.build(only(fetch, {codes[0]}), day))
    page = rows[-1][1]
    print(f"  store_day / chain dashboard: {page / chain:.2f}x")
    print(f"  one store_day page / a dashboard per store ({len(codes)} x {one * 1000:.1f} ms): "
          f"{page / (one * len(codes)):.3f}x")


if __name__ == "__main__":
    main()
