"""Alerts for IT operations: a failed run, assets that missed their freshness deadline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import dagster as dg

from store_pipeline.defs.operations.runs import StepError, partition_label
from store_pipeline.defs.resources.smtp import MailError, SmtpMailer
from store_pipeline.defs.resources.webhook import AlertWebhook, WebhookError
from store_pipeline.internals.freshness import Freshness
from store_pipeline.lib.notify.content import Email, Para, Table, build_message, to_text
from store_pipeline.lib.notify.subscriptions import IT_OPERATIONS, Subscriber, with_role
from store_pipeline.lib.reports import fmt


def failure_email(run: dg.DagsterRun, steps: Sequence[StepError],
                  started: datetime | None) -> Email:
    """The job, partition, run id and each failed step with its error."""
    partition = partition_label(run)
    first = steps[0].step if steps else "-"
    facts = Table(("Run", ""), (
        ("Job", run.job_name), ("Partition", partition), ("Run id", run.run_id),
        ("Started", fmt.moment(started, "never")),
        ("Failed steps", ", ".join(s.step for s in steps) or "-"),
    ))
    errors = Table(("Step", "Error"), tuple((s.step, s.error) for s in steps))
    return Email(
        subject=f"[store-pipeline] FAILED {run.job_name} {partition}: {first}",
        heading=f"Run failed: {run.job_name} ({partition})",
        blocks=(facts, errors, Para(f"The full log, with stack traces, is in the Dagster UI "
                                    f"under Runs, run {run.run_id}.")),
    )


def freshness_email(misses: Sequence[Freshness]) -> Email:
    """Each asset that missed its deadline, with the deadline and its last materialisation."""
    rows = tuple((m.asset, fmt.moment(m.deadline, "never"),
                  fmt.moment(m.last_materialized, "never")) for m in misses)
    return Email(
        subject=f"[store-pipeline] {len(misses)} asset(s) missed their freshness deadline",
        heading="Freshness deadlines missed",
        blocks=(Table(("Asset", "Deadline", "Last materialised"), rows),
                Para("Check the runs that should have refreshed them (Dagster UI, Runs) and "
                     "the pipeline-health report.")),
    )


class AlertError(RuntimeError):
    """An alert channel failed (the others were still tried)."""


def send_alert(email: Email, subscribers: Sequence[Subscriber], mailer: SmtpMailer,
               webhook: AlertWebhook) -> list[str]:
    """E-mail IT operations and post to the webhook; the channels the alert went to. Each
    channel is tried even when the other failed; a failure is raised afterwards."""
    channels, errors = [], []
    recipients = [s.address for s in with_role(subscribers, IT_OPERATIONS)]
    if recipients and mailer.enabled:
        try:
            with mailer.session() as send:
                send(build_message(email, mailer.sender, recipients))
            channels.append(f"e-mail to {len(recipients)} recipient(s)")
        except MailError as error:
            errors.append(str(error))
    if webhook.enabled:
        try:
            webhook.post(f"{email.subject}\n\n{to_text(email)}")
            channels.append("webhook")
        except WebhookError as error:
            errors.append(str(error))
    if errors:
        raise AlertError(f"alert {email.subject!r} sent by {channels or 'no channel'}; "
                         f"failed: {'; '.join(errors)}")
    return channels
