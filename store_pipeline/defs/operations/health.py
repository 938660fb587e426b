"""Pipeline health from the Dagster instance: runs per job, failures, partition gaps, freshness."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import dagster as dg

from store_pipeline.defs.operations.catalog import WatchedAsset
from store_pipeline.defs.operations.freshness import freshness_states
from store_pipeline.defs.operations.runs import StepError, failed_steps, partition_label
from store_pipeline.internals.freshness import Freshness

WINDOW_DAYS = 30


@dataclass(frozen=True)
class JobStats:
    """A job's runs in the window: outcomes, durations (seconds) and the latest start."""

    job: str
    runs: int
    succeeded: int
    failed: int
    median_seconds: float | None
    max_seconds: float | None
    last_started: datetime | None


@dataclass(frozen=True)
class FailedRun:
    job: str
    partition: str
    run_id: str
    started: datetime | None
    steps: tuple[StepError, ...]


@dataclass(frozen=True)
class PartitionGaps:
    """Partitions never materialised between an asset's first and last materialised one."""

    asset: str
    first: str
    last: str
    materialized: int
    missing: tuple[str, ...]  # ranges: "2026-01-06" or "2026-02-01 .. 2026-02-03"


@dataclass(frozen=True)
class Health:
    generated: datetime
    since: datetime
    jobs: tuple[JobStats, ...]
    failures: tuple[FailedRun, ...]
    partitioned_assets: int
    gaps: tuple[PartitionGaps, ...]
    freshness: tuple[Freshness, ...]


def collect_health(instance: dg.DagsterInstance, assets: Sequence[WatchedAsset], now: datetime,
                   days: int = WINDOW_DAYS) -> Health:
    """Everything the health report shows, as of ``now``."""
    since = now - timedelta(days=days)
    records = instance.get_run_records(filters=dg.RunsFilter(created_after=since))
    partitioned = [a for a in assets
                   if isinstance(a.partitions_def, dg.TimeWindowPartitionsDefinition)]
    gaps = [partition_gaps(instance, asset) for asset in partitioned]
    return Health(
        generated=now, since=since, jobs=tuple(job_stats(records, now)),
        failures=tuple(_failure(instance, r, now) for r in records
                       if r.dagster_run.status == dg.DagsterRunStatus.FAILURE),
        partitioned_assets=len(partitioned),
        gaps=tuple(g for g in gaps if g and g.missing),
        freshness=tuple(freshness_states(instance, assets, now)),
    )


def _started(record: dg.RunRecord, now: datetime) -> datetime | None:
    return datetime.fromtimestamp(record.start_time, now.tzinfo) if record.start_time else None


def job_stats(records: Sequence[dg.RunRecord], now: datetime) -> list[JobStats]:
    """One row per job, by job name."""
    by_job: dict[str, list[dg.RunRecord]] = defaultdict(list)
    for record in records:
        by_job[record.dagster_run.job_name].append(record)
    stats = []
    for job, runs in sorted(by_job.items()):
        durations = [r.end_time - r.start_time for r in runs if r.start_time and r.end_time]
        starts = [s for s in (_started(r, now) for r in runs) if s]
        stats.append(JobStats(
            job=job, runs=len(runs),
            succeeded=sum(r.dagster_run.status == dg.DagsterRunStatus.SUCCESS for r in runs),
            failed=sum(r.dagster_run.status == dg.DagsterRunStatus.FAILURE for r in runs),
            median_seconds=statistics.median(durations) if durations else None,
            max_seconds=max(durations, default=None),
            last_started=max(starts, default=None),
        ))
    return stats


def _failure(instance: dg.DagsterInstance, record: dg.RunRecord, now: datetime) -> FailedRun:
    run = record.dagster_run
    return FailedRun(run.job_name, partition_label(run), run.run_id, _started(record, now),
                     tuple(failed_steps(instance, run)))


def partition_gaps(instance: dg.DagsterInstance, asset: WatchedAsset) -> PartitionGaps | None:
    """The asset's gaps, or None when it has no materialised partition."""
    done = instance.get_materialized_partitions(asset.key)
    if not done:
        return None
    first, last = min(done), max(done)
    keys = asset.partitions_def.get_partition_keys_in_range(dg.PartitionKeyRange(first, last))
    return PartitionGaps(asset.name, first, last, len(done), tuple(_missing_ranges(keys, done)))


def _missing_ranges(keys: Sequence[str], done: set[str]) -> list[str]:
    """Runs of consecutive keys not in ``done``, as ``a`` or ``a .. b``."""
    ranges, run = [], []
    for key in [*keys, None]:
        if key is not None and key not in done:
            run.append(key)
            continue
        if run:
            ranges.append(run[0] if len(run) == 1 else f"{run[0]} .. {run[-1]}")
            run = []
    return ranges
