"""Render the reports of many periods at once: worker processes, each with its own reader.

A backfill renders hundreds of report pages; rendering is CPU-bound Python (pandas, Plotly's
JSON), so the periods are split into batches spread over one forked process per core. Each
worker opens its own read-only warehouse connection, and a batch of more than one period reads
the small tables a block of dates at a time (``DateBlocks``). A run of a few periods, or a
platform without fork, renders in-process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import Protocol

from store_pipeline.lib.leftovers import remove_leftovers
from store_pipeline.lib.reports.data import DateBlocks, Fetch
from store_pipeline.lib.reports.files import ensure_plotly_js

Render = Callable[[Fetch, date, Path], list[Path]]
Log = Callable[[str], None]

PERIODS_PER_WORKER = 8  # fewer periods than this per core: render in-process
BATCHES_PER_WORKER = 4  # batches per worker, for progress and an even finish


class Warehouse(Protocol):
    """What rendering needs of a warehouse: a read-only reader yielding ``fetch``."""

    def reader(self) -> AbstractContextManager[Fetch]: ...


def worker_count(periods: int, cores: int | None = None) -> int:
    """Worker processes for ``periods`` report periods: 1 means render in-process."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = cores or os.cpu_count() or 1
    return max(1, min(cores, periods // PERIODS_PER_WORKER))


def batches(periods: list[date], workers: int) -> list[list[date]]:
    """Consecutive runs of periods, about ``BATCHES_PER_WORKER`` per worker."""
    count = min(len(periods), workers * BATCHES_PER_WORKER)
    size, extra = divmod(len(periods), count)
    out, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        out.append(periods[start:end])
        start = end
    return out


def render_periods(warehouse: Warehouse, render: Render, periods: list[date], reports_dir: Path,
                   log: Log, workers: int | None = None) -> list[Path]:
    """Render every period with ``render``; the files written, in period order."""
    reports_dir = Path(reports_dir)
    for leftover in remove_leftovers(reports_dir):
        log(f"removed {leftover}, left by a run that was killed")
    ensure_plotly_js(reports_dir)
    workers = workers or worker_count(len(periods))
    if workers <= 1:
        return render_batch(warehouse, render, periods, reports_dir)
    work = batches(periods, workers)
    written: dict[int, list[Path]] = {}
    # Forked workers inherit the warehouse resource (it does not pickle).
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                             initializer=_adopt, initargs=(warehouse,)) as pool:
        futures = {pool.submit(_render_in_worker, render, batch, reports_dir): i
                   for i, batch in enumerate(work)}
        for done, future in enumerate(as_completed(futures), 1):
            index = futures[future]
            written[index] = future.result()
            log(f"rendered {work[index][0]}..{work[index][-1]} "
                f"({done}/{len(work)} batches, {workers} processes)")
    return [path for i in sorted(written) for path in written[i]]


def render_batch(warehouse: Warehouse, render: Render, periods: list[date],
                 reports_dir: Path) -> list[Path]:
    """Render ``periods`` one after another over one reader connection.

    A single period (the nightly run) reads request by request; more read through ``DateBlocks``.
    """
    with warehouse.reader() as fetch:
        if len(periods) > 1:
            fetch = DateBlocks(fetch)
        return [path for period in periods for path in render(fetch, period, reports_dir)]


_worker_warehouse: list[Warehouse] = []


def _adopt(warehouse: Warehouse) -> None:
    _worker_warehouse.append(warehouse)


def _render_in_worker(render: Render, periods: list[date], reports_dir: Path) -> list[Path]:
    return render_batch(_worker_warehouse[0], render, periods, reports_dir)
