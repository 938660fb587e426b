"""The weekly and monthly report deadlines (Monday 04:00, the first at 04:30, in the chain's
timezone): a period is rendered once its last day is built (``period_reports_sensor``); its
schedule is the deadline for the same rule."""

from datetime import timedelta

import dagster as dg

from store_pipeline.defs.automation import period_is_due
from store_pipeline.defs.partitions import CHAIN_TIMEZONE, monthly_partitions, weekly_partitions
from store_pipeline.defs.reports.jobs import monthly_reports_job, weekly_reports_job

INVENTORY_KEY = dg.AssetKey(["reports", "inventory_analysis"])
REVIEW_KEY = dg.AssetKey(["reports", "business_review"])


@dg.schedule(cron_schedule="0 4 * * 1", job=weekly_reports_job, execution_timezone=CHAIN_TIMEZONE,
             name="weekly_reports_monday_0400")
def weekly_reports_schedule(context: dg.ScheduleEvaluationContext):
    """The ISO week that ended on Sunday, once its Sunday is built."""
    key = (context.scheduled_execution_time - timedelta(days=7)).date().isoformat()
    reason = period_is_due(context.instance, INVENTORY_KEY, weekly_partitions, key)
    return dg.SkipReason(f"week {key}: {reason}") if reason else dg.RunRequest(partition_key=key)


@dg.schedule(cron_schedule="30 4 1 * *", job=monthly_reports_job, execution_timezone=CHAIN_TIMEZONE,
             name="monthly_reports_first_0430")
def monthly_reports_schedule(context: dg.ScheduleEvaluationContext):
    """The calendar month that just ended, once its last day is built."""
    month_start = (context.scheduled_execution_time - timedelta(days=1)).date().replace(day=1)
    key = month_start.isoformat()
    reason = period_is_due(context.instance, REVIEW_KEY, monthly_partitions, key)
    return dg.SkipReason(f"month {key}: {reason}") if reason else dg.RunRequest(partition_key=key)


SCHEDULES = [weekly_reports_schedule, monthly_reports_schedule]
