"""``store-pipeline``: generate a demo chain, run every asset, backfill ranges, open the UI."""

from __future__ import annotations

import argparse
import gc
import sys
from datetime import date, timedelta
from pathlib import Path

from tqdm import tqdm

from store_pipeline.cli.services import WORKSPACE, run_services
from store_pipeline.lib.settings import Settings, load_environment, load_settings


def _date(text: str) -> date:
    return date.fromisoformat(text)


def cmd_generate(args: argparse.Namespace, settings: Settings) -> int:
    """Write one POS snapshot per business date into the outbox."""
    from store_pipeline.lib.generator import GeneratorConfig, generate_chain
    from store_pipeline.lib.generator.dirty import MANIFEST_NAME

    end = args.end_date or settings.yesterday()
    outbox = Path(args.outbox) if args.outbox else settings.outbox
    config = GeneratorConfig(stores=args.stores, days=args.days, end_date=end, seed=args.seed,
                             dirty=args.dirty)
    with tqdm(total=args.days, unit="day", desc="generating", disable=args.quiet) as bar:
        paths = generate_chain(config, outbox=outbox,
                               progress=lambda done, total: bar.update(done - bar.n))
    print(f"{len(paths)} snapshots in {outbox} ({paths[0].name} .. {paths[-1].name})")
    if args.dirty:
        print(f"dirty rows listed in {outbox / MANIFEST_NAME}")
    return 0


def _before_start(settings: Settings, start: date) -> bool:
    """True (and says so) when ``start`` is before the first partition."""
    if start < settings.start_date:
        print(f"error: {start} is before STORE_PIPELINE_START_DATE={settings.start_date}; "
              "set it to that date or earlier", file=sys.stderr)
    return start < settings.start_date


def _run_range(settings: Settings, start: date, end: date, full_refresh: bool = False,
               only: list[str] | None = None) -> int:
    from store_pipeline.cli.runner import materialize_range
    from store_pipeline.definitions import defs
    from store_pipeline.defs.partitions import (
        daily_partitions,
        monthly_partitions,
        weekly_partitions,
    )
    from store_pipeline.instance.config import get_instance

    if _before_start(settings, start):
        return 2
    partitions = {"daily": daily_partitions, "weekly": weekly_partitions,
                  "monthly": monthly_partitions, "forecast": weekly_partitions}
    runs = materialize_range(defs(), partitions, start, end, get_instance(settings),
                             full_refresh=full_refresh, only=only)
    failed = [r for r in runs if not r.success]
    for run in runs:
        status = "ok" if run.success else "FAILED"
        print(f"  {run.job_name:<22} {run.first_key} .. {run.last_key}  {status}  run {run.run_id}")
    return 1 if failed else 0


def cmd_backfill(args: argparse.Namespace, settings: Settings) -> int:
    """Every asset, ingestion included, for a date range: one run per partitioning."""
    if args.end < args.start:
        print("error: --end is before --start", file=sys.stderr)
        return 2
    return _run_range(settings, args.start, args.end, args.full_refresh, args.only)


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Generate a chain, materialise every asset for its dates, say where the results are."""
    end = settings.yesterday()
    start = end - timedelta(days=args.days - 1)
    if _before_start(settings, start):
        return 2
    gen = argparse.Namespace(stores=args.stores, days=args.days, end_date=end, seed=args.seed,
                             outbox=None, quiet=False, dirty=False)
    cmd_generate(gen, settings)
    status = _run_range(settings, start, end)
    if status == 0:
        status = _demo_forecast(settings, start, end + timedelta(days=1))
    if status == 0:
        print(f"\nExports: {settings.exports / end.isoformat()} (one folder per business date)")
        print(f"Reports: {settings.reports / 'index.html'}")
        print("Dagster UI: make ui (or store-pipeline ui), then open http://127.0.0.1:3000")
    return status


def _demo_forecast(settings: Settings, first: date, today: date) -> int:
    """The demand forecast of the week in progress, from the history before its Monday, when
    the demo's days hold enough of it."""
    from store_pipeline.lib.forecast.features import MIN_HISTORY_DAYS

    history = (today - timedelta(days=today.weekday()) - first).days
    if history <= MIN_HISTORY_DAYS:
        print(f"forecast skipped: {history} days before this week's Monday, "
              f"{MIN_HISTORY_DAYS + 1} needed (ask for more --days)")
        return 0
    return _run_range(settings, today, today, only=["forecast"])


def cmd_ui(args: argparse.Namespace, settings: Settings) -> int:
    """Start the code location's server, the Dagster webserver and the daemon on 127.0.0.1."""
    from store_pipeline.instance.config import ensure_dagster_home

    ensure_dagster_home(settings)
    return run_services(args.port)


def cmd_daemon(args: argparse.Namespace, settings: Settings) -> int:
    """Run the Dagster daemon (schedules, sensors, the run queue, backfills, run monitoring)."""
    from store_pipeline.instance.config import ensure_dagster_home
    from store_pipeline.internals.daemon import run

    ensure_dagster_home(settings)
    run(["run", "-w", args.workspace])
    return 0


