"""What chain to simulate and for which dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class GeneratorConfig:
    """A simulated chain: ``days`` daily snapshots ending on ``end_date``.

    The simulation starts ``retention_days - 1`` days before the first snapshot, so every
    snapshot holds a full retention window of transactional history. ``dirty`` adds the faults
    of real backups at ``dirty_rate`` (see ``store_pipeline.lib.generator.dirty``). ``arrivals``
    makes each date's own backup hold what a real POS has at backup time (late registers, open
    shifts, next-day voids), closes every store on ``closed_dates`` (None: Thanksgiving and
    Christmas) and issues the backup of ``reissued_date`` twice (None: the middle date); see
    ``store_pipeline.lib.generator.arrivals``.
    """

    end_date: date
    stores: int = 5
    days: int = 35
    seed: int = 42
    retention_days: int = 7
    transactions_per_store_day: int = 400
    items: int = 800
    customers_per_store: int = 1500
    dirty: bool = False
    dirty_rate: float = 0.002
    arrivals: bool = True
    closed_dates: tuple[date, ...] | None = None
    reissued_date: date | None = None

    def __post_init__(self) -> None:
        checks = {
            "stores": 1 <= self.stores <= 999,
            "days": self.days >= 1,
            "retention_days": self.retention_days >= 1,
            "transactions_per_store_day": self.transactions_per_store_day >= 1,
            "items": 50 <= self.items <= 20_000,
            "customers_per_store": self.customers_per_store >= 1,
            "dirty_rate": 0.0 < self.dirty_rate <= 0.05,
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise ValueError(f"GeneratorConfig: out-of-range value for {', '.join(bad)}")

    @property
    def first_date(self) -> date:
        """The business date of the first snapshot."""
        return self.end_date - timedelta(days=self.days - 1)

    @property
    def history_start(self) -> date:
        """The first simulated business date."""
        return self.first_date - timedelta(days=self.retention_days - 1)

    def simulated_dates(self) -> list[date]:
        """Every simulated business date, in order."""
        count = self.days + self.retention_days - 1
        return [self.history_start + timedelta(days=k) for k in range(count)]

    def closures(self) -> tuple[date, ...]:
        """The dates every store is closed (only with ``arrivals``)."""
        if not self.arrivals:
            return ()
        if self.closed_dates is not None:
            return tuple(self.closed_dates)
        return us_closures(self.history_start, self.end_date)

    def reissue(self) -> date | None:
        """The date whose backup is issued twice (only with ``arrivals``)."""
        if not self.arrivals:
            return None
        if self.reissued_date is not None:
            return self.reissued_date
        closed = set(self.closures())
        middle = self.first_date + timedelta(days=self.days // 2)
        return next((d for d in (middle + timedelta(days=n) for n in range(self.days))
                     if d not in closed and d <= self.end_date), None)


def us_closures(first: date, last: date) -> tuple[date, ...]:
    """Thanksgiving (fourth Thursday of November) and Christmas Day between first and last."""
    found = []
    for year in range(first.year, last.year + 1):
        november = date(year, 11, 1)
        thanksgiving = november + timedelta(days=(3 - november.weekday()) % 7 + 21)
        found += [d for d in (thanksgiving, date(year, 12, 25)) if first <= d <= last]
    return tuple(found)
