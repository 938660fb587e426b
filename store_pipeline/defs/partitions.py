"""Partitions in the chain's timezone: daily business dates, ISO weeks and calendar months."""

from __future__ import annotations

from datetime import date, timedelta

import dagster as dg

from store_pipeline.lib.settings import load_settings

_settings = load_settings()
CHAIN_TIMEZONE = _settings.timezone  # schedules and freshness deadlines keep the chain's clock

daily_partitions = dg.DailyPartitionsDefinition(
    start_date=_settings.start_date.isoformat(), timezone=_settings.timezone
)
# Weeks start on Monday; the week and month in progress are available (end_offset=1).
weekly_partitions = dg.WeeklyPartitionsDefinition(
    start_date=_settings.start_date.isoformat(), timezone=_settings.timezone, day_offset=1,
    end_offset=1,
)
monthly_partitions = dg.MonthlyPartitionsDefinition(
    start_date=_settings.start_date.replace(day=1).isoformat(), timezone=_settings.timezone,
    end_offset=1,
)


def window_dates(context: dg.AssetExecutionContext) -> tuple[date, date]:
    """First and last business date (inclusive) of the partitions this run covers."""
    window = context.partition_time_window
    return window.start.date(), (window.end - timedelta(days=1)).date()
