"""The 03:00 analytics deadline and the 06:30 pipeline-health report, in the chain's timezone.

Analytics normally starts as soon as D lands (``landed_data_sensor``); at 03:00 the deadline
starts it for D only if D has landed and is not built since, so analytics never runs before
D's ingestion, also on the night the clocks go forward and 02:00 fires at 03:00.
"""

from datetime import timedelta

import dagster as dg

from store_pipeline.defs.automation import LANDED_KEY, latest_storage_id
from store_pipeline.defs.dbt.keys import model_key
from store_pipeline.defs.ingestion.jobs import ingestion_job
from store_pipeline.defs.operations.jobs import analytics_job, health_job
from store_pipeline.defs.partitions import CHAIN_TIMEZONE

BUILT_KEY = model_key("rpt_daily_sales")
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


@dg.schedule(cron_schedule="0 3 * * *", job=analytics_job, execution_timezone=CHAIN_TIMEZONE,
             name="analytics_0300")
def analytics_schedule(context: dg.ScheduleEvaluationContext):
    """Yesterday's analytics, unless it already ran on what landed or nothing landed yet."""
    partition = (context.scheduled_execution_time - timedelta(days=1)).date().isoformat()
    reason = analytics_deadline_skip(context.instance, partition)
    if reason:
        return dg.SkipReason(reason)
    return dg.RunRequest(partition_key=partition)


health_schedule = dg.ScheduleDefinition(
    name="pipeline_health_0630", job=health_job, cron_schedule="30 6 * * *",
    execution_timezone=CHAIN_TIMEZONE,
    description="The pipeline-health report, after the 05:00 and 06:00 freshness deadlines.",
)

SCHEDULES = [analytics_schedule, health_schedule]
