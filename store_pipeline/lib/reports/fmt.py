"""Number and date formatting shared by tiles, tables and notes ("n/a" for a missing value)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

NA = "n/a"
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def missing(value: object) -> bool:
    """True for None, NaN and NaT."""
    return value is None or bool(pd.isna(value))


def money(value: float | None) -> str:
    """``12,345.67``."""
    return NA if missing(value) else f"{value:,.2f}"


def count(value: float | None) -> str:
    """``1,234``."""
    return NA if missing(value) else f"{value:,.0f}"


def number(value: float | None, digits: int = 1) -> str:
    """``1,234.5`` with ``digits`` decimals."""
    return NA if missing(value) else f"{value:,.{digits}f}"


def hours(value: float | None) -> str:
    """``1,234.56``: hours to the hundredth, as the exports hold them."""
    return number(value, 2)


def pct(value: float | None) -> str:
    """A fraction as a percentage: ``0.1234`` -> ``12.3%``."""
    return NA if missing(value) else f"{value * 100:.1f}%"


def signed_pct(value: float | None) -> str:
    """A change as a signed percentage: ``0.045`` -> ``+4.5%``."""
    return NA if missing(value) else f"{value * 100:+.1f}%"


def points(value: float | None) -> str:
    """A difference of two fractions in percentage points: ``0.012`` -> ``+1.2 pp``."""
    return NA if missing(value) else f"{value * 100:+.1f} pp"


def day_text(value: date | None) -> str:
    """An ISO date, or "n/a"."""
    return NA if missing(value) else value.isoformat()


def moment(value: datetime | None, absent: str = "-") -> str:
    """A time to the minute with its zone (``2026-03-10 05:00 EST``), or ``absent``."""
    return value.strftime("%Y-%m-%d %H:%M %Z").rstrip() if value else absent


def day_label(day: date) -> str:
    """``Tuesday 2026-11-24``."""
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.isoformat()}"


def month_label(day: date) -> str:
    """``November 2026``."""
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"


def hour_label(hour: float) -> str:
    """``9`` -> ``09:00``."""
    return f"{int(hour):02d}:00"
