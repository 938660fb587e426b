"""The e-mails of one partition: who gets which numbers, with which report."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from store_pipeline.notify.attachments import ReportFile, deliver
from store_pipeline.notify.delivery import Outcome, Planned
from store_pipeline.notify.figures import month_figures, region_stock, store_days
from store_pipeline.notify.messages import (
    c_suite_email,
    regional_director_email,
    store_manager_email,
)
from store_pipeline.notify.subscriptions import Subscriber, unknown_scope
from store_pipeline.reports.data import Fetch
from store_pipeline.reports.files import TITLES

DAILY_REPORT = "sales_dashboard"
WEEKLY_REPORT = "inventory_analysis"
MONTHLY_REPORT = "business_review"


def _report(reports_dir: Path, period: str, folder: str, name: str) -> ReportFile:
    return ReportFile(Path(reports_dir), f"{period}/{folder}/{name}.html", TITLES[name])


def plan_daily(fetch: Fetch, key: str, managers: list[Subscriber], reports_dir: Path,
               reports_url: str, outcome: Outcome) -> Iterator[Planned]:
    """Each store manager's stores on day ``key``, with the sales dashboard."""
    day = date.fromisoformat(key)
    days = store_days(fetch, day)
    outcome.warnings += [f"{key}: {w} (no sales rows that day)"
                      for w in unknown_scope(managers, "stores", set(days))]
    delivery = None
    for manager in managers:
        stores = [days[code] for code in manager.stores if code in days]
        if not stores:
            outcome.notes.append(f"{key}: nothing for {manager.email}: none of their stores "
                                 "has sales rows")
            continue
        delivery = delivery or deliver(_report(reports_dir, "daily", key, DAILY_REPORT),
                                       reports_url)
        yield Planned(key, DAILY_REPORT, manager, store_manager_email(day, stores, delivery))


def plan_weekly(fetch: Fetch, key: str, directors: list[Subscriber], reports_dir: Path,
                reports_url: str, outcome: Outcome) -> Iterator[Planned]:
    """Each regional director's regions for the week starting ``key``, with the inventory
    analysis."""
    week_start = date.fromisoformat(key)
    regions = region_stock(fetch, week_start)
    outcome.warnings += [f"{key}: {w} (no inventory rows that week)"
                      for w in unknown_scope(directors, "regions", set(regions))]
    delivery = None
    for director in directors:
        stock = [regions[name] for name in director.regions if name in regions]
        if not stock:
            outcome.notes.append(f"{key}: nothing for {director.email}: none of their regions "
                                 "has inventory rows")
            continue
        delivery = delivery or deliver(_report(reports_dir, "weekly", key, WEEKLY_REPORT),
                                       reports_url)
        yield Planned(key, WEEKLY_REPORT, director,
                      regional_director_email(week_start, stock, delivery))


def plan_monthly(fetch: Fetch, key: str, executives: list[Subscriber], reports_dir: Path,
                 reports_url: str, outcome: Outcome) -> Iterator[Planned]:
    """The month starting ``key`` for the C-suite, with the business review."""
    figures = month_figures(fetch, date.fromisoformat(key))
    if figures is None:
        outcome.notes.append(f"{key}: no sales rows for the month; nothing sent")
        return
    report = _report(reports_dir, "monthly", key[:7], MONTHLY_REPORT)
    delivery = deliver(report, reports_url)
    for executive in executives:
        yield Planned(key, MONTHLY_REPORT, executive, c_suite_email(figures, delivery))
