"""Freshness policies: when each layer must have been refreshed, in the chain's timezone."""

from __future__ import annotations

from datetime import timedelta

import dagster as dg

from store_pipeline.defs.partitions import CHAIN_TIMEZONE

# Ingestion runs at 02:00 (or earlier, from the sensor): raw data is due by 03:00.
DAILY_BY_0300 = dg.FreshnessPolicy.cron(
    deadline_cron="0 3 * * *", lower_bound_delta=timedelta(hours=24), timezone=CHAIN_TIMEZONE
)
# Analytics runs at 03:00: marts, exports and daily reports are due by 05:00.
DAILY_BY_0500 = dg.FreshnessPolicy.cron(
    deadline_cron="0 5 * * *", lower_bound_delta=timedelta(hours=24), timezone=CHAIN_TIMEZONE
)
WEEKLY_BY_MONDAY_0600 = dg.FreshnessPolicy.cron(
    deadline_cron="0 6 * * 1", lower_bound_delta=timedelta(days=7), timezone=CHAIN_TIMEZONE
)
MONTHLY_BY_FIRST_0600 = dg.FreshnessPolicy.cron(
    deadline_cron="0 6 1 * *", lower_bound_delta=timedelta(days=28), timezone=CHAIN_TIMEZONE
)
