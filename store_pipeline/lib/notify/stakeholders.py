"""The e-mails of one partition: who gets which numbers, with which report."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from store_pipeline.lib.notify.attachments import Delivery, ReportFile, deliver
from store_pipeline.lib.notify.content import Email
from store_pipeline.lib.notify.figures import month_figures, region_stock, store_days
from store_pipeline.lib.notify.messages import (
    c_suite_email,
    regional_director_email,
    store_manager_email,
)
from store_pipeline.lib.notify.planned import Outcome, Planned
from store_pipeline.lib.notify.subscriptions import Subscriber, unknown_scope
from store_pipeline.lib.reports.data import Fetch
from store_pipeline.lib.reports.files import TITLES

DAILY_REPORT = "store_day"
WEEKLY_REPORT = "region_week"
VIEW = {"stores": "store", "regions": "region"}  # a scope's key in the page's address
MONTHLY_REPORT = "business_review"


def _report(reports_dir: Path, period: str, folder: str, name: str) -> ReportFile:
    return ReportFile(Path(reports_dir), f"{period}/{folder}/{name}.html", TITLES[name])


def _plan_scoped(key: str, name: str, report: ReportFile, subscribers: list[Subscriber],
                 scope: str, found: dict, rows: tuple[str, str], reports_url: str,
                 outcome: Outcome, compose: Callable[[list, Delivery], Email]
                 ) -> Iterator[Planned]:
    """Each subscriber's share of ``found`` by their ``scope`` (stores or regions), with
    ``report`` opened on their first store or region; ``rows`` words what is missing: (in the
    warnings, in the notes)."""
    outcome.warnings += [f"{key}: {w} ({rows[0]})"
                         for w in unknown_scope(subscribers, scope, set(found))]
    for subscriber in subscribers:
        mine = [item for item in getattr(subscriber, scope) if item in found]
        if not mine:
            outcome.notes.append(f"{key}: nothing for {subscriber.email}: none of their {scope} "
                                 f"has {rows[1]}")
            continue
        delivery = deliver(report, reports_url, urlencode({VIEW[scope]: mine[0]}))
        yield Planned(key, name, subscriber, compose([found[item] for item in mine], delivery))


def plan_daily(fetch: Fetch, key: str, managers: list[Subscriber], reports_dir: Path,
               reports_url: str, outcome: Outcome) -> Iterator[Planned]:
    """Each store manager's stores on day ``key``, with their store's page."""
    day = date.fromisoformat(key)
    yield from _plan_scoped(
        key, DAILY_REPORT, _report(reports_dir, "daily", key, DAILY_REPORT), managers, "stores",
        store_days(fetch, day), ("no sales rows that day", "sales rows"), reports_url, outcome,
        lambda stores, delivery: store_manager_email(day, stores, delivery))


def plan_weekly(fetch: Fetch, key: str, directors: list[Subscriber], reports_dir: Path,
                reports_url: str, outcome: Outcome) -> Iterator[Planned]:
    """Each regional director's regions for the week starting ``key``, with their region's
    page."""
    week_start = date.fromisoformat(key)
    yield from _plan_scoped(
        key, WEEKLY_REPORT, _report(reports_dir, "weekly", key, WEEKLY_REPORT), directors,
        "regions", region_stock(fetch, week_start),
        ("no inventory rows that week", "inventory rows"), reports_url, outcome,
        lambda stock, delivery: regional_director_email(week_start, stock, delivery))


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
