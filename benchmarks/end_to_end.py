"""End-to-end benchmark: backfills through Dagster against their floor, a daily partition
against Dagster's start-up, a scale curve; ratios measured in one run.

    .venv/bin/python benchmarks/end_to_end.py [--chains S M L] [--curve [--curve-days 90]]
        [--daemon] [--json PATH]

chain-S is 5 stores x 90 days at 400 transactions per store-day, chain-M 20 stores x 365 days
and chain-L 100 stores x 60 days at 500 (chain-L: some 7 million lines, a store_day page of 100
stores for each of its days). Generated chains are cached under benchmarks/results/chains/.
For each chain, in one run:

- the backfill of every asset over the whole range (`store-pipeline backfill`, one run per
  partitioning), its peak memory (PSS of the process tree, sampled) and its profile by stage
  from the runs' step timings;
- the report pages alone: the same days, weeks and months rendered by the report code over
  the warehouse the backfill built (``render_periods``, a worker process per core);
- the floor: the same landing, the models' compiled SQL run directly in one DuckDB connection,
  and COPY of the four exports, with no Dagster and no dbt, then the data tests' compiled SQL;
  then the floor of the last day on that warehouse (landing it, its window of the incremental
  models, the tables, its exports, its tests);
- one daily partition from the CLI (the daily job for the last day: `backfill --only daily`),
  three times, each after `import dagster, dagster_dbt` in a fresh process and a `dbt build`
  that selects nothing through dbtRunner in a process that built the definitions (dbt's
  start-up in a run's step), the medians counting; then that day with the weekly
  and monthly reports of its week and month.

Ratios: data path / floor and / (floor + the data tests' SQL, which the data path runs too;
the goal is judged on this one), every asset / (floor + report pages), daily partition /
`import dagster, dagster_dbt`, / (that import + the day's floor) and / (that import + dbt's
start-up + the day's floor with its tests). ``--curve`` backfills 5,
10 and 20 stores over ``--curve-days`` days (4x the data / 1x); ``--daemon`` compares the
daily job launched by the daemon with the CLI (benchmarks/daemon_vs_cli.py). Prints each goal
met or missed and writes the raw figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb
from common import (
    BIN,
    DAGSTER_IMPORT,
    REPO,
    dbt_in_process_start,
    dbt_start_seconds,
    import_seconds,
    timed_process,
)

from store_pipeline.defs.resources.warehouse import (
    LANDING_DATES_PER_TRANSACTION,
    DuckDBWarehouse,
)
from store_pipeline.lib.csv_export import EXPORTS, CopyExporter
from store_pipeline.lib.dbt_manifest import DBT_PROJECT_DIR
from store_pipeline.lib.forecast_tables import DEMAND_FORECAST, SCHEMA
from store_pipeline.lib.generator import GeneratorConfig, generate_chain
from store_pipeline.lib.ingest.landing import dates_between, land_snapshots
from store_pipeline.lib.pos_schema import snapshot_file_name

RESULTS = REPO / "benchmarks" / "results"
END = date(2026, 9, 30)
MEMORY_LIMIT = os.environ.get("STORE_PIPELINE_DUCKDB_MEMORY_LIMIT", "2GB")
# The pipeline lands and exports with one worker per warehouse thread.
WAREHOUSE_THREADS = DuckDBWarehouse.model_fields["threads"].default
DATA_PATH_STEPS = ("pos_backup", "raw_pos", "store_dbt_models", "csv_exports")
# A daily partition (the daily job for one day) is timed this many times; the median counts.
DAILY_RUNS = 3
CURVE_STORES = (5, 10, 20)
SLOWEST_MODELS = 8  # the floor's JSON names its slowest models
GIB = 2**30


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


CHAINS = {"S": Chain("chain-S", 5, 90, 400), "M": Chain("chain-M", 20, 365, 500),
          "L": Chain("chain-L", 100, 60, 500)}


def outbox_for(chain: Chain) -> Path:
    """The chain's snapshots, generated once and reused."""
    outbox = RESULTS / "chains" / f"{chain.stores}x{chain.days}x{chain.transactions}"
    if not (outbox / snapshot_file_name(END)).exists():
        print(f"generating {chain.name} into {outbox} ...", flush=True)
        generate_chain(chain.config(), outbox=outbox)
    return outbox


def _env(home: Path, outbox: Path, chain: Chain) -> dict[str, str]:
    return {**os.environ, "STORE_PIPELINE_HOME": str(home), "STORE_PIPELINE_OUTBOX": str(outbox),
            "STORE_PIPELINE_START_DATE": (chain.start - timedelta(days=31)).isoformat(),
            "DAGSTER_HOME": str(home / "dagster_home")}


