"""Report rendering: milliseconds per daily, weekly and monthly period, from a warehouse file.

    .venv/bin/python benchmarks/report_rendering.py WAREHOUSE [--days 60] [--end 2026-09-30]
        [--processes]

Renders the daily reports of ``--days`` days ending at ``--end`` (default: the warehouse's last
business date), then the weeks (from their Monday) and months those days fall in, in-process over
one read-only reader (``render_batch``, as one worker renders a batch) into a temporary folder.
Prints wall and CPU milliseconds per period, and the CPU split between loading rows
(``data.load``: query, fetch, typing) and the rest (figures, HTML). ``--processes`` also times
the same periods through ``render_periods`` (forked workers; CPU of the workers included).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import common  # noqa: F401  (puts the repository on the import path)

from store_pipeline.defs.resources.warehouse import DuckDBWarehouse
from store_pipeline.lib.reports import (
    daily_sales,
    data,
    employee,
    ensure_plotly_js,
    inventory,
    monthly,
    render_daily_reports,
    render_monthly_report,
    render_weekly_reports,
)
from store_pipeline.lib.reports.parallel import render_batch, render_periods

LOADING_MODULES = (data, daily_sales, employee, inventory, monthly)


@contextmanager
def timed_loads() -> Iterator[list[float]]:
    """Adds the CPU seconds of every outermost ``data.load`` call to the one-item list yielded."""
    spent, depth = [0.0], [0]
    original = data.load

    def load(*args, **kwargs):
        start = time.process_time()
        depth[0] += 1
        try:
            return original(*args, **kwargs)
        finally:
            depth[0] -= 1
            if not depth[0]:
                spent[0] += time.process_time() - start

    for module in LOADING_MODULES:
        module.load = load
    try:
        yield spent
    finally:
        for module in LOADING_MODULES:
            module.load = original


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def last_business_date(warehouse: DuckDBWarehouse) -> date:
    with warehouse.connect(read_only=True) as con:
        return con.execute(f"SELECT max(business_date) FROM marts.{data.DAILY_SALES}").fetchone()[0]


def periods(days: int, end: date) -> dict[str, tuple[Callable, list[date]]]:
    """The days, the weeks (Mondays) and the months (first days) they fall in."""
    dates = [end - timedelta(days=n) for n in range(days - 1, -1, -1)]
    mondays = sorted({day - timedelta(days=day.weekday()) for day in dates})
    firsts = sorted({day.replace(day=1) for day in dates})
    return {"day": (render_daily_reports, dates), "week": (render_weekly_reports, mondays),
            "month": (render_monthly_report, firsts)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path, help="a DuckDB warehouse file (opened read-only)")
    parser.add_argument("--days", type=int, default=60, help="daily periods (default 60)")
    parser.add_argument("--end", type=date.fromisoformat, help="last day (default: the latest)")
    parser.add_argument("--processes", action="store_true", help="also time render_periods")
    args = parser.parse_args(argv)
    if not args.warehouse.is_file():
        parser.error(f"no warehouse file at {args.warehouse}")
    warehouse = DuckDBWarehouse(path=str(args.warehouse))
    work = periods(args.days, args.end or last_business_date(warehouse))
    with tempfile.TemporaryDirectory(prefix="report-bench-") as tmp:
        reports = Path(tmp)
        ensure_plotly_js(reports)
        render_batch(warehouse, render_daily_reports, work["day"][1][-1:], reports / "warm-up")
        print(f"{'period':<7}{'count':>6}{'wall ms':>10}{'CPU ms':>9}{'load':>9}{'rest':>9}"
              "   (per period; load and rest are CPU)")
        for kind, (render, dates) in work.items():
            with timed_loads() as loading:
                wall, cpu = time.perf_counter(), time.process_time()
                render_batch(warehouse, render, dates, reports / "batch")
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            per = 1000 / len(dates)
            print(f"{kind:<7}{len(dates):>6}{wall * per:>10.1f}{cpu * per:>9.1f}"
                  f"{loading[0] * per:>9.1f}{(cpu - loading[0]) * per:>9.1f}")
        if args.processes:
            print("render_periods (worker processes; CPU of all processes):")
            for kind, (render, dates) in work.items():
                wall, cpu = time.perf_counter(), time.process_time() + children_cpu()
                render_periods(warehouse, render, dates, reports / "periods", lambda _: None)
                wall = time.perf_counter() - wall
                cpu = time.process_time() + children_cpu() - cpu
                per = 1000 / len(dates)
                print(f"{kind:<7}{len(dates):>6}{wall * per:>10.1f}{cpu * per:>9.1f}")


if __name__ == "__main__":
    main()
