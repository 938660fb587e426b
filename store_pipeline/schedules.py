"""02:00 ingestion, 03:00 analytics, Monday and first-of-month reports, in the chain's timezone."""


from datetime import timedelta

import dagster as dg

from store_pipeline.jobs import (
    analytics_job,
    ingestion_job,
    monthly_reports_job,
    weekly_reports_job,
)
from store_pipeline.settings import load_settings

_tz = load_settings().timezone

# Daily partitions end at midnight: at 02:00 and 03:00 the newest one is yesterday.
ingestion_schedule = dg.build_schedule_from_partitioned_job(
    ingestion_job, hour_of_day=2, name="ingestion_0200"
)
analytics_schedule = dg.build_schedule_from_partitioned_job(
    analytics_job, hour_of_day=3, name="analytics_0300"
)


@dg.schedule(cron_schedule="0 4 * * 1", job=weekly_reports_job, execution_timezone=_tz,
             name="weekly_reports_monday_0400")
def weekly_reports_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """The ISO week that ended on Sunday."""
    week_start = (context.scheduled_execution_time - timedelta(days=7)).date()
    return dg.RunRequest(partition_key=week_start.isoformat())


@dg.schedule(cron_schedule="30 4 1 * *", job=monthly_reports_job, execution_timezone=_tz,
             name="monthly_reports_first_0430")
def monthly_reports_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """The calendar month that just ended."""
    month_start = (context.scheduled_execution_time - timedelta(days=1)).date().replace(day=1)
    return dg.RunRequest(partition_key=month_start.isoformat())


SCHEDULES = [ingestion_schedule, analytics_schedule, weekly_reports_schedule,
             monthly_reports_schedule]
