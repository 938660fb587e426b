"""The instance's storage: the same daily backfill from the CLI on SQLite, on PostgreSQL through
Dagster's own storage, and on PostgreSQL with the connections kept open, in one run.

    .venv/bin/python benchmarks/instance_storage.py [--stores 3] [--days 2]

A chain of ``--stores`` x ``--days`` is generated once; each storage gets a data home of its own
reading that outbox (and a new database of a private PostgreSQL cluster on 127.0.0.1, started
for the benchmark from Debian's ``postgresql``). ``store-pipeline backfill --only daily`` over
the days is timed from process start to exit. Prints the times, their ratios to SQLite's and
the connections each run made to PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from datetime import date, timedelta
from pathlib import Path

import yaml
from common import BIN, timed_process
from daemon_vs_cli import environment

from store_pipeline.instance.config import POSTGRES_URL_ENV, write_instance_config
from store_pipeline.lib.generator import GeneratorConfig, generate_chain
from store_pipeline_tests.postgres_server import PostgresFacts, running_postgres

END = date(2026, 3, 10)


def configure(dagster_home: Path, url: str | None, stock: bool = False) -> None:
    """The data home's dagster.yaml for ``url`` (SQLite without one); with ``stock``, Dagster's
    own PostgreSQL storage in its place, in a file the pipeline leaves alone (one without the
    pipeline's first line)."""
    os.environ.pop(POSTGRES_URL_ENV, None)
    os.environ.update({POSTGRES_URL_ENV: url} if url else {})
    config = write_instance_config(dagster_home)
    if stock:
        settings = yaml.safe_load(config.read_text())
        settings["storage"] = {"postgres": settings["storage"]["custom"]["config"]}
        config.write_text(yaml.safe_dump(settings))


def backfill_seconds(home: Path, outbox: Path, days: list[date], url: str | None,
                     stock: bool = False) -> float:
    """Wall seconds of ``store-pipeline backfill --only daily`` over ``days`` on its own home."""
    configure(home / "dagster_home", url, stock)
    env = environment(home, outbox) | ({POSTGRES_URL_ENV: url} if url else {})
    seconds, _ = timed_process([str(BIN / "store-pipeline"), "backfill", "--start",
                                days[0].isoformat(), "--end", days[-1].isoformat(), "--only",
                                "daily"], env, home.parent / f"{home.name}.log")
    return seconds


def measure(root: Path, postgres: PostgresFacts, days: list[date]) -> list[tuple]:
    """(label, seconds, connections made) of the backfill on each storage."""
    outbox = root / "outbox"
    rows: list[tuple] = [("SQLite (the embedded default)",
                          backfill_seconds(root / "sqlite", outbox, days, None), None)]
    for label, name, stock in (("PostgreSQL, Dagster's storage", "stock", True),
                               ("PostgreSQL, connections kept open", "pooled", False)):
        url = postgres.create_database(name)
        seconds = backfill_seconds(root / name, outbox, days, url, stock)
        rows.append((label, seconds, postgres.sessions(name)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=3)
    parser.add_argument("--days", type=int, default=2)
    args = parser.parse_args()
    days = [END - timedelta(days=n) for n in reversed(range(args.days))]
    with tempfile.TemporaryDirectory(prefix="instance-storage-") as scratch, \
            running_postgres() as postgres:
        generate_chain(GeneratorConfig(stores=args.stores, days=args.days, end_date=END, seed=3),
                       outbox=Path(scratch) / "outbox")
        rows = measure(Path(scratch), postgres, days)
    print(f"daily backfill from the CLI, {args.stores} stores x {args.days} days "
          f"({days[0]}..{days[-1]})")
    sqlite = rows[0][1]
    for label, seconds, sessions in rows:
        made = "" if sessions is None else f"  {sessions:5} connections to PostgreSQL"
        print(f"  {label:36} {seconds:6.1f} s  {seconds / sqlite:5.2f}x SQLite's{made}")


if __name__ == "__main__":
    main()
