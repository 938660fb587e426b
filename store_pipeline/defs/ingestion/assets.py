"""Ingestion: take each business date's backup into landing/, then restore it into raw_pos."""


import json
import time
from datetime import date
from pathlib import Path

import dagster as dg

from store_pipeline.defs.freshness import DAILY_BY_0300
from store_pipeline.defs.partitions import daily_partitions, window_dates
from store_pipeline.defs.resources.data_home import DataHome
from store_pipeline.defs.resources.outbox import Outbox
from store_pipeline.defs.resources.warehouse import WAREHOUSE_POOL, Warehouse
from store_pipeline.lib.ingest.files import FetchResult, OutboxFile, business_date_of
from store_pipeline.lib.ingest.landing import LandedDate, dates_between, describe_dates
from store_pipeline.lib.pos_schema import POS_TABLES

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


def _source_record(target: Path) -> Path:
    """Beside each landed backup: the remote file it was fetched from (size, mtime, sha256)."""
    return target.with_name(target.name + ".source.json")


def _already_landed(target: Path, remote: OutboxFile) -> bool:
    """The landed copy is of this very remote file: a re-issued backup has a new mtime."""
    record = _source_record(target)
    if not (target.is_file() and record.is_file()):
        return False
    source = json.loads(record.read_text())
    return (source["size"], source["mtime"]) == (remote.size, remote.mtime)


def _landed_copies(data_home: DataHome, pattern: str) -> set[date]:
    """Dates whose backup is in landing/ with its source record (fetched and verified)."""
    files = [OutboxFile(p.name, 0, 0.0) for p in data_home.landing.glob("*")
             if _source_record(p).is_file()]
    return set(_by_date(files, pattern))


def _record_source(result: FetchResult, remote: OutboxFile) -> str:
    """Write the landed file's source record; say whether a re-issue changed its content."""
    record = _source_record(result.path)
    before = json.loads(record.read_text())["sha256"] if record.is_file() else None
    part = record.with_name(record.name + ".part")
    part.write_text(json.dumps({"size": remote.size, "mtime": remote.mtime,
                                "sha256": result.sha256}))
    part.replace(record)
    if before is None:
        return ""
    return ", re-issued with the same content" if before == result.sha256 \
        else ", re-issued with new content"


@dg.asset(
    partitions_def=daily_partitions,
    backfill_policy=SINGLE_RUN,
    group_name="ingestion",
    kinds={"file"},
    freshness_policy=DAILY_BY_0300,
    description="The POS backup of each business date, landed in landing/ and verified.",
)
def pos_backup(context: dg.AssetExecutionContext, outbox: Outbox, data_home: DataHome,
               warehouse: Warehouse) -> dg.MaterializeResult:
    """Fetch every backup of the run's dates from the outbox. A landed copy of the same remote
    file is kept; a date already landed needs no remote file (the POS may archive it)."""
    days = dates_between(*window_dates(context))
    available = _by_date(outbox.list_files(), outbox.pattern)
    gone = [d for d in days if d not in available]
    kept = _landed_copies(data_home, outbox.pattern)
    if gone:
        kept |= warehouse.landed_dates(min(gone), max(gone))
    _require({**available, **dict.fromkeys(kept)}, days, outbox.describe(), "backup")
    files, wanted = {}, {}
    for day in days:
        remote = available.get(day)
        if remote is None:
            files[day.isoformat()] = "landed before; no longer in the outbox"
            context.log.info(f"{day}: no backup in the outbox any more; it was landed before")
        elif _already_landed(data_home.landing / remote.name, remote):  # verified when landed
            files[remote.name] = "kept"
            context.log.info(f"{remote.name}: already landed, kept")
        else:
            files[remote.name] = ""  # its sha256 once fetched: the files stay in date order
            wanted[remote.name] = remote
    started, total_bytes = time.monotonic(), 0
    for result in outbox.fetch_all(list(wanted.values()), data_home.landing):
        total_bytes += result.size
        files[result.path.name] = result.sha256
        reissue = _record_source(result, wanted[result.path.name])
        context.log.info(
            f"{result.path.name}: {result.size / 1048576:.1f} MiB in {result.seconds:.2f} s "
            f"({result.mib_per_second:.1f} MiB/s), sha256 {result.sha256[:12]}{reissue}"
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
    """Land each backup of the run's dates: the dates of its window whose rows changed, and its
    date's state. Dates outside the run that a backup changed are materialised too, so that
    their marts are rebuilt (the landed-data sensor, or the CLI's backfill, does that)."""
    days = dates_between(*window_dates(context))
    in_landing = [OutboxFile(p.name, p.stat().st_size, 0.0)
                  for p in data_home.landing.glob("*") if p.is_file()]
    landed = _by_date(in_landing, outbox.pattern)
    no_file = [d for d in days if d not in landed]
    in_raw = warehouse.landed_dates(min(no_file), max(no_file)) if no_file else set()
    _require({**landed, **dict.fromkeys(in_raw)}, days, str(data_home.landing),
             "landed backup")
    if in_raw:
        context.log.info(f"raw_pos {describe_dates(in_raw)}: landed before, no backup file in "
                         "landing/ any more; kept as they are")
    totals = {t.raw_name: 0 for t in POS_TABLES}
    backups = [(data_home.landing / landed[day].name, day) for day in days if day in landed]
    changed: set[date] = set()
    for number, result in enumerate(warehouse.land_backups(backups, context.log.info), 1):
        for name, n in result.rows.items():
            totals[name] += n
        changed.update(result.changed)
        context.log.info(_landing_line(result, number, len(backups)))
    outside = changed - set(days)  # only the dates landed with a backup of their own
    for day in sorted(warehouse.landed_dates(min(outside), max(outside)) if outside else ()):
        for table in POS_TABLES:
            context.log_event(dg.AssetMaterialization(
                ["raw_pos", table.raw_name], partition=day.isoformat(),
                metadata={"relanded_by_run_of": describe_dates(days)}))
    metadata = {"changed_dates": dg.MetadataValue.json([d.isoformat() for d in sorted(changed)])}
    for table in POS_TABLES:
        yield dg.MaterializeResult(asset_key=["raw_pos", table.raw_name],
                                   metadata={"rows": totals[table.raw_name], **metadata})


def _landing_line(result: LandedDate, number: int, total: int) -> str:
    """One log line per landed backup: its rows, the dates it changed, what it quarantined."""
    changed = describe_dates(result.changed) if result.changed else "none (same rows as before)"
    line = (f"raw_pos {result.business_date}: {sum(result.rows.values())} rows; dates "
            f"changed: {changed} ({number}/{total})")
    if not result.rows.get("transaction"):
        line += "; no sales on this date (closed)"
    if result.future_transactions:
        line += (f"; {result.future_transactions} transaction(s) dated after it quarantined "
                 "under it")
    return line
