"""A range run's materialisations turned into event-log rows: each serialised, and as stored.

Reads every run of a Dagster home ``end_to_end.py`` built (its backfill is one run over the
range per job), groups each run's materialisations by asset as Dagster hands them to the
storage, and times Dagster's ``_event_to_row`` of each event against the storage's
``_events_to_rows``, which serialises one materialisation per batch and writes the others'
partitions and timestamps into its JSON, the two in turn::

    .venv/bin/python benchmarks/event_rows.py benchmarks/results/runs/<time>/chain-S --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import time
from itertools import groupby
from pathlib import Path

import common  # noqa: F401  (the repository on the import path)
import dagster as dg
from dagster._core.events import DagsterEventType


def batches(instance: dg.DagsterInstance) -> list[list]:
    """Each run's materialisations, one list per asset in the order they were stored."""
    found = []
    for run in instance.get_runs():
        records = instance.event_log_storage.get_records_for_run(run.run_id, limit=10**7)
        events = [r.event_log_entry for r in records.records
                  if r.event_log_entry.dagster_event_type == DagsterEventType.ASSET_MATERIALIZATION]
        found += [list(g) for _, g in groupby(events, key=lambda e: e.dagster_event.asset_key)]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home", type=Path, help="a data home built by end_to_end.py")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with dg.DagsterInstance.from_config(str(args.home / "dagster_home")) as instance:
        storage = instance.event_log_storage
        found = batches(instance)
        ways = {"each serialised": lambda b: [storage._event_to_row(e) for e in b],
                "as stored": storage._events_to_rows}
        seconds: dict[str, list[float]] = {way: [] for way in ways}
        for _ in range(args.runs):
            for way, rows in ways.items():
                started = time.perf_counter()
                for batch in found:
                    rows(batch)
                seconds[way].append(time.perf_counter() - started)
    events = sum(map(len, found))
    print(f"{events} materialisations in {len(found)} batches")
    for way, times in seconds.items():
        print(f"  {way:16} {statistics.median(times):.3f} s (median of {args.runs})")
    ratio = statistics.median(seconds["as stored"]) / statistics.median(seconds["each serialised"])
    print(f"  as stored / each serialised  {ratio:.3f}")


if __name__ == "__main__":
    main()
