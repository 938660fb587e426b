"""Which partitions of a run get e-mails, and sending each message once (the ledger)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import dagster as dg

from store_pipeline.notify.content import Email, build_message
from store_pipeline.notify.ledger import SentLedger
from store_pipeline.notify.smtp import SmtpMailer
from store_pipeline.notify.subscriptions import Subscriber

RangePolicy = Literal["newest", "all", "none"]


@dataclass(frozen=True)
class Planned:
    """One e-mail for one recipient, about one partition's report."""

    partition: str
    report: str
    subscriber: Subscriber
    email: Email


@dataclass
class Outcome:
    """What a run sent, found already sent, left out (notes say why) and warns about."""

    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not (self.sent or self.already_sent):
            return self.notes[0] if self.notes else "nothing to send"
        return f"sent {len(self.sent)}, already sent before {len(self.already_sent)}"

    def metadata(self) -> dict[str, dg.MetadataValue]:
        return {
            "status": dg.MetadataValue.text(self.summary()),
            "sent": dg.MetadataValue.int(len(self.sent)),
            "already_sent": dg.MetadataValue.int(len(self.already_sent)),
            "details": dg.MetadataValue.json(
                {"sent": self.sent, "already_sent": self.already_sent, "notes": self.notes,
                 "warnings": self.warnings}),
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
