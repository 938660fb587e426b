"""The pipeline-health report as one page in the reports' shell (every text escaped, plain
tables)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import dagster as dg
from markupsafe import Markup

from store_pipeline.defs.operations.catalog import watched_assets
from store_pipeline.defs.operations.health import Health, collect_health
from store_pipeline.internals.freshness import FAIL, PASS, UNKNOWN, WARN
from store_pipeline.lib.notify.alert_log import AlertLog
from store_pipeline.lib.notify.store_alerts import StoreAlert
from store_pipeline.lib.reports import fmt
from store_pipeline.lib.reports.files import write_atomic
from store_pipeline.lib.reports.index import HEALTH, INDEX, write_index
from store_pipeline.lib.reports.page import grid, page, section, text_table
from store_pipeline.lib.settings import load_settings

TITLE = "Pipeline health"
STATE_ORDER = {FAIL: 0, WARN: 1, UNKNOWN: 2, PASS: 3}


def _seconds(value: float | None) -> str:
    return "-" if value is None else fmt.number(value, 1)


def write_health_report(instance: dg.DagsterInstance, asset_graph: Any,
                        reports_dir: Path | str, alert_log: AlertLog | None = None) -> Path:
    """``<reports>/health.html`` from the instance's runs, the graph's assets and the store
    alerts of the window, timed in the chain's timezone; the reports index then links it."""
    now = datetime.now(load_settings().tz)
    health = collect_health(instance, watched_assets(asset_graph), now)
    alerts = alert_log.since(health.since.date()) if alert_log else []
    path = write_atomic(Path(reports_dir) / HEALTH, health_page(health, alerts))
    write_index(reports_dir)
    return path


def health_page(health: Health, alerts: Sequence[StoreAlert] = ()) -> str:
    """Runs, failures, partition gaps, freshness and store alerts, most urgent first."""
    subtitle = f"Generated {fmt.moment(health.generated)}; runs since {fmt.moment(health.since)}."
    sections = (_runs(health), _failures(health), _gaps(health), _freshness(health),
                _alerts(alerts))
    return page(TITLE, subtitle, grid(*sections), links=(("All reports", INDEX),), charts=False)


def _part(summary: str, header: Sequence[str] = (), rows: Sequence[Sequence[str]] = ()
          ) -> Markup:
    """A card titled by its one-line ``summary``, with its table when it has rows."""
    return section(summary, text_table(header, rows) if rows else "", wide=True)


def _runs(health: Health) -> Markup:
    rows = tuple((j.job, fmt.count(j.runs), fmt.count(j.succeeded), fmt.count(j.failed),
                  _seconds(j.median_seconds), _seconds(j.max_seconds), fmt.moment(j.last_started))
                 for j in health.jobs)
    if not rows:
        return _part("Runs per job: none in the window.")
    header = ("Job", "Runs", "Succeeded", "Failed", "Median s", "Max s", "Last started")
    return _part("Runs per job", header, rows)


def _failures(health: Health) -> Markup:
    if not health.failures:
        return _part("Failed runs: none in the window.")
    rows = tuple((fmt.moment(f.started), f.job, f.partition, step.step, step.error, f.run_id)
                 for f in sorted(health.failures, key=lambda f: f.started or health.since,
                                 reverse=True)
                 for step in f.steps)
    header = ("Started", "Job", "Partition", "Step", "Error", "Run id")
    return _part(f"Failed runs: {len(health.failures)}", header, rows)


def _gaps(health: Health) -> Markup:
    checked = f"{health.partitioned_assets} partitioned assets checked"
    if not health.gaps:
        return _part(f"Missing partitions: none ({checked}).")
    rows = tuple((g.asset, g.first, g.last, fmt.count(g.materialized), ", ".join(g.missing))
                 for g in health.gaps)
    header = ("Asset", "First", "Last", "Materialised", "Missing between first and last")
    return _part(f"Missing partitions: {len(health.gaps)} of {checked}", header, rows)


def _freshness(health: Health) -> Markup:
    states = sorted(health.freshness, key=lambda f: (STATE_ORDER.get(f.state, 9), f.asset))
    counts = ", ".join(f"{sum(f.state == s for f in states)} {s}" for s in STATE_ORDER)
    rows = tuple((f.asset, f.state, fmt.moment(f.deadline), fmt.moment(f.last_materialized))
                 for f in states)
    header = ("Asset", "State", "Deadline", "Last materialised")
    return _part(f"Freshness: {counts}", header, rows)


def _alerts(alerts: Sequence[StoreAlert]) -> Markup:
    if not alerts:
        return _part("Store alerts: none in the window.")
    rows = tuple((str(a.day), a.store_code, a.kind, a.detail) for a in alerts)
    return _part(f"Store alerts: {len(alerts)}", ("Day", "Store", "Rule", "Found"), rows)
