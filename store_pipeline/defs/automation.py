"""Analytics that follow the data: rebuild what a landing changed, render a period once its
last day is built, and the 03:00 deadline that never runs analytics before D has landed.

The decisions are plain functions of what the instance recorded; the sensors and schedules in
``defs/<stage>/sensors.py`` and ``schedules.py`` only read the instance and call them.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import dagster as dg

from store_pipeline.lib.rebuild import consecutive_runs, dependent_dates

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"

LANDED_KEY = dg.AssetKey(["raw_pos", "transaction"])
# On runs whose launcher (the command line's runner) rebuilds the dates their landing
# changed itself.
DEPENDENTS_HANDLED_TAG = "store_pipeline/dependents_handled"
# How often the sensors poll the outbox and the instance.
POLL_SECONDS = int(os.environ.get("STORE_PIPELINE_SENSOR_INTERVAL", "30"))
DAILY_REPORTS_KEY = dg.AssetKey(["reports", "sales_dashboard"])
_BATCH = 500


@dataclass(frozen=True)
class Landing:
    """One run's landing: the dates it changed, and the dates it also built analytics for."""

    run_id: str
    changed: frozenset[date]
    built: frozenset[date]


def changed_dates(instance: dg.DagsterInstance, run_id: str) -> set[date]:
    """The dates the landing of run ``run_id`` changed (raw_pos metadata ``changed_dates``)."""
    found: set[date] = set()
    for record in instance.get_records_for_run(
            run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records:
        materialization = record.asset_materialization
        if materialization is None or materialization.asset_key != LANDED_KEY:
            continue
        value = materialization.metadata.get("changed_dates")
        found.update(date.fromisoformat(d) for d in (value.value if value else []))
    return found


def landed_partitions(instance: dg.DagsterInstance) -> set[date]:
    """The dates raw_pos has landed, as Dagster knows them."""
    return {date.fromisoformat(key) for key in instance.get_materialized_partitions(LANDED_KEY)}


def plan_rebuilds(landings: Iterable[Landing], landed: set[date]) -> list[tuple[date, date]]:
    """Ranges of landed dates to run analytics over: what the landings changed and every date
    that reads a changed date. A date a landing run built itself is left out unless it reads
    a date the run changed outside what it built (its build read that date's old rows)."""
    wanted: set[date] = set()
    for landing in landings:
        outside = landing.changed - landing.built
        wanted |= dependent_dates(outside) | (dependent_dates(landing.changed & landing.built)
                                              - landing.built)
    return consecutive_runs(wanted & landed)


def range_request(job_name: str, first: str, last: str, run_key: str) -> dg.RunRequest:
    """One run of ``job_name`` over the partition keys ``first`` .. ``last``."""
    if first == last:
        return dg.RunRequest(run_key=run_key, job_name=job_name, partition_key=first)
    return dg.RunRequest(run_key=run_key, job_name=job_name,
                         tags={RANGE_START_TAG: first, RANGE_END_TAG: last})


def new_materializations(instance: dg.DagsterInstance, key: dg.AssetKey,
                         after: int) -> list[dg.EventLogRecord]:
    """Materialization records of ``key`` stored after the storage id ``after``, oldest first."""
    return list(instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, after_storage_id=after), limit=_BATCH,
        ascending=True).records)


def landings_since(instance: dg.DagsterInstance, after: int,
                   analytics_jobs: Collection[str]) -> tuple[list[Landing], int]:
    """The landings recorded after storage id ``after`` (those of ``analytics_jobs`` built
    their dates too), and the newest storage id seen."""
    records = new_materializations(instance, LANDED_KEY, after)
    by_run: dict[str, set[date]] = {}
    for record in records:
        if record.partition_key:
            by_run.setdefault(record.run_id, set()).add(date.fromisoformat(record.partition_key))
    landings = []
    for run_id, partitions in by_run.items():
        run = instance.get_run_by_id(run_id)
        if run is None or run.tags.get(DEPENDENTS_HANDLED_TAG):
            continue
        built = partitions if run.job_name in analytics_jobs else set()
        landings.append(Landing(run_id, frozenset(partitions | changed_dates(instance, run_id)),
                                frozenset(built)))
    newest = records[-1].storage_id if records else after
    return landings, newest


def rebuild_requests(instance: dg.DagsterInstance, cursor: int, job: str,
                     analytics_jobs: Collection[str]) -> tuple[list[dg.RunRequest], int]:
    """Runs of ``job`` for the landings after ``cursor`` (a landing by one of
    ``analytics_jobs`` built its own dates), and the next cursor."""
    landings, newest = landings_since(instance, cursor, analytics_jobs)
    ranges = plan_rebuilds(landings, landed_partitions(instance)) if landings else []
    requests = [range_request(job, first.isoformat(), last.isoformat(),
                              f"rebuild:{first}:{last}:{newest}") for first, last in ranges]
    return requests, newest


def period_last_day(partitions_def: dg.TimeWindowPartitionsDefinition, key: str) -> date:
    """The last business date of a weekly or monthly partition."""
    window = partitions_def.time_window_for_partition_key(key)
    return (window.end - timedelta(days=1)).date()


def latest_storage_id(instance: dg.DagsterInstance, key: dg.AssetKey,
                      partition: str) -> int | None:
    """The storage id of the newest materialization of ``key`` for ``partition``."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, asset_partitions=[partition]), limit=1).records
    return records[0].storage_id if records else None


def period_is_due(instance: dg.DagsterInstance, report_key: dg.AssetKey,
                  partitions_def: dg.TimeWindowPartitionsDefinition, key: str) -> str | None:
    """Why the period ``key`` of ``report_key`` should not be rendered now, or None when it is
    due: its last day's daily reports are built, and a day of it was built since the period
    was last rendered."""
    window = partitions_def.time_window_for_partition_key(key)
    first, last = window.start.date(), period_last_day(partitions_def, key)
    if latest_storage_id(instance, DAILY_REPORTS_KEY, last.isoformat()) is None:
        return f"its last day {last} has no daily reports yet"
    days = [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]
    built = [latest_storage_id(instance, DAILY_REPORTS_KEY, day) for day in days]
    rendered = latest_storage_id(instance, report_key, key)
    if rendered is not None and rendered > max(b for b in built if b is not None):
        return "it was rendered after its days were built"
    return None


def periods_touched(partitions_def: dg.TimeWindowPartitionsDefinition,
                    days: Iterable[date]) -> list[str]:
    """The weekly or monthly partition keys holding any of ``days``."""
    zone = ZoneInfo(partitions_def.timezone)
    return sorted({partitions_def.get_partition_key_for_timestamp(
        datetime(d.year, d.month, d.day, 12, tzinfo=zone).timestamp()) for d in days})
