"""The sensors: a run per complete new backup in the POS outbox, analytics after each landing,
weekly and monthly reports once their last day is built."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date

import dagster as dg

from store_pipeline.automation import (
    DAILY_REPORTS_KEY,
    new_materializations,
    period_is_due,
    periods_touched,
    range_request,
    rebuild_requests,
)
from store_pipeline.ingest.files import OutboxFile, business_date_of
from store_pipeline.jobs import (
    analytics_job,
    ingestion_job,
    monthly_reports_job,
    weekly_reports_job,
)
from store_pipeline.partitions import daily_partitions, monthly_partitions, weekly_partitions
from store_pipeline.resources.outbox import Outbox
from store_pipeline.schedules import INVENTORY_KEY, REVIEW_KEY

POLL_SECONDS = int(os.environ.get("STORE_PIPELINE_SENSOR_INTERVAL", "30"))


@dataclass
class OutboxCursor:
    """What the sensor saw at its last poll and what it has already taken."""

    seen: dict[str, list[float]] = field(default_factory=dict)  # name -> [size, mtime]
    taken: dict[str, list[float]] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str | None) -> OutboxCursor:
        return cls(**json.loads(text)) if text else cls()

    def dump(self) -> str:
        return json.dumps({"seen": self.seen, "taken": self.taken}, sort_keys=True)


@dataclass
class OutboxPlan:
    """Runs to request, the next cursor, and why nothing ran when nothing did."""

    run_requests: list[dg.RunRequest]
    cursor: OutboxCursor
    waiting: list[str]
    skipped: list[str]


def plan_outbox_runs(files: list[OutboxFile], cursor: OutboxCursor, pattern: str,
                     partition_keys: set[str]) -> OutboxPlan:
    """Request a run for each backup that is complete: its ready marker is there, or its size
    and mtime held still since the last poll."""
    requests, waiting, skipped, seen = [], [], [], {}
    for f in files:
        state = [float(f.size), f.mtime]
        day = business_date_of(f.name, pattern)
        if cursor.taken.get(f.name) == state:
            continue
        if day is None or day.isoformat() not in partition_keys:
            skipped.append(f"{f.name} (no partition for its date)")
            continue
        if not f.ready and cursor.seen.get(f.name) != state:
            seen[f.name] = state
            waiting.append(f.name)
            continue
        requests.append(dg.RunRequest(
            run_key=f"{f.name}:{f.size}:{f.mtime}",
            partition_key=day.isoformat(),
            tags={"store_pipeline/backup": f.name},
        ))
        cursor.taken[f.name] = state
    present = {f.name for f in files}
    taken = {n: s for n, s in cursor.taken.items() if n in present}
    return OutboxPlan(requests, OutboxCursor(seen=seen, taken=taken), waiting, skipped)


def _skip_reason(plan: OutboxPlan, outbox: Outbox, listed: int) -> str:
    if plan.waiting:
        return f"waiting for {', '.join(plan.waiting)} to stop changing (checked next poll)"
    if plan.skipped:
        return f"ignored {', '.join(plan.skipped)}"
    if listed:
        return f"all {listed} backup(s) in {outbox.describe()} were already taken"
    return f"no backup matching {outbox.pattern} in {outbox.describe()}"


@dg.sensor(job=ingestion_job, minimum_interval_seconds=POLL_SECONDS,
           default_status=dg.DefaultSensorStatus.STOPPED,
           description="Starts ingestion as soon as a complete new backup is in the outbox.")
def new_backup_sensor(context: dg.SensorEvaluationContext, outbox: Outbox):
    """Poll the outbox; a backup is complete when it did not change between two polls."""
    files = outbox.list_files()
    keys = set(daily_partitions.get_partition_keys())
    plan = plan_outbox_runs(files, OutboxCursor.parse(context.cursor), outbox.pattern, keys)
    context.update_cursor(plan.cursor.dump())
    if plan.run_requests:
        return plan.run_requests
    return dg.SkipReason(_skip_reason(plan, outbox, len(files)))


@dg.sensor(jobs=[analytics_job], minimum_interval_seconds=POLL_SECONDS,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Starts analytics as soon as a date lands, and again for every landed "
                       "date whose figures read a date a later backup changed.")
def landed_data_sensor(context: dg.SensorEvaluationContext):
    """One analytics run per range of dates to (re)build since the last evaluation."""
    requests, cursor = rebuild_requests(context.instance, int(context.cursor or 0))
    context.update_cursor(str(cursor))
    return requests or dg.SkipReason("no date landed or changed since the last evaluation")


PERIODS = ((weekly_reports_job, weekly_partitions, INVENTORY_KEY),
           (monthly_reports_job, monthly_partitions, REVIEW_KEY))


@dg.sensor(jobs=[weekly_reports_job, monthly_reports_job],
           minimum_interval_seconds=POLL_SECONDS,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Renders a week or month once its last day's reports are built, and "
                       "again when any of its days is rebuilt.")
def period_reports_sensor(context: dg.SensorEvaluationContext):
    """Weekly and monthly report runs for the periods whose days were built since last time."""
    records = new_materializations(context.instance, DAILY_REPORTS_KEY, int(context.cursor or 0))
    if not records:
        return dg.SkipReason("no daily reports built since the last evaluation")
    newest = records[-1].storage_id
    days = {date.fromisoformat(r.partition_key) for r in records if r.partition_key}
    requests = []
    for job, partitions_def, report_key in PERIODS:
        for key in periods_touched(partitions_def, days):
            if period_is_due(context.instance, report_key, partitions_def, key) is None:
                requests.append(range_request(job.name, key, key, f"{job.name}:{key}:{newest}"))
    context.update_cursor(str(newest))
    return requests or dg.SkipReason("no week or month whose last day is built was touched")
