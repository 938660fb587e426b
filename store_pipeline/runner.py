"""Materialise every asset for a date range in one run per partitioning (daily, weekly, monthly)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, time

import dagster as dg

from store_pipeline.dead_runs import fail_dead_runs, process_tags

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"

# Stage progress (INFO) on the console; the run's full event log stays in the instance.
QUIET_CONSOLE = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}
DBT_STEP = "store_dbt_models"

# (job, the partitioning it runs over) in the order a range must be built.
RANGE_JOBS = (
    ("daily_pipeline_job", "daily"),
    ("weekly_reports_job", "weekly"),
    ("monthly_reports_job", "monthly"),
)


@dataclass(frozen=True)
class RangeRun:
    """One run over a range of partition keys."""

    job_name: str
    first_key: str
    last_key: str
    success: bool
    run_id: str


def keys_overlapping(partitions_def: dg.TimeWindowPartitionsDefinition, start: date,
                     end: date) -> list[str]:
    """Partition keys whose time window overlaps the business dates [start, end]."""
    lo = datetime.combine(start, time.min)
    hi = datetime.combine(end, time.max)
    keys = []
    for key in partitions_def.get_partition_keys():
        window = partitions_def.time_window_for_partition_key(key)
        if window.start.replace(tzinfo=None) <= hi and window.end.replace(tzinfo=None) > lo:
            keys.append(key)
    return keys


def materialize_range(defs: dg.Definitions, partitions: dict[str, dg.PartitionsDefinition],
                      start: date, end: date, instance: dg.DagsterInstance,
                      announce: Callable[[str], None] = print,
                      full_refresh: bool = False,
                      only: Collection[str] | None = None) -> list[RangeRun]:
    """Run each job once over the keys of its partitioning that cover [start, end], for the
    partitionings in ``only`` (all by default); ``full_refresh`` rebuilds the dbt marts from
    all of raw_pos. Runs of this host whose process died are failed first, so that the slots
    they held do not block these runs."""
    fail_dead_runs(instance, announce)
    runs = []
    for job_name, partitioning in RANGE_JOBS:
        if only is not None and partitioning not in only:
            continue
        keys = keys_overlapping(partitions[partitioning], start, end)
        if not keys:
            continue
        announce(f"{job_name}: {keys[0]} .. {keys[-1]} ({len(keys)} partitions, one run)")
        job = defs.resolve_job_def(job_name)
        result = job.execute_in_process(
            run_config=run_config(job, full_refresh),
            instance=instance,
            tags={RANGE_START_TAG: keys[0], RANGE_END_TAG: keys[-1], **process_tags()},
            raise_on_error=False,
        )
        runs.append(RangeRun(job_name, keys[0], keys[-1], result.success, result.run_id))
        if not result.success:
            break
    return runs


def run_config(job: dg.JobDefinition, full_refresh: bool) -> dict:
    """Console at INFO; the dbt step's full_refresh option when the job runs dbt."""
    if not (full_refresh and job.graph.has_node_named(DBT_STEP)):
        return QUIET_CONSOLE
    return {**QUIET_CONSOLE, "ops": {DBT_STEP: {"config": {"full_refresh": True}}}}