def cmd_health(args: argparse.Namespace, settings: Settings) -> int:
    """Write the pipeline-health report (runs, failures, missing partitions, freshness)."""
    from store_pipeline.definitions import defs
    from store_pipeline.defs.operations.health_page import write_health_report
    from store_pipeline.instance.config import get_instance
    from store_pipeline.lib.notify.alert_log import AlertLog

    path = write_health_report(get_instance(settings), defs().resolve_asset_graph(),
                               settings.reports,
                               AlertLog.of_home(settings.home))
    print(f"Pipeline health: {path}")
    return 0


def cmd_dbt(args: argparse.Namespace, settings: Settings) -> int:
    """Run one of dbt's commands on the home's warehouse, e.g. `store-pipeline dbt build
    --select fct_sales` (its artifacts and log in <home>/dbt/cli)."""
    from store_pipeline.internals.dbt_command import run_dbt

    return run_dbt(args.dbt_args, settings)


def cmd_doctor(args: argparse.Namespace) -> int:
    """Check the configuration in force and say how to fix each problem."""
    from store_pipeline.cli.doctor import run_doctor

    return run_doctor()


# Commands that load the code location, whose dbt assets are built from dbt's manifest.
_LOADING_DEFINITIONS = (cmd_backfill, cmd_demo, cmd_ui, cmd_daemon, cmd_health)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="store-pipeline", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help=cmd_generate.__doc__)
    gen.add_argument("--stores", type=int, default=5)
    gen.add_argument("--days", type=int, default=35)
    gen.add_argument("--end-date", type=_date, default=None, help="default: yesterday")
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--outbox", default=None, help="default: STORE_PIPELINE_OUTBOX")
    gen.add_argument("--quiet", action="store_true")
    gen.add_argument("--dirty", action="store_true",
                     help="add orphan lines, unknown items, duplicates and other faults of real "
                          "backups, listed in the outbox's dirty_manifest.csv")
    gen.set_defaults(func=cmd_generate)

    demo = sub.add_parser("demo", help=cmd_demo.__doc__)
    demo.add_argument("--stores", type=int, default=5)
    demo.add_argument("--days", type=int, default=35)
    demo.add_argument("--seed", type=int, default=42)
    demo.set_defaults(func=cmd_demo)

    back = sub.add_parser("backfill", help=cmd_backfill.__doc__)
    back.add_argument("--start", type=_date, required=True)
    back.add_argument("--end", type=_date, required=True)
    back.add_argument("--full-refresh", action="store_true",
                      help="rebuild every dbt mart from all of raw_pos (after a model's "
                           "columns changed), then export and report the range")
    back.add_argument("--only", nargs="+", choices=("daily", "weekly", "monthly", "forecast"),
                      help="run only these partitionings' jobs, e.g. --only weekly monthly to "
                           "render the range's reports again (default: daily weekly monthly; the "
                           "weekly demand forecast runs only when named: --only forecast)")
    back.set_defaults(func=cmd_backfill)

    ui = sub.add_parser("ui", help=cmd_ui.__doc__)
    ui.add_argument("--port", type=int, default=3000)
    ui.set_defaults(func=cmd_ui)

    daemon = sub.add_parser("daemon", help=cmd_daemon.__doc__)
    daemon.add_argument("--workspace", default=WORKSPACE,
                        help="the workspace file naming the code location (default: the "
                             "repository's workspace.yaml, whose code server the daemon starts)")
    daemon.set_defaults(func=cmd_daemon)

    health = sub.add_parser("health", help=cmd_health.__doc__)
    health.set_defaults(func=cmd_health)

    dbt = sub.add_parser("dbt", help=cmd_dbt.__doc__, add_help=False)
    dbt.add_argument("dbt_args", nargs=argparse.REMAINDER, help="dbt's command and options")
    dbt.set_defaults(func=cmd_dbt)

    doctor = sub.add_parser("doctor", help=cmd_doctor.__doc__)
    doctor.set_defaults(func=cmd_doctor)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command; the objects it leaves are frozen out of the collector on the way out,
    since the interpreter's teardown would otherwise walk every one of them again (1.2-1.7 s
    after a daily run; Dagster's, dbt's and the definitions' objects alone are some 380,000)."""
    try:
        return _dispatch(argv)
    finally:
        gc.freeze()


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command's arguments; after `dbt`, every one is dbt's, options included."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if args.func is cmd_dbt:
        args.dbt_args = argv[argv.index("dbt") + 1:]
    elif unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


def _dispatch(argv: list[str] | None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    load_environment()
    if args.func is cmd_doctor:  # doctor reports bad settings instead of failing on them
        return cmd_doctor(args)
    if args.func in _LOADING_DEFINITIONS:
        from store_pipeline.internals.dbt_parse_state import ensure_manifest

        ensure_manifest()
    return args.func(args, load_settings())


if __name__ == "__main__":
    sys.exit(main())
