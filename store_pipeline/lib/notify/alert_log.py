"""The store alerts raised so far (``<data home>/notifications/alerts.sqlite``), for the
pipeline-health page; one row per day, store and kind, the first detail kept."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

from store_pipeline.lib.notify.ledger import connect
from store_pipeline.lib.notify.store_alerts import StoreAlert

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    day TEXT NOT NULL,
    store_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    PRIMARY KEY (day, store_code, kind)
)
"""


class AlertLog:
    def __init__(self, path: Path | str):
        self.path = Path(path)

    @classmethod
    def of_home(cls, home: Path | str) -> AlertLog:
        """The data home's alert log."""
        return cls(Path(home) / "notifications" / "alerts.sqlite")

    def record(self, alerts: Iterable[StoreAlert]) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with connect(self.path, _SCHEMA) as con:
            con.executemany("INSERT OR IGNORE INTO alerts VALUES (?, ?, ?, ?, ?)",
                            [(a.day.isoformat(), a.store_code, a.kind, a.detail, now)
                             for a in alerts])

    def since(self, day: date) -> list[StoreAlert]:
        """The alerts of ``day`` and later, newest day first."""
        if not self.path.exists():
            return []
        with connect(self.path, _SCHEMA) as con:
            rows = con.execute("SELECT day, store_code, kind, detail FROM alerts WHERE day >= ? "
                               "ORDER BY day DESC, store_code, kind", (day.isoformat(),))
            return [StoreAlert(date.fromisoformat(d), s, k, t) for d, s, k, t in rows]
