"""Which partitions of a run get e-mails, and sending each message once (the ledger)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import ExitStack
from datetime import datetime
from typing import Literal

import dagster as dg

from store_pipeline.defs.resources.smtp import SmtpMailer
from store_pipeline.lib.notify.content import build_message
from store_pipeline.lib.notify.ledger import SentLedger
from store_pipeline.lib.notify.planned import Outcome, Planned

RangePolicy = Literal["newest", "all", "none"]


def outcome_metadata(outcome: Outcome) -> dict[str, dg.MetadataValue]:
    """The outcome as the asset's materialisation metadata."""
    return {
        "status": dg.MetadataValue.text(outcome.summary()),
        "sent": dg.MetadataValue.int(len(outcome.sent)),
        "already_sent": dg.MetadataValue.int(len(outcome.already_sent)),
        "details": dg.MetadataValue.json(
            {"sent": outcome.sent, "already_sent": outcome.already_sent,
             "notes": outcome.notes, "warnings": outcome.warnings}),
    }


def newest_complete_key(partitions_def: dg.TimeWindowPartitionsDefinition,
                        now: datetime) -> str | None:
    """The partition whose period ended last before ``now`` (what the schedule e-mails)."""
    for key in reversed(partitions_def.get_partition_keys(current_time=now)):
        if partitions_def.time_window_for_partition_key(key).end <= now:
            return key
    return None


def partitions_to_email(keys: list[str], partitions_def: dg.TimeWindowPartitionsDefinition,
                        policy: RangePolicy, now: datetime) -> tuple[list[str], list[str]]:
    """(keys to e-mail, keys skipped as a backfill). A one-partition run is always e-mailed;
    a range is e-mailed by ``policy``: ``newest`` only its last key, and only when that is the
    newest complete period (a catch-up after an outage, not a rebuild of history)."""
    if len(keys) <= 1 or policy == "all":
        return keys, []
    if policy == "newest" and keys[-1] == newest_complete_key(partitions_def, now):
        return keys[-1:], keys[:-1]
    return [], keys


def send_planned(mailer: SmtpMailer, ledger: SentLedger, planned: Iterable[Planned],
                 resend: bool, log: Callable[[str], None], outcome: Outcome) -> None:
    """Send each planned e-mail not yet in the ledger, recording each one as soon as it went;
    adds to ``outcome``. The server is contacted only when there is something to send."""
    with ExitStack() as stack:
        send = None
        for item in planned:
            email = item.subscriber.email
            label = f"{item.partition} {item.report} -> {email}"
            if not resend and ledger.was_sent(item.partition, email, item.report):
                outcome.already_sent.append(label)
                continue
            send = send or stack.enter_context(mailer.session())
            send(build_message(item.email, mailer.sender, [item.subscriber.address]))
            ledger.record(item.partition, email, item.report, item.email.subject)
            outcome.sent.append(label)
            log(f"sent {label}: {item.email.subject}")
