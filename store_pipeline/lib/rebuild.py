"""Which business dates must be rebuilt when the raw rows of some dates changed.

A mart row of date X reads the raw rows of X and of the dates before it that its figures look
back on: the trailing windows (28 days; 60 days for dead stock; a return's date and the 90
days before it for a sale that matches it, the longest: 91 dates), last week (X - 7) and the
same weekday last year (X - 364). So a change to date C reaches C .. C + 90 and C + 364.
The figures are the dbt vars ``trailing_days``, ``dead_stock_days`` and
``unmatched_return_days`` and the 364 of ``rpt_daily_sales``; a test keeps them in step.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, timedelta

LONGEST_LOOKBACK_DAYS = 91  # dates a figure reads, its own included
SAME_DAY_LAST_YEAR_DAYS = 364


def dependent_dates(changed: Iterable[date]) -> set[date]:
    """The changed dates and every date whose figures read one of them."""
    found: set[date] = set()
    for day in changed:
        found.update(day + timedelta(days=n) for n in range(LONGEST_LOOKBACK_DAYS))
        found.add(day + timedelta(days=SAME_DAY_LAST_YEAR_DAYS))
    return found


def rebuild_ranges(changed: Iterable[date], landed: Collection[date]) -> list[tuple[date, date]]:
    """The landed dates to rebuild after ``changed`` changed, as runs of consecutive dates."""
    return consecutive_runs(dependent_dates(changed) & set(landed))


def consecutive_runs(days: Iterable[date]) -> list[tuple[date, date]]:
    """``days`` as (first, last) runs of consecutive dates."""
    ranges: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if ranges and day - ranges[-1][1] == timedelta(days=1):
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges
