"""End-to-end benchmark: backfills through Dagster, one daily partition, the floor, a scale curve.

    .venv/bin/python benchmarks/end_to_end.py [--chains S M] [--curve] [--json PATH]

chain-S is 5 stores x 90 days, chain-M 20 stores x 365 days at about 500 transactions per
store-day. Generated chains are cached under benchmarks/results/chains/. For each chain it
measures the backfill of every asset over the whole range (`store-pipeline backfill`, one run
per partitioning) with its peak memory (PSS of the process tree, sampled) and a profile by
stage from the runs' step timings; one daily partition end to end from the CLI (the daily job
for the last day: `backfill --only daily`, three times, the median counts), then that day with
the weekly and monthly reports of its week and month; and the floor: the same landing, the
models' compiled SQL run directly in one DuckDB connection, and COPY of the four exports, with
no Dagster and no dbt. Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from store_pipeline.csv_export import EXPORTS, CopyExporter  # noqa: E402
from store_pipeline.generator import GeneratorConfig, generate_chain  # noqa: E402
from store_pipeline.ingest.restore import dates_between, land_snapshots  # noqa: E402
from store_pipeline.pos_schema import snapshot_file_name  # noqa: E402
from store_pipeline.resources.warehouse import (  # noqa: E402
    LANDING_DATES_PER_TRANSACTION,
    DuckDBWarehouse,
)

RESULTS = REPO / "benchmarks" / "results"
BIN = Path(sys.executable).parent
DBT_DIR = REPO / "store_pipeline_dbt"
END = date(2026, 9, 30)
MEMORY_LIMIT = os.environ.get("STORE_PIPELINE_DUCKDB_MEMORY_LIMIT", "2GB")
# The pipeline lands and exports with one worker per warehouse thread.
WAREHOUSE_THREADS = DuckDBWarehouse.model_fields["threads"].default
DATA_PATH_STEPS = ("pos_backup", "raw_pos", "store_dbt_models", "csv_exports")
# A daily partition (the daily job for one day) is timed this many times; the median counts.
DAILY_RUNS = 3


@dataclass(frozen=True)
class Chain:
    name: str
    stores: int
    days: int
    transactions: int

    @property
    def start(self) -> date:
        return END - timedelta(days=self.days - 1)

    def config(self) -> GeneratorConfig:
        return GeneratorConfig(stores=self.stores, days=self.days, end_date=END, seed=2026,
                               transactions_per_store_day=self.transactions)


CHAINS = {"S": Chain("chain-S", 5, 90, 400), "M": Chain("chain-M", 20, 365, 500)}


def outbox_for(chain: Chain) -> Path:
    """The chain's snapshots, generated once and reused."""
    outbox = RESULTS / "chains" / f"{chain.stores}x{chain.days}x{chain.transactions}"
    if not (outbox / snapshot_file_name(END)).exists():
        print(f"generating {chain.name} into {outbox} ...", flush=True)
        generate_chain(chain.config(), outbox=outbox)
    return outbox


