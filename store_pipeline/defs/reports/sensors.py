"""The period-reports sensor: a week or month is rendered once its last day is built, and
again when one of its days is rebuilt."""

from __future__ import annotations

from datetime import date

import dagster as dg

from store_pipeline.defs.automation import (
    DAILY_REPORTS_KEY,
    POLL_SECONDS,
    new_materializations,
    period_is_due,
    periods_touched,
    range_request,
)
from store_pipeline.defs.partitions import monthly_partitions, weekly_partitions
from store_pipeline.defs.reports.jobs import monthly_reports_job, weekly_reports_job
from store_pipeline.defs.reports.schedules import INVENTORY_KEY, REVIEW_KEY

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
