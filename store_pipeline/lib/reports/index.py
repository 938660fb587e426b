"""Index pages: every report present, newest first, and one page per day linking its reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from store_pipeline.lib.reports import fmt
from store_pipeline.lib.reports.files import TITLES, write_atomic
from store_pipeline.lib.reports.page import render_page

PERIODS = ("monthly", "weekly", "daily")
INDEX = "index.html"
HEALTH = "health.html"  # written by the pipeline-health report


@dataclass(frozen=True)
class ReportSet:
    """The reports in one period folder, e.g. ``daily/2026-11-24``."""

    period: str
    key: str
    start: date
    names: tuple[str, ...]

    @property
    def label(self) -> str:
        if self.period == "monthly":
            return fmt.month_label(self.start)
        if self.period == "weekly":
            return f"Week of {self.key}"
        return fmt.day_label(self.start)

    def href(self, name: str) -> str:
        """Link to report ``name`` relative to the reports folder."""
        return f"{self.period}/{self.key}/{name}.html"

    @property
    def index_href(self) -> str:
        """Link to the folder's own index page, relative to the reports folder."""
        return f"{self.period}/{self.key}/{INDEX}"

    def links(self, prefix: str) -> list[tuple[str, str]]:
        """(title, address) of each report, addresses under ``prefix``."""
        return [(_title(name), prefix + self.href(name)) for name in self.names]


def scan(reports_dir: Path) -> dict[str, list[ReportSet]]:
    """Report sets per period, newest first; folders not named after a period are ignored."""
    return {period: _scan_period(reports_dir, period) for period in PERIODS}


def _scan_period(reports_dir: Path, period: str) -> list[ReportSet]:
    folder = reports_dir / period
    sets = []
    for child in sorted(folder.iterdir() if folder.is_dir() else (), reverse=True):
        start = _period_start(period, child.name)
        names = sorted((p.stem for p in child.glob("*.html") if p.name != INDEX),
                       key=_report_order)
        if start and names:
            sets.append(ReportSet(period, child.name, start, tuple(names)))
    return sets


def _period_start(period: str, key: str) -> date | None:
    """The date a folder name stands for (``YYYY-MM-DD``, or ``YYYY-MM`` when monthly)."""
    text = f"{key}-01" if period == "monthly" else key
    try:
        start = date.fromisoformat(text)
    except ValueError:
        return None
    return start if len(text) == 10 else None


def _report_order(name: str) -> tuple[int, str]:
    order = list(TITLES)
    return (order.index(name) if name in order else len(order), name)


def _title(name: str) -> str:
    return TITLES.get(name, name.replace("_", " ").capitalize())


def root_page(sets: dict[str, list[ReportSet]], has_health: bool = False) -> str:
    """``index.html``: monthly, weekly and daily reports, newest first, and the pipeline-health
    page for IT when it exists."""
    counts = ", ".join(f"{len(sets[period])} {period}" for period in PERIODS)
    links = (("Pipeline health", HEALTH),) if has_health else ()
    return render_page("index.html", "Store reports", f"Report sets: {counts}", links=links,
                       charts=False, periods={period: sets[period] for period in PERIODS})


def day_page(day: ReportSet, sets: dict[str, list[ReportSet]], older: ReportSet | None,
             newer: ReportSet | None) -> str:
    """``daily/<D>/index.html``: the day's reports and the week and month reports covering it."""
    week_key = (day.start - timedelta(days=day.start.weekday())).isoformat()
    month_key = day.key[:7]
    covering = [s for s in sets["weekly"] if s.key == week_key]
    covering += [s for s in sets["monthly"] if s.key == month_key]
    links = [("All reports", f"../../{INDEX}")]
    links += [(f"{caption}: {s.key}", f"../{s.key}/{INDEX}")
              for caption, s in (("Previous day", older), ("Next day", newer)) if s]
    return render_page("day_index.html", f"Reports — {day.key}", day.label, links=links,
                       charts=False, day=day, covering=covering)


def write_index(reports_dir: Path | str) -> Path:
    """Write ``index.html`` and every ``daily/<D>/index.html``; returns the top index."""
    root = Path(reports_dir)
    sets = scan(root)
    days = sets["daily"]
    for position, day in enumerate(days):
        older = days[position + 1] if position + 1 < len(days) else None
        newer = days[position - 1] if position > 0 else None
        write_atomic(root / "daily" / day.key / INDEX, day_page(day, sets, older, newer))
    return write_atomic(root / INDEX, root_page(sets, (root / HEALTH).is_file()))
