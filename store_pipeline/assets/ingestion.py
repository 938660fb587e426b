"""Ingestion: take each business date's backup into landing/, then restore it into raw_pos."""


import time
from datetime import date
from pathlib import Path

import dagster as dg

from store_pipeline.freshness import DAILY_BY_0300
from store_pipeline.ingest.files import OutboxFile, business_date_of
from store_pipeline.ingest.restore import dates_between
from store_pipeline.partitions import daily_partitions, window_dates
from store_pipeline.pos_schema import POS_TABLES
from store_pipeline.resources.data_home import DataHome
from store_pipeline.resources.outbox import Outbox
from store_pipeline.resources.warehouse import WAREHOUSE_POOL, Warehouse

SINGLE_RUN = dg.BackfillPolicy.single_run()


def _by_date(files: list[OutboxFile], pattern: str) -> dict[date, OutboxFile]:
    found = {}
    for f in files:
        day = business_date_of(f.name, pattern)
        if day is not None:
            found[day] = f
    return found


def _require(found: dict, days: list[date], where: str, what: str) -> None:
    missing = [d.isoformat() for d in days if d not in found]
    if missing:
        raise dg.Failure(
            f"no {what} for {', '.join(missing)}: expected pos_YYYYMMDD files "
            f"(e.g. pos_{missing[0].replace('-', '')}.duckdb) in {where}"
        )


def _already_landed(target: Path, remote: OutboxFile) -> bool:
    return target.is_file() and target.stat().st_size == remote.size


@dg.asset(
    partitions_def=daily_partitions,
    backfill_policy=SINGLE_RUN,
    group_name="ingestion",
    kinds={"file"},
    freshness_policy=DAILY_BY_0300,
    description="The POS backup of each business date, landed in landing/ and verified.",
)
def pos_backup(context: dg.AssetExecutionContext, outbox: Outbox,
               data_home: DataHome) -> dg.MaterializeResult:
    """Fetch every backup of the run's dates from the outbox; a landed file is kept."""
    days = dates_between(*window_dates(context))
    available = _by_date(outbox.list_files(), outbox.pattern)
    _require(available, days, outbox.describe(), "backup")
    files, wanted = {}, []
    for day in days:
        remote = available[day]
        if _already_landed(data_home.landing / remote.name, remote):  # verified when it landed
            files[remote.name] = "kept"
            context.log.info(f"{remote.name}: already landed, kept")
        else:
            files[remote.name] = ""  # its sha256 once fetched: the files stay in date order
            wanted.append(remote)
    started, total_bytes = time.monotonic(), 0
    for result in outbox.fetch_all(wanted, data_home.landing):
        total_bytes += result.size
        files[result.path.name] = result.sha256
        context.log.info(
            f"{result.path.name}: {result.size / 1048576:.1f} MiB in {result.seconds:.2f} s "
            f"({result.mib_per_second:.1f} MiB/s), sha256 {result.sha256[:12]}"
        )
    total_seconds = time.monotonic() - started if wanted else 0.0
    return dg.MaterializeResult(
        metadata={
            "files": dg.MetadataValue.json(files),
            "bytes_transferred": total_bytes,
            "transfer_seconds": round(total_seconds, 3),
            "mib_per_second": round(total_bytes / 1048576 / total_seconds, 2)
            if total_seconds else 0.0,
        }
    )


RAW_POS_SPECS = [
    dg.AssetSpec(
        ["raw_pos", t.raw_name],
        deps=[pos_backup],
        group_name="raw_pos",
        kinds={"duckdb"},
        description=f"POS table dbo.{t.name}, landed per business date.",
        freshness_policy=DAILY_BY_0300,
    )
    for t in POS_TABLES
]


@dg.multi_asset(
    specs=RAW_POS_SPECS,
    partitions_def=daily_partitions,
    backfill_policy=SINGLE_RUN,
    pool=WAREHOUSE_POOL,
    can_subset=False,
)
def raw_pos(context: dg.AssetExecutionContext, warehouse: Warehouse, data_home: DataHome,
            outbox: Outbox):
    """Restore each landed backup and land its business date's rows in raw_pos."""
    days = dates_between(*window_dates(context))
    in_landing = [OutboxFile(p.name, p.stat().st_size, 0.0)
                  for p in data_home.landing.glob("*") if p.is_file()]
    landed = _by_date(in_landing, outbox.pattern)
    _require(landed, days, str(data_home.landing), "landed backup")
    totals = {t.raw_name: 0 for t in POS_TABLES}
    backups = [(data_home.landing / landed[day].name, day) for day in days]
    for number, result in enumerate(warehouse.land_backups(backups, context.log.info), 1):
        for name, n in result.rows.items():
            totals[name] += n
        context.log.info(f"raw_pos {result.business_date}: {sum(result.rows.values())} rows "
                         f"landed ({number}/{len(days)})")
    for table in POS_TABLES:
        yield dg.MaterializeResult(
            asset_key=["raw_pos", table.raw_name], metadata={"rows": totals[table.raw_name]}
        )
