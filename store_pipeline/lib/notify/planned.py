"""An e-mail planned for one recipient, and what a run's sending came to."""

from __future__ import annotations

from dataclasses import dataclass, field

from store_pipeline.lib.notify.content import Email
from store_pipeline.lib.notify.subscriptions import Subscriber


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
