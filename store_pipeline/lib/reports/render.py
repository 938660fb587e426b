"""Render each period's reports into the reports folder (the entry points the assets call)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from store_pipeline.lib.reports import (
    daily_sales,
    employee,
    inventory,
    monthly,
    region_week,
    store_day,
)
from store_pipeline.lib.reports.data import Fetch, month_bounds, week_bounds
from store_pipeline.lib.reports.files import ensure_plotly_js, write_atomic


def render_daily_reports(fetch: Fetch, business_date: date, reports_dir: Path | str) -> list[Path]:
    """``daily/<D>/``: ``sales_dashboard.html`` and ``employee_productivity.html`` (the chain),
    ``store_day.html`` (every store, one at a time)."""
    folder = _prepare(reports_dir) / "daily" / business_date.isoformat()
    return [
        write_atomic(folder / f"{daily_sales.NAME}.html", daily_sales.build(fetch, business_date)),
        write_atomic(folder / f"{employee.NAME}.html", employee.build_daily(fetch, business_date)),
        write_atomic(folder / f"{store_day.NAME}.html", store_day.build(fetch, business_date)),
    ]


def render_weekly_reports(fetch: Fetch, week_start: date, reports_dir: Path | str) -> list[Path]:
    """``weekly/<Monday>/``: ``inventory_analysis.html`` and ``employee_productivity.html``
    (the chain), ``region_week.html`` (every region, one at a time)."""
    start, _ = week_bounds(week_start)
    folder = _prepare(reports_dir) / "weekly" / start.isoformat()
    return [
        write_atomic(folder / f"{inventory.NAME}.html", inventory.build(fetch, start)),
        write_atomic(folder / f"{employee.NAME}.html", employee.build_weekly(fetch, start)),
        write_atomic(folder / f"{region_week.NAME}.html", region_week.build(fetch, start)),
    ]


def render_monthly_report(fetch: Fetch, month_start: date, reports_dir: Path | str) -> list[Path]:
    """``monthly/<YYYY-MM>/business_review.html`` for the month holding ``month_start``."""
    first, _ = month_bounds(month_start)
    folder = _prepare(reports_dir) / "monthly" / first.strftime("%Y-%m")
    return [write_atomic(folder / f"{monthly.NAME}.html", monthly.build(fetch, first))]


def _prepare(reports_dir: Path | str) -> Path:
    """The reports folder, with the shared plotly.js the pages load."""
    ensure_plotly_js(reports_dir)
    return Path(reports_dir)
