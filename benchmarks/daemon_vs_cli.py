"""The daemon path against the CLI: the same daily backfill both ways, and the code location's
import against Dagster's own, in one run.

    .venv/bin/python benchmarks/daemon_vs_cli.py [--stores 3] [--days 2] [--imports 5]

1. ``import store_pipeline.definitions`` and ``import dagster, dagster_dbt``, each in fresh
   processes, alternately, ``--imports`` times; the medians and their ratio.
2. A chain of ``--stores`` x ``--days`` is generated once; each way gets a data home of its own
   reading that outbox. The CLI: ``store-pipeline backfill --only daily`` over the days, timed
   from process start to exit. The daemon: with ``dagster-daemon`` and ``dagster-webserver``
   running (as an operator has them), the backfill of ``daily_pipeline_job`` over the same
   days is launched through the webserver's GraphQL API, as the UI does, and timed until the
   backfill has succeeded. Prints both times and their ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import dagster as dg  # noqa: E402

from store_pipeline.generator import GeneratorConfig, generate_chain  # noqa: E402
from store_pipeline.instance import write_instance_config  # noqa: E402
from store_pipeline_tests.dagster_processes import (  # noqa: E402
    free_port,
    start,
    wait_for,
    webserver_up,
)

BIN = Path(sys.executable).parent
END = date(2026, 3, 10)
JOB = "daily_pipeline_job"
LAUNCH_BACKFILL = """
mutation($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
    ... on InvalidSubsetError { message }
  }
}"""


def import_seconds(code: str, repetitions: int) -> list[float]:
    """Wall time of ``python -c code`` in fresh processes."""
    times = []
    for _ in range(repetitions):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - began)
    return times


def compare_imports(repetitions: int) -> None:
    ours, theirs = [], []
    for _ in range(repetitions):  # alternated, so that a slow minute hits both alike
        ours += import_seconds("import store_pipeline.definitions", 1)
        theirs += import_seconds("import dagster, dagster_dbt", 1)
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"import store_pipeline.definitions  median {a:5.2f} s  "
          f"({', '.join(f'{t:.2f}' for t in ours)})")
    print(f"import dagster, dagster_dbt        median {b:5.2f} s  "
          f"({', '.join(f'{t:.2f}' for t in theirs)})")
    print(f"ratio                              {a / b:5.2f}x  (goal: at most 1.25x)")


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


def launch_backfill(port: int, days: list[date]) -> str:
    params = {"selector": {"partitionSetName": f"{JOB}_partition_set",
                           "repositorySelector": {"repositoryLocationName": "store_pipeline",
                                                  "repositoryName": "__repository__"}},
              "partitionNames": [d.isoformat() for d in days]}
    body = json.dumps({"query": LAUNCH_BACKFILL, "variables": {"params": params}}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as reply:
        result = json.load(reply)["data"]["launchPartitionBackfill"]
    if "backfillId" not in result:
        raise RuntimeError(f"backfill not launched: {result}")
    return result["backfillId"]


def daemon_seconds(home: Path, outbox: Path, days: list[date], logs: Path) -> tuple[float, int]:
    """Seconds from the backfill's launch to its success, and the runs it made."""
    write_instance_config(home / "dagster_home")
    env = environment(home, outbox)
    workspace = str(REPO / "workspace.yaml")
    port = free_port()
    log_files = [logs / "daemon.log", logs / "webserver.log"]
    with ExitStack() as stack:
        instance = stack.enter_context(dg.DagsterInstance.from_config(str(home / "dagster_home")))
        start(stack, [str(BIN / "dagster-daemon"), "run", "-w", workspace], env, log_files[0])
        start(stack, [str(BIN / "dagster-webserver"), "-w", workspace, "-h", "127.0.0.1",
                      "-p", str(port)], env, log_files[1])
        wait_for("the webserver", lambda: webserver_up(port), log_files)
        time.sleep(5)  # the daemon's first iterations, before the operator clicks
        began = time.perf_counter()
        backfill_id = launch_backfill(port, days)
        done = wait_for("the backfill", lambda: _finished(instance, backfill_id), log_files,
                        timeout=1800)
        seconds = time.perf_counter() - began
        if done != dg.BulkActionStatus.COMPLETED_SUCCESS:
            raise RuntimeError(f"backfill {backfill_id} ended {done}; see {logs}")
        runs = instance.get_run_records(dg.RunsFilter(tags={"dagster/backfill": backfill_id}))
        return seconds, len(runs)


def _finished(instance: dg.DagsterInstance, backfill_id: str):
    status = instance.get_backfill(backfill_id).status
    if status in (dg.BulkActionStatus.REQUESTED, dg.BulkActionStatus.CANCELING):
        return None
    if status == dg.BulkActionStatus.COMPLETED_SUCCESS:
        runs = instance.get_run_records(dg.RunsFilter(tags={"dagster/backfill": backfill_id}))
        if any(not r.dagster_run.is_finished for r in runs):
            return None
    return status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=3)
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--imports", type=int, default=5, help="repetitions of each import")
    args = parser.parse_args()
    compare_imports(args.imports)

    days = [END - timedelta(days=n) for n in reversed(range(args.days))]
    with tempfile.TemporaryDirectory(prefix="daemon-vs-cli-") as scratch:
        root = Path(scratch)
        outbox = root / "outbox"
        generate_chain(GeneratorConfig(stores=args.stores, days=args.days, end_date=END,
                                       seed=3), outbox=outbox)
        cli = cli_seconds(root / "cli", outbox, days)
        daemon, runs = daemon_seconds(root / "daemon", outbox, days, root)
    print(f"backfill of {JOB}, {args.stores} stores x {args.days} days "
          f"({days[0]}..{days[-1]})")
    print(f"  CLI (store-pipeline backfill --only daily)   {cli:6.1f} s")
    print(f"  daemon (launched as from the UI, {runs} run)    {daemon:6.1f} s")
    print(f"  ratio daemon / CLI                           {daemon / cli:6.2f}x  "
          "(goal: at most 1.2x)")


if __name__ == "__main__":
    main()
