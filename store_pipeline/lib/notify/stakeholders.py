"""The e-mails of one partition: who gets which numbers, with which report."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Audience:
    """Who a run's e-mails of one role go to, where its reports are, and what it noted."""

    recipients: list[Subscriber]
    reports_dir: Path
    reports_url: str
    outcome: Outcome

    def report(self, period: str, folder: str, name: str) -> ReportFile:
        return ReportFile(Path(self.reports_dir), f"{period}/{folder}/{name}.html", TITLES[name])


@dataclass(frozen=True)
class Scoped:
    """E-mails of one partition shared out by each subscriber's ``scope`` (stores or
    regions): ``found`` by store or region, and how ``compose`` words a subscriber's share.
    ``missing`` words what is missing: (in the warnings, in the notes)."""

    key: str
    report_name: str
    report: ReportFile
    scope: str
    found: dict
    missing: tuple[str, str]
    compose: Callable[[list, Delivery], Email]


def _plan_scoped(plan: Scoped, audience: Audience) -> Iterator[Planned]:
    """Each subscriber's share of ``plan.found``, with the report opened on their first store
    or region."""
    outcome = audience.outcome
    outcome.warnings += [f"{plan.key}: {w} ({plan.missing[0]})" for w in
                         unknown_scope(audience.recipients, plan.scope, set(plan.found))]
    for subscriber in audience.recipients:
        mine = [item for item in getattr(subscriber, plan.scope) if item in plan.found]
        if not mine:
            outcome.notes.append(f"{plan.key}: nothing for {subscriber.email}: none of their "
                                 f"{plan.scope} has {plan.missing[1]}")
            continue
        delivery = deliver(plan.report, audience.reports_url,
                           urlencode({VIEW[plan.scope]: mine[0]}))
        yield Planned(plan.key, plan.report_name, subscriber,
                      plan.compose([plan.found[item] for item in mine], delivery))


def plan_daily(fetch: Fetch, key: str, audience: Audience) -> Iterator[Planned]:
    """Each store manager's stores on day ``key``, with their store's page."""
    day = date.fromisoformat(key)
    yield from _plan_scoped(Scoped(
        key, DAILY_REPORT, audience.report("daily", key, DAILY_REPORT), "stores",
        store_days(fetch, day), ("no sales rows that day", "sales rows"),
        lambda stores, delivery: store_manager_email(day, stores, delivery)), audience)


def plan_weekly(fetch: Fetch, key: str, audience: Audience) -> Iterator[Planned]:
    """Each regional director's regions for the week starting ``key``, with their region's
    page."""
    week_start = date.fromisoformat(key)
    yield from _plan_scoped(Scoped(
        key, WEEKLY_REPORT, audience.report("weekly", key, WEEKLY_REPORT), "regions",
        region_stock(fetch, week_start), ("no inventory rows that week", "inventory rows"),
        lambda stock, delivery: regional_director_email(week_start, stock, delivery)), audience)


def plan_monthly(fetch: Fetch, key: str, audience: Audience) -> Iterator[Planned]:
    """The month starting ``key`` for the C-suite, with the business review."""
    figures = month_figures(fetch, date.fromisoformat(key))
    if figures is None:
        audience.outcome.notes.append(f"{key}: no sales rows for the month; nothing sent")
        return
    delivery = deliver(audience.report("monthly", key[:7], MONTHLY_REPORT), audience.reports_url)
    for executive in audience.recipients:
        yield Planned(key, MONTHLY_REPORT, executive, c_suite_email(figures, delivery))
