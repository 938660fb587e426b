"""Operations' sensors: analytics after each landing, and IT's alerts on failed runs and
missed freshness deadlines."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import dagster as dg

from store_pipeline.defs.automation import POLL_SECONDS, rebuild_requests
from store_pipeline.defs.operations.alerts import failure_email, freshness_email, send_alert
from store_pipeline.defs.operations.catalog import watched_assets
from store_pipeline.defs.operations.freshness import freshness_states
from store_pipeline.defs.operations.jobs import ANALYTICS_JOB_NAMES, analytics_job
from store_pipeline.defs.operations.runs import failed_steps
from store_pipeline.defs.resources.notifications import Notifications
from store_pipeline.defs.resources.smtp import SmtpMailer
from store_pipeline.defs.resources.webhook import AlertWebhook
from store_pipeline.internals.freshness import FAIL, Freshness

NOBODY = "no it_operations subscriber and no webhook: alert not sent"


@dg.sensor(jobs=[analytics_job], minimum_interval_seconds=POLL_SECONDS,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Starts analytics as soon as a date lands, and again for every landed "
                       "date whose figures read a date a later backup changed.")
def landed_data_sensor(context: dg.SensorEvaluationContext):
    """One analytics run per range of dates to (re)build since the last evaluation."""
    requests, cursor = rebuild_requests(context.instance, int(context.cursor or 0),
                                        analytics_job.name, ANALYTICS_JOB_NAMES)
    context.update_cursor(str(cursor))
    return requests or dg.SkipReason("no date landed or changed since the last evaluation")


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


SENSORS = [landed_data_sensor, it_failure_alert, freshness_alert]
