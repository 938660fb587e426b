"""The sent-mail ledger: one row per (partition, recipient, report), so a re-run sends nothing
twice. SQLite makes each record atomic and safe when two runs send at the same time."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sent (
    partition TEXT NOT NULL,
    recipient TEXT NOT NULL,
    report TEXT NOT NULL,
    subject TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (partition, recipient, report)
)
"""


@contextmanager
def connect(path: Path, schema: str) -> Iterator[sqlite3.Connection]:
    """A transaction on the SQLite file at ``path``, its table created by ``schema``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path, timeout=30)) as con, con:
        con.execute(schema)
        yield con


class SentLedger:
    """``<data home>/notifications/sent.sqlite``."""

    def __init__(self, path: Path | str):
        self.path = Path(path)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return connect(self.path, _SCHEMA)

    def was_sent(self, partition: str, recipient: str, report: str) -> bool:
        with self._connect() as con:
            row = con.execute(
                "SELECT 1 FROM sent WHERE partition = ? AND recipient = ? AND report = ?",
                (partition, recipient.lower(), report),
            ).fetchone()
        return row is not None

    def record(self, partition: str, recipient: str, report: str, subject: str) -> None:
        """Remember a sent message; recording it again keeps the first time."""
        with self._connect() as con:
            con.execute(
                "INSERT OR IGNORE INTO sent VALUES (?, ?, ?, ?, ?)",
                (partition, recipient.lower(), report, subject,
                 datetime.now(UTC).isoformat(timespec="seconds")),
            )
