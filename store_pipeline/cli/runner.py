"""Materialise every asset for a date range in one run per partitioning (daily, weekly, monthly)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

import dagster as dg

from store_pipeline.defs.automation import (
    DEPENDENTS_HANDLED_TAG,
    RANGE_END_TAG,
    RANGE_START_TAG,
    changed_dates,
    landed_partitions,
)
from store_pipeline.defs.dbt.assets import store_dbt_models
from store_pipeline.defs.forecasts.jobs import forecast_job
from store_pipeline.defs.ingestion.jobs import ingestion_job
from store_pipeline.defs.operations.jobs import analytics_job
from store_pipeline.defs.reports.jobs import monthly_reports_job, weekly_reports_job
from store_pipeline.instance.dead_runs import fail_dead_runs, process_tags
from store_pipeline.lib.ingest.landing import dates_between
from store_pipeline.lib.rebuild import consecutive_runs, rebuild_ranges

# Stage progress (INFO) on the console; the run's full event log stays in the instance.
QUIET_CONSOLE = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}
DBT_STEP = store_dbt_models.op.name

# (the job, the partitioning it runs over) in the order a range must be built; the daily
# partitions are ingestion_job's, then analytics_job's (_land_then_build).
RANGE_JOBS = (
    (None, "daily"),
    (weekly_reports_job.name, "weekly"),
    (monthly_reports_job.name, "monthly"),
    (forecast_job.name, "forecast"),  # weekly partitions; only when asked for
)
DEFAULT_PARTITIONINGS = ("daily", "weekly", "monthly")


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
    """Run each partitioning's jobs once over its keys that cover [start, end], for the
    partitionings in ``only`` (DEFAULT_PARTITIONINGS by default); ``full_refresh`` rebuilds
    the dbt marts from every landed date. Runs of this host whose process died are failed
    first, so that the slots they held do not block these runs. The daily dates land first;
    analytics then runs over the range and over every landed date outside it whose figures
    read a date the landing changed, so no date is built from a date that is about to change.
    Weekly and monthly reports (and the forecast) follow for all of it."""
    fail_dead_runs(instance, announce)
    runs: list[RangeRun] = []
    spans = [(start, end)]
    only = DEFAULT_PARTITIONINGS if only is None else only
    for job_name, partitioning in RANGE_JOBS:
        if partitioning not in only:
            continue
        if partitioning == "daily":
            spans = _land_then_build(defs, partitions["daily"], start, end, instance, announce,
                                     full_refresh, runs)
            if spans is None:
                return runs
            continue
        for keys in key_runs(partitions[partitioning], spans):
            if not _run(defs, job_name, keys, instance, announce, full_refresh, runs):
                return runs
    return runs


def _land_then_build(defs: dg.Definitions, daily: dg.TimeWindowPartitionsDefinition,
                     start: date, end: date, instance: dg.DagsterInstance,
                     announce: Callable[[str], None], full_refresh: bool,
                     runs: list[RangeRun]) -> list[tuple[date, date]] | None:
    """Ingestion over [start, end], then analytics over it and its dependents; the spans
    built, or None when a run failed."""
    keys = keys_overlapping(daily, start, end)
    if not keys:
        return []
    if not _run(defs, ingestion_job.name, keys, instance, announce, False, runs):
        return None
    extra = _dependents(instance, runs[-1].run_id, start, end)
    if extra:
        announce(f"{', '.join(f'{a}..{b}' for a, b in extra)} read dates this landing "
                 "changed: rebuilding them")
    spans = consecutive_runs({*dates_between(start, end),
                              *(d for a, b in extra for d in dates_between(a, b))})
    for keys in key_runs(daily, spans):
        if not _run(defs, analytics_job.name, keys, instance, announce, full_refresh, runs):
            return None
    return spans


def key_runs(partitions_def: dg.TimeWindowPartitionsDefinition,
             spans: Sequence[tuple[date, date]]) -> list[list[str]]:
    """The partition keys overlapping any of ``spans``, as runs of consecutive keys."""
    wanted = {k for first, last in spans for k in keys_overlapping(partitions_def, first, last)}
    runs: list[list[str]] = []
    previous = None
    for index, key in enumerate(partitions_def.get_partition_keys()):
        if key in wanted:
            if previous == index - 1:
                runs[-1].append(key)
            else:
                runs.append([key])
            previous = index
    return runs


def _run(defs: dg.Definitions, job_name: str, keys: Sequence[str],
         instance: dg.DagsterInstance, announce: Callable[[str], None], full_refresh: bool,
         runs: list[RangeRun]) -> bool:
    """Run ``job_name`` once over ``keys``; record it in ``runs``; True when it succeeded."""
    announce(f"{job_name}: {keys[0]} .. {keys[-1]} ({len(keys)} partitions, one run)")
    job = defs.resolve_job_def(job_name)
    result = job.execute_in_process(
        run_config=run_config(job, full_refresh),
        instance=instance,
        tags={RANGE_START_TAG: keys[0], RANGE_END_TAG: keys[-1], DEPENDENTS_HANDLED_TAG: "true",
              **process_tags()},
        raise_on_error=False,
    )
    runs.append(RangeRun(job_name, keys[0], keys[-1], result.success, result.run_id))
    return result.success


def _dependents(instance: dg.DagsterInstance, run_id: str, start: date,
                end: date) -> list[tuple[date, date]]:
    """Ranges outside [start, end] whose figures read a date run ``run_id`` changed."""
    changed = changed_dates(instance, run_id)
    outside = {d for d in landed_partitions(instance) if not start <= d <= end}
    return rebuild_ranges(changed, outside)


def run_config(job: dg.JobDefinition, full_refresh: bool) -> dict:
    """Console at INFO; the dbt step's full_refresh option when the job runs dbt."""
    if not (full_refresh and job.graph.has_node_named(DBT_STEP)):
        return QUIET_CONSOLE
    return {**QUIET_CONSOLE, "ops": {DBT_STEP: {"config": {"full_refresh": True}}}}
