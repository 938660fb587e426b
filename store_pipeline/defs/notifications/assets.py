"""E-mails after the reports (daily, weekly, monthly) and the store alerts."""

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg
from pydantic import Field

from store_pipeline.defs.dbt.keys import model_keys
from store_pipeline.defs.notifications.delivery import (
    RangePolicy,
    outcome_metadata,
    partitions_to_email,
    send_planned,
)
from store_pipeline.defs.partitions import daily_partitions, monthly_partitions, weekly_partitions
from store_pipeline.defs.resources.data_home import DataHome
from store_pipeline.defs.resources.notifications import Notifications
from store_pipeline.defs.resources.smtp import SmtpMailer
from store_pipeline.defs.resources.warehouse import WAREHOUSE_POOL, Warehouse
from store_pipeline.defs.resources.webhook import AlertWebhook
from store_pipeline.lib.notify.alert_log import AlertLog
from store_pipeline.lib.notify.ledger import SentLedger
from store_pipeline.lib.notify.planned import Outcome, Planned
from store_pipeline.lib.notify.stakeholders import (
    Audience,
    plan_daily,
    plan_monthly,
    plan_weekly,
)
from store_pipeline.lib.notify.subscriptions import (
    C_SUITE,
    REGIONAL_DIRECTOR,
    STORE_MANAGER,
    with_role,
)
from store_pipeline.lib.reports.data import Fetch

Plan = Callable[[Fetch, str, Audience], Iterator[Planned]]


class EmailConfig(dg.Config):
    """How a run over several partitions (a backfill) e-mails; a one-partition run always does.
    Nothing already in the ledger is sent again unless ``resend``."""

    range_policy: RangePolicy = Field(
        default="newest",
        description="newest: only the range's last partition, and only if it is the newest "
                    "complete period (catching up after an outage); all: every partition; "
                    "none: no e-mails.",
    )
    resend: bool = Field(default=False, description="Send again what was already sent, e.g. "
                                                    "after a data fix.")


def _ledger(data_home: DataHome) -> SentLedger:
    return SentLedger(Path(data_home.home) / "notifications" / "sent.sqlite")


def alert_log(data_home: DataHome) -> AlertLog:
    return AlertLog.of_home(data_home.home)


def _email(context: dg.AssetExecutionContext, config: EmailConfig, role: str, plan: Plan,
           warehouse: Warehouse, data_home: DataHome, mailer: SmtpMailer,
           notifications: Notifications) -> dg.MaterializeResult:
    """Send the run's e-mails to everyone with ``role``, as ``plan`` lays them out."""
    outcome = Outcome()
    recipients = with_role(notifications.subscribers(), role)
    keys, skipped = partitions_to_email(context.partition_keys, context.assets_def.partitions_def,
                                        config.range_policy, datetime.now(UTC))
    if not recipients:
        outcome.notes.append(f"no subscriptions for {role}")
        keys = []
    elif not mailer.enabled:
        outcome.notes.append("e-mail off: STORE_PIPELINE_SMTP_HOST is not set")
        keys = []
    if skipped:
        outcome.notes.append(f"skipped: backfill of {len(skipped)} partitions "
                             f"({skipped[0]} .. {skipped[-1]}; range_policy "
                             f"{config.range_policy})")
    if keys:
        audience = Audience(recipients, data_home.reports, notifications.reports_url, outcome)
        with warehouse.reader(log=context.log.info) as fetch:
            planned = (item for key in keys for item in plan(fetch, key, audience))
            send_planned(mailer, _ledger(data_home), planned, config.resend, context.log.info,
                         outcome)
    for warning in outcome.warnings:
        context.log.warning(warning)
    context.log.info(outcome.summary())
    return dg.MaterializeResult(metadata=outcome_metadata(outcome))


def _email_asset(name: str, reports: list[str], partitions_def: dg.PartitionsDefinition,
                 what: str):
    return dg.asset(
        key=["notifications", name],
        deps=[dg.AssetKey(["reports", report]) for report in reports],
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool=WAREHOUSE_POOL,
        group_name="notifications",
        kinds={"email"},
        description=what,
    )


@_email_asset("daily_emails", ["sales_dashboard", "employee_productivity", "store_day"],
              daily_partitions,
              "Each store manager's day (net sales, transactions, ATV vs last week, flagged "
              "cashiers and drawers) with a link to their store's page.")
def daily_emails(context: dg.AssetExecutionContext, config: EmailConfig, warehouse: Warehouse,
                 data_home: DataHome, mailer: SmtpMailer,
                 notifications: Notifications) -> dg.MaterializeResult:
    return _email(context, config, STORE_MANAGER, plan_daily, warehouse, data_home, mailer,
                  notifications)


@_email_asset("weekly_emails", ["inventory_analysis", "region_week"], weekly_partitions,
              "Each regional director's stockouts and dead stock with a link to their region's "
              "page.")
def weekly_emails(context: dg.AssetExecutionContext, config: EmailConfig, warehouse: Warehouse,
                  data_home: DataHome, mailer: SmtpMailer,
                  notifications: Notifications) -> dg.MaterializeResult:
    return _email(context, config, REGIONAL_DIRECTOR, plan_weekly, warehouse, data_home,
                  mailer, notifications)


@_email_asset("monthly_emails", ["business_review"], monthly_partitions,
              "The C-suite's month (net sales, gross margin) with the business review.")
def monthly_emails(context: dg.AssetExecutionContext, config: EmailConfig,
                   warehouse: Warehouse, data_home: DataHome, mailer: SmtpMailer,
                   notifications: Notifications) -> dg.MaterializeResult:
    return _email(context, config, C_SUITE, plan_monthly, warehouse, data_home, mailer,
                  notifications)


@dg.asset(
    key=["notifications", "store_alerts"],
    deps=model_keys(["rpt_daily_sales", "rpt_hourly_sales"]),
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=WAREHOUSE_POOL,
    group_name="notifications",
    kinds={"email"},
    description="Store anomalies of the day (net sales or transactions outside the store-day "
                "forecast, register down, refund spike), each e-mailed once to the store's "
                "managers and IT operations and posted once to the alert webhook.",
)
def store_alerts(context: dg.AssetExecutionContext, config: EmailConfig, warehouse: Warehouse,
                 data_home: DataHome, mailer: SmtpMailer, alert_webhook: AlertWebhook,
                 notifications: Notifications) -> dg.MaterializeResult:
    """Find the alerts of the run's days (a backfill: as ``range_policy`` says), log and send
    them."""
    from store_pipeline.defs.notifications.alert_sending import send_store_alerts
    from store_pipeline.lib.notify.store_alerts import find_alerts, register_down_hour

    keys, _ = partitions_to_email(context.partition_keys, context.assets_def.partitions_def,
                                  config.range_policy, datetime.now(UTC))
    hour = register_down_hour()
    with warehouse.reader(log=context.log.info) as fetch:
        alerts = [a for key in keys for a in find_alerts(fetch, date.fromisoformat(key), hour)]
    alert_log(data_home).record(alerts)
    for alert in alerts:
        context.log.warning(f"{alert.day} {alert.store_code} {alert.kind}: {alert.detail}")
    outcome = send_store_alerts(alerts, notifications.subscribers(), mailer, alert_webhook,
                                _ledger(data_home), config.resend, context.log.info)
    context.log.info(outcome.summary())
    return dg.MaterializeResult(metadata={**outcome_metadata(outcome),
                                          "alerts": dg.MetadataValue.int(len(alerts))})
