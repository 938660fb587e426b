"""IT operations: alerts on failed runs and missed freshness deadlines, the daily health report."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import dagster as dg

from store_pipeline.jobs import health_job
from store_pipeline.notify.alerts import failure_email, freshness_email, send_alert
from store_pipeline.notify.catalog import watched_assets
from store_pipeline.notify.config import Notifications
from store_pipeline.notify.freshness import FAIL, Freshness, freshness_states
from store_pipeline.notify.runs import failed_steps
from store_pipeline.notify.smtp import SmtpMailer
from store_pipeline.notify.webhook import AlertWebhook
from store_pipeline.settings import load_settings

NOBODY = "no it_operations subscriber and no webhook: alert not sent"


def _now() -> datetime:
    return datetime.now(UTC)


@dg.run_failure_sensor(
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="E-mails IT operations (and posts to the webhook) when any job of this code "
                "location fails: job, partition, failed steps and their errors.",
)
def it_failure_alert(context: dg.RunFailureSensorContext, mailer: SmtpMailer,
                     notifications: Notifications, alert_webhook: AlertWebhook) -> None:
    run = context.dagster_run
    record = context.instance.get_run_record_by_id(run.run_id)
    started = (datetime.fromtimestamp(record.start_time, UTC)
               if record and record.start_time else None)
    email = failure_email(run, failed_steps(context.instance, run), started)
    channels = send_alert(email, notifications.subscribers(), mailer, alert_webhook)
    context.log.info(f"{email.subject}: " + (", ".join(channels) or NOBODY))


def new_misses(states: list[Freshness], cursor: str | None) -> tuple[list[Freshness], str]:
    """Assets failing freshness that were not alerted yet, and the next cursor (the misses in
    force, so one miss is alerted once and a later missed deadline again)."""
    alerted = set(json.loads(cursor)) if cursor else set()
    misses = [s for s in states if s.state == FAIL]
    return [m for m in misses if m.miss_id not in alerted], json.dumps(
        sorted(m.miss_id for m in misses))


@dg.sensor(
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="E-mails IT operations once per missed freshness deadline.",
)
def freshness_alert(context: dg.SensorEvaluationContext, mailer: SmtpMailer,
                    notifications: Notifications, alert_webhook: AlertWebhook) -> dg.SkipReason:
    assets = watched_assets(context.repository_def.asset_graph)
    new, cursor = new_misses(freshness_states(context.instance, assets, _now()), context.cursor)
    if new:
        channels = send_alert(freshness_email(new), notifications.subscribers(), mailer,
                              alert_webhook)
        message = f"{len(new)} new freshness miss(es): " + (", ".join(channels) or NOBODY)
    else:
        message = "no new freshness misses"
    context.update_cursor(cursor)
    return dg.SkipReason(message)


health_schedule = dg.ScheduleDefinition(
    name="pipeline_health_0630", job=health_job, cron_schedule="30 6 * * *",
    execution_timezone=load_settings().timezone,
    description="The pipeline-health report, after the 05:00 and 06:00 freshness deadlines.",
)

ALERT_SENSORS = [it_failure_alert, freshness_alert]