def timed_cli(args: list[str], env: dict[str, str], log: Path) -> tuple[float, int]:
    """Run ``store-pipeline ARGS``; wall seconds and peak PSS bytes of its process tree."""
    return timed_process([str(BIN / "store-pipeline"), *args], env, log)


def backfill(chain: Chain, env: dict[str, str], log: Path) -> tuple[float, int]:
    """Every asset of ``chain`` over its whole range through Dagster."""
    return timed_cli(["backfill", "--start", chain.start.isoformat(), "--end", END.isoformat()],
                     env, log)


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


def data_path_seconds(profile: dict[str, float]) -> float:
    return sum(v for k, v in profile.items() if k in DATA_PATH_STEPS)


@dataclass(frozen=True)
class Compiled:
    """The window's compiled SQL: (materialization, schema, name, SQL) of every model in
    dependency order, and the SQL of every data test."""

    models: list[tuple[str, str, str, str]]
    tests: list[str]


def compiled(home: Path, first: date, last: date) -> Compiled:
    """The models and data tests compiled for the window ``first`` .. ``last`` over the
    warehouse as it is (incremental models compile to their window's rows once their table
    exists)."""
    target = home / "floor_target"
    env = {**os.environ, "STORE_PIPELINE_HOME": str(home)}
    window = json.dumps({"min_date": first.isoformat(), "max_date": last.isoformat()})
    subprocess.run([str(BIN / "dbt"), "compile", "--quiet", "--vars", window, "--target-path",
                    str(target)], cwd=DBT_PROJECT_DIR, env=env, check=True)
    manifest = json.loads((target / "manifest.json").read_text())
    tests = [n["compiled_code"] for n in manifest["nodes"].values()
             if n["resource_type"] == "test"]
    return Compiled(models_in_order(manifest, target), tests)


def models_in_order(manifest: dict, target: Path) -> list[tuple[str, str, str, str]]:
    """(materialization, schema, name, compiled SQL) of every model, parents first."""
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
        ordered.append((node["config"]["materialized"], node["schema"], node["name"],
                        sql.read_text()))

    for key in sorted(nodes):
        visit(key)
    return ordered


def _connect(home: Path) -> duckdb.DuckDBPyConnection:
    """The floor's warehouse, with the memory limit the pipeline's DuckDB has."""
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    return con


def _land(con: duckdb.DuckDBPyConnection, outbox: Path, days: list[date],
          first_date: date) -> None:
    """The backups of ``days`` landed as the pipeline lands them: a backup's window lands back
    to ``first_date`` (the pipeline's STORE_PIPELINE_START_DATE)."""
    snapshots = [(outbox / snapshot_file_name(day), day) for day in days]
    for _ in land_snapshots(con, snapshots, LANDING_DATES_PER_TRANSACTION, WAREHOUSE_THREADS,
                            first_date=first_date):
        pass


