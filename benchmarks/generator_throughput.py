"""POS generator throughput: transaction lines per second, simulation alone and end to end.

    .venv/bin/python benchmarks/generator_throughput.py [--stores 20 --days 30]

"Lines" are the TransactionEntry rows simulated, warm-up days included. The simulation is timed
``--repeat`` times (best run reported); the end-to-end figure, timed once, adds writing every
daily snapshot, each holding the full retention window.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from store_pipeline.lib.generator import GeneratorConfig, build_world, generate_chain, simulate


def _report(label: str, lines: int, seconds: float) -> None:
    print(f"{label:<22} {lines:>12,} lines {seconds:>9.3f} s {lines / seconds:>14,.0f} lines/s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=20)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--transactions", type=int, default=400, help="per store and day")
    parser.add_argument("--items", type=int, default=800)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3, help="simulation timings, best kept")
    args = parser.parse_args(argv)
    config = GeneratorConfig(stores=args.stores, days=args.days, end_date=date(2026, 11, 24),
                             seed=args.seed, transactions_per_store_day=args.transactions,
                             items=args.items)
    print(f"{config.stores} stores, {config.days} snapshots (+{config.retention_days - 1} "
          f"warm-up days), {config.transactions_per_store_day} transactions/store/day, "
          f"{config.items} items")

    timings = []
    for _ in range(max(1, args.repeat)):
        start = time.perf_counter()
        lines = sum(day.lines for day in simulate(config, build_world(config)))
        timings.append(time.perf_counter() - start)
    _report("simulation", lines, min(timings))

    with tempfile.TemporaryDirectory() as outbox:
        start = time.perf_counter()
        paths = generate_chain(config, Path(outbox))
        _report("simulation + writing", lines, time.perf_counter() - start)
        size = sum(p.stat().st_size for p in paths) / 2**20
    print(f"{len(paths)} snapshot files, {size:,.1f} MiB")


if __name__ == "__main__":
    main()
