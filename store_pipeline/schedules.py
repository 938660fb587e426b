"""02:00 ingestion, the 03:00 analytics deadline, Monday and first-of-month reports, in the
chain's timezone.

Analytics normally starts as soon as D lands (``landed_data_sensor``); at 03:00 the deadline
starts it for D only if D has landed and is not built since, so analytics never runs before
D's ingestion, also on the night the clocks go forward and 02:00 fires at 03:00. A week or
month is rendered once its last day is built (``period_reports_sensor``); its schedule is the
deadline for the same rule.
"""


from datetime import timedelta

import dagster as dg

from store_pipeline.automation import latest_storage_id, period_is_due
from store_pipeline.jobs import (
    analytics_job,
    ingestion_job,
    monthly_reports_job,
    weekly_reports_job,
)
from store_pipeline.partitions import monthly_partitions, weekly_partitions
from store_pipeline.runner import LANDED_KEY
from store_pipeline.settings import load_settings

_tz = load_settings().timezone
INVENTORY_KEY = dg.AssetKey(["reports", "inventory_analysis"])
REVIEW_KEY = dg.AssetKey(["reports", "business_review"])

# Daily partitions end at midnight: at 02:00 and 03:00 the newest one is yesterday.
ingestion_schedule = dg.build_schedule_from_partitioned_job(
    ingestion_job, hour_of_day=2, name="ingestion_0200"
)
BUILT_KEY = dg.AssetKey(["marts", "rpt_daily_sales"])
ACTIVE = (dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED,
          dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED)


def analytics_deadline_skip(instance: dg.DagsterInstance, partition: str) -> str | None:
    """Why analytics of ``partition`` should not start at the deadline, or None to start it."""
    ingesting = instance.get_runs(dg.RunsFilter(
        job_name=ingestion_job.name, statuses=list(ACTIVE),
        tags={"dagster/partition": partition}), limit=1)
    if ingesting:
        return f"ingestion of {partition} is still running; analytics follows once it lands"
    landed = latest_storage_id(instance, LANDED_KEY, partition)
    if landed is None:
        return f"{partition} has not landed: no backup yet (the freshness checks alert on it)"
    built = latest_storage_id(instance, BUILT_KEY, partition)
    if built is not None and built > landed:
        return f"{partition} was built after it landed"
    return None


@dg.schedule(cron_schedule="0 3 * * *", job=analytics_job, execution_timezone=_tz,
             name="analytics_0300")
def analytics_schedule(context: dg.ScheduleEvaluationContext):
    """Yesterday's analytics, unless it already ran on what landed or nothing landed yet."""
    partition = (context.scheduled_execution_time - timedelta(days=1)).date().isoformat()
    reason = analytics_deadline_skip(context.instance, partition)
    if reason:
        return dg.SkipReason(reason)
    return dg.RunRequest(partition_key=partition)


@dg.schedule(cron_schedule="0 4 * * 1", job=weekly_reports_job, execution_timezone=_tz,
             name="weekly_reports_monday_0400")
def weekly_reports_schedule(context: dg.ScheduleEvaluationContext):
    """The ISO week that ended on Sunday, once its Sunday is built."""
    key = (context.scheduled_execution_time - timedelta(days=7)).date().isoformat()
    reason = period_is_due(context.instance, INVENTORY_KEY, weekly_partitions, key)
    return dg.SkipReason(f"week {key}: {reason}") if reason else dg.RunRequest(partition_key=key)


@dg.schedule(cron_schedule="30 4 1 * *", job=monthly_reports_job, execution_timezone=_tz,
             name="monthly_reports_first_0430")
def monthly_reports_schedule(context: dg.ScheduleEvaluationContext):
    """The calendar month that just ended, once its last day is built."""
    month_start = (context.scheduled_execution_time - timedelta(days=1)).date().replace(day=1)
    key = month_start.isoformat()
    reason = period_is_due(context.instance, REVIEW_KEY, monthly_partitions, key)
    return dg.SkipReason(f"month {key}: {reason}") if reason else dg.RunRequest(partition_key=key)


SCHEDULES = [ingestion_schedule, analytics_schedule, weekly_reports_schedule,
             monthly_reports_schedule]