class PeakRss:
    """Samples the summed memory of a process and its descendants: PSS, so that pages forked
    workers share with their parent count once (RSS where PSS is unavailable)."""

    def __init__(self, pid: int, every: float = 0.2):
        self.pid, self.every, self.peak = pid, every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(entry.name))
        tree, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo += children.get(pid, [])
        return tree

    def _rss(self) -> int:
        total = 0
        for pid in self._tree():
            try:
                total += _pss(pid)
            except (OSError, IndexError, ValueError):
                continue
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(self.every)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def _pss(pid: int) -> int:
    """Proportional set size of ``pid`` in bytes (its RSS when smaps_rollup is unreadable)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _env(home: Path, outbox: Path, chain: Chain) -> dict[str, str]:
    return {**os.environ, "STORE_PIPELINE_HOME": str(home), "STORE_PIPELINE_OUTBOX": str(outbox),
            "STORE_PIPELINE_START_DATE": (chain.start - timedelta(days=31)).isoformat(),
            "DAGSTER_HOME": str(home / "dagster_home")}


def timed_cli(args: list[str], env: dict[str, str], log: Path) -> tuple[float, int]:
    """Run ``store-pipeline ARGS``; wall seconds and peak RSS bytes of its process tree."""
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen([str(BIN / "store-pipeline"), *args], cwd=REPO, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
        sampler = PeakRss(process.pid)
        code = process.wait()
        peak = sampler.stop()
    if code:
        raise SystemExit(f"store-pipeline {' '.join(args)} failed: see {log}")
    return time.perf_counter() - started, peak


def stage_profile(dagster_home: Path) -> dict[str, float]:
    """Seconds per step over every run in the instance."""
    profile: dict[str, float] = {}
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        for record in instance.get_run_records():
            for step in instance.get_run_step_stats(record.dagster_run.run_id):
                if step.end_time and step.start_time:
                    profile[step.step_key] = (profile.get(step.step_key, 0.0)
                                              + step.end_time - step.start_time)
    return {k: round(v, 2) for k, v in sorted(profile.items())}


def compiled_models(home: Path, chain: Chain) -> list[tuple[str, str, str, str]]:
    """(VIEW or TABLE, schema, name, compiled SQL) of every model in dependency order, for a
    full build."""
    target = home / "floor_target"
    env = {**os.environ, "STORE_PIPELINE_HOME": str(home)}
    window = json.dumps({"min_date": chain.start.isoformat(), "max_date": END.isoformat()})
    subprocess.run([str(BIN / "dbt"), "compile", "--quiet", "--vars", window, "--target-path",
                    str(target)], cwd=DBT_DIR, env=env, check=True)
    manifest = json.loads((target / "manifest.json").read_text())
    nodes = {k: n for k, n in manifest["nodes"].items() if n["resource_type"] == "model"}
    ordered, done = [], set()

    def visit(key: str) -> None:
        if key in done or key not in nodes:
            return
        for parent in nodes[key]["depends_on"]["nodes"]:
            visit(parent)
        done.add(key)
        node = nodes[key]
        sql = (target / "compiled" / node["package_name"] / node["original_file_path"])
        kind = "VIEW" if node["config"]["materialized"] == "view" else "TABLE"
        ordered.append((kind, node["schema"], node["name"], sql.read_text()))

    for key in sorted(nodes):
        visit(key)
    return ordered


def _connect(home: Path) -> duckdb.DuckDBPyConnection:
    """The floor's warehouse, with the memory limit the pipeline's DuckDB has."""
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    return con


def floor(chain: Chain, outbox: Path, home: Path) -> dict[str, float]:
    """Landing, compiled models and COPY exports in one DuckDB connection: no Dagster, no dbt."""
    home.mkdir(parents=True, exist_ok=True)
    days = dates_between(chain.start, END)
    con = _connect(home)
    started = time.perf_counter()
    snapshots = [(outbox / snapshot_file_name(day), day) for day in days]
    for _ in land_snapshots(con, snapshots, LANDING_DATES_PER_TRANSACTION, WAREHOUSE_THREADS,
                            first_date=min(day for _, day in snapshots)):
        pass
    landed = time.perf_counter()
    con.close()
    models = compiled_models(home, chain)  # compiling is dbt's work, not timed
    con = _connect(home)
    built_start = time.perf_counter()
    for kind, schema, name, sql in models:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        con.execute(f"CREATE OR REPLACE {kind} {schema}.{name} AS {sql}")
    built = time.perf_counter()
    exporter = CopyExporter(con, workers=WAREHOUSE_THREADS)
    for _ in exporter.write_days(home / "exports", days, EXPORTS):
        pass
    exporter.close()
    exported = time.perf_counter()
    con.close()
    return {"landing_s": round(landed - started, 2), "models_s": round(built - built_start, 2),
            "exports_s": round(exported - built, 2),
            "total_s": round(landed - started + exported - built_start, 2)}


def bench_chain(chain: Chain, scratch: Path) -> dict:
    outbox = outbox_for(chain)
    home = scratch / chain.name
    env = _env(home, outbox, chain)
    print(f"{chain.name}: backfill {chain.start} .. {END} through Dagster ...", flush=True)
    wall, peak = timed_cli(["backfill", "--start", chain.start.isoformat(), "--end",
                            END.isoformat()], env, scratch / f"{chain.name}-backfill.log")
    profile = stage_profile(home / "dagster_home")
    print(f"{chain.name}: one daily partition from the CLI, {DAILY_RUNS} times ...", flush=True)
    day = ["backfill", "--start", END.isoformat(), "--end", END.isoformat()]
    dailies = sorted(timed_cli([*day, "--only", "daily"], env,
                               scratch / f"{chain.name}-daily-{n}.log")[0]
                     for n in range(DAILY_RUNS))
    print(f"{chain.name}: one day with its week and month ...", flush=True)
    whole_day, _ = timed_cli(day, env, scratch / f"{chain.name}-day.log")
    print(f"{chain.name}: floor ...", flush=True)
    bottom = floor(chain, outbox, scratch / f"{chain.name}-floor")
    data_path = sum(v for k, v in profile.items() if k in DATA_PATH_STEPS)
    reports = len(list((home / "reports").glob("*/*/*.html")))
    return {"chain": chain.name, "stores": chain.stores, "days": chain.days,
            "backfill_s": round(wall, 1), "peak_rss_mb": round(peak / 2**20),
            "data_path_s": round(data_path, 1), "floor": bottom,
            "data_path_vs_floor": round(data_path / bottom["total_s"], 2),
            "daily_partition_s": round(statistics.median(dailies), 1),
            "daily_partition_runs_s": [round(d, 1) for d in dailies],
            "day_with_week_and_month_s": round(whole_day, 1),
            "report_pages": reports, "stages_s": profile}


def scale_curve(base: Chain, scratch: Path) -> list[dict]:
    """Backfill wall time at 1x, 2x and 4x the stores of ``base``."""
    points = []
    for factor in (1, 2, 4):
        chain = Chain(f"{base.name}-x{factor}", base.stores * factor, base.days, base.transactions)
        env = _env(scratch / chain.name, outbox_for(chain), chain)
        wall, peak = timed_cli(["backfill", "--start", chain.start.isoformat(), "--end",
                                END.isoformat()], env, scratch / f"{chain.name}.log")
        points.append({"factor": factor, "stores": chain.stores, "backfill_s": round(wall, 1),
                       "peak_rss_mb": round(peak / 2**20)})
        print(f"  x{factor}: {wall:.1f} s", flush=True)
    for point in points:
        point["time_ratio"] = round(point["backfill_s"] / points[0]["backfill_s"], 2)
    return points


def print_table(results: list[dict], curve: list[dict]) -> None:
    print(f"\n{'chain':<9}{'backfill s':>11}{'peak MB':>9}{'data path s':>12}{'floor s':>9}"
          f"{'ratio':>7}{'1 day s':>9}")
    for r in results:
        print(f"{r['chain']:<9}{r['backfill_s']:>11}{r['peak_rss_mb']:>9}{r['data_path_s']:>12}"
              f"{r['floor']['total_s']:>9}{r['data_path_vs_floor']:>7}{r['daily_partition_s']:>9}")
        print("  stages: " + ", ".join(f"{k} {v}s" for k, v in r["stages_s"].items()))
        print(f"  floor: {r['floor']}; report pages: {r['report_pages']}")
        print(f"  daily partition runs: {r['daily_partition_runs_s']} s; one day with its week "
              f"and month: {r['day_with_week_and_month_s']} s")
    for point in curve:
        print(f"scale x{point['factor']}: {point['backfill_s']} s ({point['time_ratio']}x time),"
              f" peak {point['peak_rss_mb']} MB")


def goals(results: list[dict], curve: list[dict]) -> list[tuple[str, str, bool]]:
    """(goal, reached, met) for the figures measured."""
    out = []
    for r in results:
        if r["chain"] == "chain-M":
            out.append(("chain-M data path <= 2x the floor", f"{r['data_path_vs_floor']}x",
                        r["data_path_vs_floor"] <= 2))
            out.append(("chain-M, every asset, < 180 s", f"{r['backfill_s']} s",
                        r["backfill_s"] < 180))
        out.append((f"{r['chain']}: one daily partition < 20 s", f"{r['daily_partition_s']} s",
                    r["daily_partition_s"] < 20))
        out.append((f"{r['chain']}: peak memory < 4 GB", f"{r['peak_rss_mb']} MB",
                    r["peak_rss_mb"] < 4096))
    if curve:
        ratio = curve[-1]["time_ratio"]
        out.append(("4x the data in <= 4.5x the time", f"{ratio}x", ratio <= 4.5))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chains", nargs="*", default=["S"], choices=sorted(CHAINS))
    parser.add_argument("--curve", action="store_true", help="1x/2x/4x of a 5-store, 30-day chain")
    parser.add_argument("--json", type=Path, default=RESULTS / "end_to_end.json")
    args = parser.parse_args()
    scratch = RESULTS / "runs" / time.strftime("%Y%m%dT%H%M%S")
    scratch.mkdir(parents=True)
    results = [bench_chain(CHAINS[name], scratch) for name in args.chains]
    curve = scale_curve(Chain("curve", 5, 30, 400), scratch) if args.curve else []
    print_table(results, curve)
    reached = goals(results, curve)
    print()
    for goal, value, met in reached:
        print(f"{'met ' if met else 'MISS'}  {goal:<42} {value}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({
        "chains": results, "scale_curve": curve,
        "goals": [{"goal": g, "reached": v, "met": m} for g, v, m in reached]}, indent=2))
    print(f"\nJSON: {args.json}")


if __name__ == "__main__":
    main()
