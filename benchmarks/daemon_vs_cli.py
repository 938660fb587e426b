"""The daemon path against the CLI: the same daily backfill both ways, and the code location's
import against Dagster's own, in one run.

    .venv/bin/python benchmarks/daemon_vs_cli.py [--stores 3] [--days 2] [--imports 5]

1. ``import store_pipeline.definitions``, the same followed by building the definitions (what
   every run's process does), and ``import dagster, dagster_dbt``, each in fresh processes,
   alternately, ``--imports`` times; the medians and their ratios to the last.
2. A chain of ``--stores`` x ``--days`` is generated once; each way gets a data home of its own
   reading that outbox. The CLI: ``store-pipeline backfill --only daily`` over the days, timed
   from process start to exit. The daemon: with ``store-pipeline daemon`` and ``dagster-webserver``
   running (as an operator has them), ``daily_pipeline_job`` over the same days is submitted
   through the webserver's GraphQL API as one queued run (what a schedule's tick or the
   launchpad makes), and on a second data home as a backfill (what the UI's Materialize of a
   range makes), each timed from its launch to its run's end, with its phases. Prints the
   times and their ratios to the CLI's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
from common import BIN, DAGSTER_IMPORT, REPO, import_seconds

from store_pipeline.instance.config import write_instance_config
from store_pipeline.lib.generator import GeneratorConfig, generate_chain
from store_pipeline_tests.processes import (
    LAUNCH_BACKFILL,
    LAUNCH_RUN,
    graphql,
    start_services,
    wait_for,
)

END = date(2026, 3, 10)
JOB = "daily_pipeline_job"
LOCATION = "store_pipeline.definitions"  # workspace.yaml names no location: its module
DAEMON_GOAL = 1.2  # a daemon-launched run at most this many times the CLI's time
IMPORTS = {
    "import store_pipeline.definitions": "import store_pipeline.definitions",
    "... and build the definitions": "from store_pipeline.definitions import defs; defs()",
    DAGSTER_IMPORT: DAGSTER_IMPORT,
}


def compare_imports(repetitions: int) -> None:
    """Import (and load) times of the code location against Dagster's own, alternated, so that
    a slow minute hits each alike."""
    times: dict[str, list[float]] = {label: [] for label in IMPORTS}
    for _ in range(repetitions):
        for label, code in IMPORTS.items():
            times[label] += import_seconds(code, 1)
    floor = statistics.median(times[DAGSTER_IMPORT])
    for label, seconds in times.items():
        median = statistics.median(seconds)
        print(f"{label:36} median {median:5.2f} s  {median / floor:4.2f}x  "
              f"({', '.join(f'{t:.2f}' for t in seconds)})")
    print("goal: the import at most 1.25x `import dagster, dagster_dbt`")


def environment(home: Path, outbox: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORE_PIPELINE_")}
    return env | {"STORE_PIPELINE_HOME": str(home), "STORE_PIPELINE_OUTBOX": str(outbox),
                  "STORE_PIPELINE_START_DATE": "2026-01-01",
                  "STORE_PIPELINE_TIMEZONE": "America/New_York",
                  "DAGSTER_HOME": str(home / "dagster_home")}


def cli_seconds(home: Path, outbox: Path, days: list[date]) -> float:
    write_instance_config(home / "dagster_home")
    began = time.perf_counter()
    subprocess.run([str(BIN / "store-pipeline"), "backfill", "--start", days[0].isoformat(),
                    "--end", days[-1].isoformat(), "--only", "daily"], cwd=REPO,
                   env=environment(home, outbox), check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - began


def launch_run(port: int, days: list[date]) -> dict[str, str]:
    """The job over the days as one queued run, as a schedule's tick or the launchpad makes;
    the filter of its run."""
    params = {"selector": {"jobName": JOB, "repositoryLocationName": LOCATION,
                           "repositoryName": "__repository__"},
              "executionMetadata": {"tags": [
                  {"key": "dagster/asset_partition_range_start", "value": days[0].isoformat()},
                  {"key": "dagster/asset_partition_range_end", "value": days[-1].isoformat()}]}}
    result = graphql(port, LAUNCH_RUN, {"params": params})["launchRun"]
    if "run" not in result:
        raise RuntimeError(f"run not launched: {result}")
    return {"run_id": result["run"]["runId"]}


def launch_backfill(port: int, days: list[date]) -> dict[str, str]:
    """The backfill of the days as the UI's Materialize of a range launches it; the filter of
    its runs."""
    params = {"selector": {"partitionSetName": f"{JOB}_partition_set",
                           "repositorySelector": {"repositoryLocationName": LOCATION,
                                                  "repositoryName": "__repository__"}},
              "partitionNames": [d.isoformat() for d in days]}
    result = graphql(port, LAUNCH_BACKFILL, {"params": params})["launchPartitionBackfill"]
    if "backfillId" not in result:
        raise RuntimeError(f"backfill not launched: {result}")
    return {"dagster/backfill": result["backfillId"]}


def daemon_seconds(home: Path, outbox: Path, days: list[date], launch) -> float:
    """Seconds from ``launch`` (launch_run or launch_backfill) to the end of its run, with the
    daemon and the webserver running on a data home of its own, as an operator has them."""
    write_instance_config(home / "dagster_home")
    log_files = [home / "daemon.log", home / "webserver.log", home / "code_server.log"]
    with ExitStack() as stack:
        instance = stack.enter_context(dg.DagsterInstance.from_config(str(home / "dagster_home")))
        port = start_services(stack, environment(home, outbox), log_files)
        time.sleep(5)  # the daemon's first iterations, before the operator clicks
        launched = time.time()
        tags = launch(port, days)
        [record] = wait_for(launch.__name__, lambda: _ended(instance, tags), log_files,
                            timeout=1800)
        print_phases(launch.__name__, launched, record)
        return record.end_time - launched


def _ended(instance: dg.DagsterInstance, tags: dict[str, str]):
    """The run records once every run with ``tags`` (or the run ``run_id``) ended; a failed
    run stops the benchmark."""
    if "run_id" in tags:
        records = instance.get_run_records(dg.RunsFilter(run_ids=[tags["run_id"]]))
    else:
        records = instance.get_run_records(dg.RunsFilter(tags=tags))
    if not records or any(not r.dagster_run.is_finished for r in records):
        return None
    failed = [r.dagster_run.run_id for r in records if not r.dagster_run.is_success]
    if failed:
        raise RuntimeError(f"run(s) {failed} failed")
    return records


def print_phases(what: str, launched: float, record) -> None:
    """Where a daemon-launched run's time went, from its launch."""
    created = record.create_timestamp.timestamp()
    phases = (("launched -> run created (backfill daemon, if any)", created - launched),
              ("run created -> run started (queue, run worker start)",
               record.start_time - created),
              ("run started -> run ended (steps)", record.end_time - record.start_time))
    print(what)
    for phase, seconds in phases:
        print(f"    {phase:<55} {seconds:6.1f} s")


