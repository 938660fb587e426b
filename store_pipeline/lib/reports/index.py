"""Index pages: every report present, newest first, and one page per day linking its reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from store_pipeline.lib.reports import fmt
from store_pipeline.lib.reports.files import TITLES, write_atomic
from store_pipeline.lib.reports.page import escape, grid, page, remark, section

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


def _links(report_set: ReportSet, prefix: str) -> str:
    return " ".join(
        f'<a href="{escape(prefix + report_set.href(name))}">{escape(_title(name))}</a>'
        for name in report_set.names
    )


def _link_list(rows: Sequence[str]) -> str:
    return '<ul class="links">' + "".join(f"<li>{row}</li>" for row in rows) + "</ul>"


def root_page(sets: dict[str, list[ReportSet]], has_health: bool = False) -> str:
    """``index.html``: monthly, weekly and daily reports, newest first, and the pipeline-health
    page for IT when it exists."""
    cards = []
    for period in PERIODS:
        rows = [f"<strong>{escape(s.label)}</strong> {_links(s, '')}" for s in sets[period]]
        if period == "daily":
            rows = [
                f'{row} <a href="{escape(f"daily/{s.key}/{INDEX}")}">All of the day</a>'
                for row, s in zip(rows, sets[period], strict=True)
            ]
        content = _link_list(rows) if rows else remark("None yet.")
        cards.append(section(period.capitalize(), content, wide=period == "daily"))
    counts = ", ".join(f"{len(sets[period])} {period}" for period in PERIODS)
    links = (("Pipeline health", HEALTH),) if has_health else ()
    return page("Store reports", f"Report sets: {counts}", grid(*cards), links=links,
                charts=False)


def day_page(day: ReportSet, sets: dict[str, list[ReportSet]], older: ReportSet | None,
             newer: ReportSet | None) -> str:
    """``daily/<D>/index.html``: the day's reports and the week and month reports covering it."""
    week_key = (day.start - timedelta(days=day.start.weekday())).isoformat()
    month_key = day.key[:7]
    covering = [s for s in sets["weekly"] if s.key == week_key]
    covering += [s for s in sets["monthly"] if s.key == month_key]
    rows = [f"<strong>{escape(s.label)}</strong> {_links(s, '../../')}" for s in covering]
    links = [("All reports", f"../../{INDEX}")]
    links += [(f"{caption}: {s.key}", f"../{s.key}/{INDEX}")
              for caption, s in (("Previous day", older), ("Next day", newer)) if s]
    body = grid(
        section("This day", _link_list([_links(day, "../../")])),
        section("Week and month", _link_list(rows) if rows else remark("None yet.")),
    )
    return page(f"Reports — {day.key}", day.label, body, links=links, charts=False)


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