def _build(con: duckdb.DuckDBPyConnection, models: list[tuple[str, str, str, str]],
           window: tuple[date, date] | None) -> dict[str, float]:
    """Every model from scratch (``window`` None), or a window's run: the incremental models'
    window rows replaced, the tables rebuilt, the views left as they are; seconds per model.
    The forecast table the models read is created empty first when missing, as dbt's
    on-run-start does."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    con.execute(DEMAND_FORECAST.create_sql().replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"))
    seconds = {}
    for materialized, schema, name, sql in models:
        started = time.perf_counter()
        relation = f"{schema}.{name}"
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        if window is None or materialized == "table":
            kind = "VIEW" if materialized == "view" else "TABLE"
            con.execute(f"CREATE OR REPLACE {kind} {relation} AS {sql}")
        elif materialized == "incremental":
            con.execute(f"DELETE FROM {relation} WHERE business_date BETWEEN ? AND ?", window)
            con.execute(f"INSERT INTO {relation} BY NAME SELECT * FROM ({sql})")
        seconds[name] = time.perf_counter() - started
    return seconds


def _export(con: duckdb.DuckDBPyConnection, home: Path, days: list[date]) -> None:
    exporter = CopyExporter(con, workers=WAREHOUSE_THREADS)
    for _ in exporter.write_days(home / "exports", days, EXPORTS):
        pass
    exporter.close()


def floor(outbox: Path, home: Path, days: list[date], first_date: date) -> dict[str, float]:
    """Landing, compiled models and COPY exports of ``days`` in one DuckDB connection: no
    Dagster, no dbt. A home without a warehouse builds every model; one with a warehouse runs
    the window of ``days`` on it. dbt's compiling is not timed. The data tests' SQL, which the
    pipeline also runs, is timed apart (``tests_s``, after the exports)."""
    home.mkdir(parents=True, exist_ok=True)
    window = (days[0], days[-1]) if (home / "warehouse.duckdb").exists() else None
    con = _connect(home)
    started = time.perf_counter()
    _land(con, outbox, days, first_date)
    landed = time.perf_counter()
    con.close()
    sql = compiled(home, days[0], days[-1])
    con = _connect(home)
    built_start = time.perf_counter()
    by_model = _build(con, sql.models, window)
    built = time.perf_counter()
    _export(con, home, days)
    exported = time.perf_counter()
    for test in sql.tests:
        con.execute(f"SELECT count(*) FROM ({test}\n) AS failures").fetchone()
    tested = time.perf_counter()
    con.close()
    total = landed - started + exported - built_start
    return {"landing_s": round(landed - started, 2), "models_s": round(built - built_start, 2),
            "exports_s": round(exported - built, 2), "total_s": round(total, 2),
            "tests_s": round(tested - exported, 2),
            "with_tests_s": round(total + tested - exported, 2),
            "slowest_models_s": {name: round(t, 2) for name, t in sorted(
                by_model.items(), key=lambda item: -item[1])[:SLOWEST_MODELS]}}


def render_alone(warehouse_file: Path, chain: Chain) -> dict:
    """Seconds and pages of the chain's days, weeks and months rendered by the report code
    over a built warehouse, a worker process per core as in the pipeline."""
    from report_rendering import periods

    from store_pipeline.lib.reports.parallel import render_periods

    warehouse = DuckDBWarehouse(path=str(warehouse_file))
    seconds, pages = {}, 0
    with tempfile.TemporaryDirectory(prefix="render-alone-") as tmp:
        for kind, (render, dates) in periods(chain.days, END).items():
            started = time.perf_counter()
            pages += len(render_periods(warehouse, render, dates, Path(tmp), lambda _: None))
            seconds[kind] = round(time.perf_counter() - started, 2)
    return {"total_s": round(sum(seconds.values()), 2), "by_period_s": seconds, "pages": pages}


def daily_partitions(env: dict[str, str], scratch: Path, name: str) -> dict:
    """The daily job for the last day from the CLI, each run after ``import dagster,
    dagster_dbt`` and dbt's start-up in a run's step, each in a fresh process (alternated, so
    that a slow minute hits all alike)."""
    day = ["backfill", "--start", END.isoformat(), "--end", END.isoformat(), "--only", "daily"]
    target = scratch / f"{name}-dbt-start"
    runs, imports, starts = [], [], []
    with (scratch / f"{name}-dbt-start.log").open("a") as dbt_log:
        dbt_start_seconds(env, target, dbt_log)  # the first parses in full: not counted
        for n in range(DAILY_RUNS):
            imports += import_seconds(DAGSTER_IMPORT, 1)
            starts.append(sum(dbt_in_process_start(env, target).values()))
            runs.append(timed_cli(day, env, scratch / f"{name}-daily-{n}.log")[0])
    return {"median_s": round(statistics.median(runs), 2),
            "runs_s": [round(r, 2) for r in runs],
            "dagster_import_s": round(statistics.median(imports), 2),
            "dagster_import_runs_s": [round(i, 2) for i in imports],
            "dbt_start_s": round(statistics.median(starts), 2),
            "dbt_start_runs_s": [round(i, 2) for i in starts]}


def bench_chain(chain: Chain, scratch: Path) -> dict:
    outbox = outbox_for(chain)
    home = scratch / chain.name
    env = _env(home, outbox, chain)
    print(f"{chain.name}: backfill {chain.start} .. {END} through Dagster ...", flush=True)
    wall, peak = backfill(chain, env, scratch / f"{chain.name}-backfill.log")
    profile = stage_profile(home / "dagster_home")
    print(f"{chain.name}: the report pages alone ...", flush=True)
    pages = render_alone(home / "warehouse.duckdb", chain)
    print(f"{chain.name}: floor, then the floor of {END} ...", flush=True)
    floor_home = scratch / f"{chain.name}-floor"
    first_date = date.fromisoformat(env["STORE_PIPELINE_START_DATE"])
    bottom = floor(outbox, floor_home, dates_between(chain.start, END), first_date)
    day_floor = floor(outbox, floor_home, [END], first_date)
    print(f"{chain.name}: one daily partition from the CLI, {DAILY_RUNS} times ...", flush=True)
    daily = daily_partitions(env, scratch, chain.name)
    print(f"{chain.name}: one day with its week and month ...", flush=True)
    whole_day, _ = timed_cli(["backfill", "--start", END.isoformat(), "--end", END.isoformat()],
                             env, scratch / f"{chain.name}-day.log")
    data_path = data_path_seconds(profile)
    return {"chain": chain.name, "stores": chain.stores, "days": chain.days,
            "transactions_per_store_day": chain.transactions,
            "backfill_s": round(wall, 1), "peak_pss_mb": round(peak / 2**20),
            "data_path_s": round(data_path, 1), "floor": bottom, "render_alone": pages,
            "report_pages": len([page for page in (home / "reports").glob("*/*/*.html")
                                 if page.name != "index.html"]),
            "daily_partition": daily, "day_floor": day_floor,
            "day_with_week_and_month_s": round(whole_day, 1), "stages_s": profile,
            "ratios": {
                "data_path_vs_floor": round(data_path / bottom["total_s"], 2),
                "data_path_vs_floor_with_tests": round(data_path / bottom["with_tests_s"], 2),
                "backfill_vs_floor_and_pages": round(
                    wall / (bottom["total_s"] + pages["total_s"]), 2),
                "daily_vs_dagster_import": round(
                    daily["median_s"] / daily["dagster_import_s"], 2),
                "daily_vs_dagster_import_and_day_floor": round(
                    daily["median_s"] / (daily["dagster_import_s"] + day_floor["total_s"]), 2),
                "daily_vs_import_dbt_start_and_day_floor": round(
                    daily["median_s"] / (daily["dagster_import_s"] + daily["dbt_start_s"]
                                         + day_floor["with_tests_s"]), 2)}}


def scale_curve(days: int, scratch: Path) -> list[dict]:
    """Backfill of every asset at 5, 10 and 20 stores over ``days`` days, and its data path."""
    points = []
    for stores in CURVE_STORES:
        chain = Chain(f"curve-{stores}x{days}", stores, days, 400)
        home = scratch / chain.name
        wall, peak = backfill(chain, _env(home, outbox_for(chain), chain),
                              scratch / f"{chain.name}.log")
        data_path = data_path_seconds(stage_profile(home / "dagster_home"))
        points.append({"stores": stores, "days": days, "backfill_s": round(wall, 1),
                       "data_path_s": round(data_path, 1), "peak_pss_mb": round(peak / 2**20)})
        print(f"  {stores} stores: {wall:.1f} s", flush=True)
    for point in points:
        point["data_ratio"] = point["stores"] / points[0]["stores"]
        point["time_ratio"] = round(point["backfill_s"] / points[0]["backfill_s"], 2)
        point["data_path_ratio"] = round(point["data_path_s"] / points[0]["data_path_s"], 2)
    return points


def print_figures(results: list[dict], curve: list[dict], daemon: dict | None) -> None:
    for r in results:
        ratios, daily = r["ratios"], r["daily_partition"]
        print(f"\n{r['chain']} ({r['stores']} stores x {r['days']} days): every asset "
              f"{r['backfill_s']} s, peak {r['peak_pss_mb']} MB, {r['report_pages']} pages")
        print(f"  data path / floor                         {ratios['data_path_vs_floor']:>6}x"
              f"  ({r['data_path_s']} s / {r['floor']['total_s']} s)")
        print(f"  data path / (floor + data tests' SQL)     "
              f"{ratios['data_path_vs_floor_with_tests']:>6}x  (/ {r['floor']['with_tests_s']} s)")
        print(f"  every asset / (floor + report pages)      "
              f"{ratios['backfill_vs_floor_and_pages']:>6}x  ({r['backfill_s']} s / "
              f"({r['floor']['total_s']} + {r['render_alone']['total_s']} s))")
        print(f"  daily partition / {DAGSTER_IMPORT}  {ratios['daily_vs_dagster_import']:>6}x"
              f"  ({daily['median_s']} s / {daily['dagster_import_s']} s)")
        print(f"  daily partition / (import + day's floor)  "
              f"{ratios['daily_vs_dagster_import_and_day_floor']:>6}x  (+ "
              f"{r['day_floor']['total_s']} s)")
        print(f"  daily partition / (import + dbt's start + day's floor with tests)  "
              f"{ratios['daily_vs_import_dbt_start_and_day_floor']:>6}x  (+ "
              f"{daily['dbt_start_s']} s + {r['day_floor']['with_tests_s']} s)")
        print("  stages: " + ", ".join(f"{k} {v}s" for k, v in r["stages_s"].items()))
        print(f"  floor: {r['floor']}; day's floor: {r['day_floor']}")
        print(f"  report pages alone: {r['render_alone']}")
        print(f"  daily partition runs: {daily['runs_s']} s, imports "
              f"{daily['dagster_import_runs_s']} s, dbt's starts {daily['dbt_start_runs_s']} s; "
              "one day with its week and month: "
              f"{r['day_with_week_and_month_s']} s")
    for point in curve:
        print(f"curve {point['stores']} stores x {point['days']} days: {point['backfill_s']} s, "
              f"{point['time_ratio']}x time (data path {point['data_path_ratio']}x) for "
              f"{point['data_ratio']:g}x the data, peak {point['peak_pss_mb']} MB")
    if daemon:
        print(f"daily job, {daemon['stores']} stores x {daemon['days']} days: CLI "
              f"{daemon['cli_s']} s; daemon, queued run {daemon['queued_vs_cli']}x, "
              f"UI backfill {daemon['ui_backfill_vs_cli']}x")


def goals(results: list[dict], curve: list[dict],
          daemon: dict | None) -> list[tuple[str, str, bool]]:
    """(goal, reached, met) for the figures measured."""
    out = []
    for r in results:
        name, ratios = r["chain"], r["ratios"]
        if name in ("chain-S", "chain-M"):
            out.append((f"{name}: data path <= 1.3x (floor + data tests' SQL)",
                        f"{ratios['data_path_vs_floor_with_tests']}x",
                        ratios["data_path_vs_floor_with_tests"] <= 1.3))
        if name == "chain-L":
            out.append((f"{name}: every asset <= 1.5x (floor + report pages)",
                        f"{ratios['backfill_vs_floor_and_pages']}x",
                        ratios["backfill_vs_floor_and_pages"] <= 1.5))
        out.append((f"{name}: daily partition <= 3x `{DAGSTER_IMPORT}`",
                    f"{ratios['daily_vs_dagster_import']}x",
                    ratios["daily_vs_dagster_import"] <= 3))
        out.append((f"{name}: peak memory < 4 GB", f"{r['peak_pss_mb']} MB",
                    r["peak_pss_mb"] * 2**20 < 4 * GIB))
    if curve:
        ratio = curve[-1]["time_ratio"]
        out.append((f"{curve[-1]['data_ratio']:g}x the data in <= 4.2x the time", f"{ratio}x",
                    ratio <= 4.2))
    if daemon:
        from daemon_vs_cli import DAEMON_GOAL

        out.append((f"daemon's queued run <= {DAEMON_GOAL}x the CLI",
                    f"{daemon['queued_vs_cli']}x", daemon["queued_vs_cli"] <= DAEMON_GOAL))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chains", nargs="*", default=["S"], choices=sorted(CHAINS))
    parser.add_argument("--curve", action="store_true",
                        help=f"backfills of {', '.join(map(str, CURVE_STORES))} stores")
    parser.add_argument("--curve-days", type=int, default=90, help="the curve's days (90)")
    parser.add_argument("--daemon", action="store_true",
                        help="the daily job launched by the daemon against the CLI")
    parser.add_argument("--json", type=Path, default=RESULTS / "end_to_end.json")
    args = parser.parse_args()
    scratch = RESULTS / "runs" / time.strftime("%Y%m%dT%H%M%S")
    scratch.mkdir(parents=True)
    results = [bench_chain(CHAINS[name], scratch) for name in args.chains]
    curve = scale_curve(args.curve_days, scratch) if args.curve else []
    daemon = None
    if args.daemon:
        from daemon_vs_cli import compare_paths

        daemon = compare_paths(stores=3, days=2)
    print_figures(results, curve, daemon)
    reached = goals(results, curve, daemon)
    print(f"\nload average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores")
    for goal, value, met in reached:
        print(f"{'met   ' if met else 'missed'}  {goal:<58} {value}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({
        "chains": results, "scale_curve": curve, "daemon_vs_cli": daemon,
        "load_average": os.getloadavg(),
        "goals": [{"goal": g, "reached": v, "met": m} for g, v, m in reached]}, indent=2))
    print(f"\nJSON: {args.json}")


if __name__ == "__main__":
    main()
