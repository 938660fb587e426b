"""Sending store alerts: each one e-mailed once to the managers of its store and to IT
operations, and posted once to the alert webhook (the sent-mail ledger remembers both)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from store_pipeline.defs.notifications.delivery import send_planned
from store_pipeline.defs.resources.smtp import SmtpMailer
from store_pipeline.defs.resources.webhook import AlertWebhook
from store_pipeline.lib.notify.content import Email, Para, Table, to_text
from store_pipeline.lib.notify.ledger import SentLedger
from store_pipeline.lib.notify.planned import Outcome, Planned
from store_pipeline.lib.notify.store_alerts import StoreAlert
from store_pipeline.lib.notify.subscriptions import IT_OPERATIONS, STORE_MANAGER, Subscriber

WEBHOOK_RECIPIENT = "webhook"  # the webhook's row in the ledger
TITLES = {"forecast_net_sales": "net sales outside the forecast",
          "forecast_transactions": "transactions outside the forecast",
          "register_down": "register down", "refund_spike": "refund spike"}


def alert_email(alert: StoreAlert) -> Email:
    """The store, the day, the rule and what was found."""
    title = TITLES.get(alert.kind, alert.kind)
    return Email(
        subject=f"[store-pipeline] ALERT {alert.store_code} {alert.day}: {title}",
        heading=f"{alert.store_code} on {alert.day}: {title}",
        blocks=(Table(("Alert", ""), (("Store", alert.store_code), ("Day", str(alert.day)),
                                      ("Rule", alert.kind), ("Found", alert.detail))),
                Para("The rules are described in the README, section Forecasts and segments.")),
    )


def recipients(alert: StoreAlert, subscribers: Sequence[Subscriber]) -> list[Subscriber]:
    """The managers of the alert's store and everyone in IT operations."""
    return [s for s in subscribers if s.role == IT_OPERATIONS
            or (s.role == STORE_MANAGER and alert.store_code in s.stores)]


def plan_alerts(alerts: Sequence[StoreAlert],
                subscribers: Sequence[Subscriber]) -> Iterator[Planned]:
    for alert in alerts:
        for subscriber in recipients(alert, subscribers):
            yield Planned(alert.day.isoformat(), alert.report, subscriber, alert_email(alert))


def post_alerts(webhook: AlertWebhook, ledger: SentLedger, alerts: Sequence[StoreAlert],
                resend: bool, outcome: Outcome) -> None:
    """Post each alert not yet posted, recording each post as soon as it went."""
    for alert in alerts:
        partition, label = alert.day.isoformat(), f"{alert.day} {alert.report} -> webhook"
        if not resend and ledger.was_sent(partition, WEBHOOK_RECIPIENT, alert.report):
            outcome.already_sent.append(label)
            continue
        email = alert_email(alert)
        webhook.post(f"{email.subject}\n\n{to_text(email)}")
        ledger.record(partition, WEBHOOK_RECIPIENT, alert.report, email.subject)
        outcome.sent.append(label)


def send_store_alerts(alerts: Sequence[StoreAlert], subscribers: Sequence[Subscriber],
                      mailer: SmtpMailer, webhook: AlertWebhook, ledger: SentLedger,
                      resend: bool, log: Callable[[str], None]) -> Outcome:
    """E-mail and post every alert once; what was sent, already sent or not sent, and why."""
    outcome = Outcome()
    if not alerts:
        outcome.notes.append("no alerts")
        return outcome
    if mailer.enabled:
        send_planned(mailer, ledger, plan_alerts(alerts, subscribers), resend, log, outcome)
    else:
        outcome.notes.append("e-mail off: STORE_PIPELINE_SMTP_HOST is not set")
    if webhook.enabled:
        post_alerts(webhook, ledger, alerts, resend, outcome)
    return outcome