def compare_paths(stores: int, days: int) -> dict:
    """Seconds of the daily job over a generated chain of ``stores`` x ``days``: from the CLI,
    as one queued run under the daemon, as a backfill launched as from the UI."""
    dates = [END - timedelta(days=n) for n in reversed(range(days))]
    with tempfile.TemporaryDirectory(prefix="daemon-vs-cli-") as scratch:
        root = Path(scratch)
        outbox = root / "outbox"
        generate_chain(GeneratorConfig(stores=stores, days=days, end_date=END, seed=3),
                       outbox=outbox)
        cli = cli_seconds(root / "cli", outbox, dates)
        queued = daemon_seconds(root / "queued", outbox, dates, launch_run)
        backfill = daemon_seconds(root / "backfill", outbox, dates, launch_backfill)
    return {"stores": stores, "days": days, "first": dates[0].isoformat(),
            "last": dates[-1].isoformat(), "cli_s": round(cli, 1),
            "queued_run_s": round(queued, 1), "ui_backfill_s": round(backfill, 1),
            "queued_vs_cli": round(queued / cli, 2), "ui_backfill_vs_cli": round(backfill / cli, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=3)
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--imports", type=int, default=5, help="repetitions of each import")
    args = parser.parse_args()
    compare_imports(args.imports)
    paths = compare_paths(args.stores, args.days)
    print(f"{JOB}, {args.stores} stores x {args.days} days ({paths['first']}..{paths['last']})")
    print(f"  CLI (store-pipeline backfill --only daily)        {paths['cli_s']:6.1f} s")
    print(f"  daemon, one queued run (a schedule tick's path)   {paths['queued_run_s']:6.1f} s  "
          f"{paths['queued_vs_cli']:5.2f}x  (goal: at most {DAEMON_GOAL}x)")
    print(f"  daemon, backfill launched as from the UI          {paths['ui_backfill_s']:6.1f} s  "
          f"{paths['ui_backfill_vs_cli']:5.2f}x")


if __name__ == "__main__":
    main()
