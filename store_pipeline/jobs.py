"""Jobs: ingestion (02:00), analytics (03:00), the weekly and monthly reports, the whole day,
the pipeline-health report."""

from __future__ import annotations

import dagster as dg

from store_pipeline.assets.dbt import store_dbt_models
from store_pipeline.assets.exports import csv_exports
from store_pipeline.assets.ingestion import pos_backup, raw_pos
from store_pipeline.assets.notifications import (
    daily_emails,
    monthly_emails,
    pipeline_health,
    store_alerts,
    weekly_emails,
)
from store_pipeline.assets.reports import business_review, daily_reports, weekly_reports

INGESTION = dg.AssetSelection.assets(pos_backup, raw_pos)
ANALYTICS = dg.AssetSelection.assets(store_dbt_models, csv_exports, daily_reports, daily_emails,
                                     store_alerts)

ingestion_job = dg.define_asset_job(
    "ingestion_job", selection=INGESTION,
    description="Take the night's backup from the POS outbox and land it in raw_pos.",
)
analytics_job = dg.define_asset_job(
    "analytics_job", selection=ANALYTICS,
    description="dbt build, CSV exports, daily reports, store managers' e-mails and store "
                "alerts for the business date.",
)
daily_pipeline_job = dg.define_asset_job(
    "daily_pipeline_job", selection=INGESTION | ANALYTICS,
    description="Every daily asset, ingestion included: what a backfill of a date range runs.",
)
weekly_reports_job = dg.define_asset_job(
    "weekly_reports_job", selection=dg.AssetSelection.assets(weekly_reports, weekly_emails),
)
monthly_reports_job = dg.define_asset_job(
    "monthly_reports_job", selection=dg.AssetSelection.assets(business_review, monthly_emails),
)
health_job = dg.define_asset_job(
    "health_job", selection=dg.AssetSelection.assets(pipeline_health),
    description="The pipeline-health report for IT operations.",
)

JOBS = [ingestion_job, analytics_job, daily_pipeline_job, weekly_reports_job,
        monthly_reports_job, health_job]
