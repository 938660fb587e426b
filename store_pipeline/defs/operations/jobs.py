"""The jobs that cross stages: a date's analytics (03:00, or as soon as it lands), the whole
day (what a backfill runs), and the pipeline-health report."""

import dagster as dg

from store_pipeline.defs.dbt.assets import store_dbt_models
from store_pipeline.defs.exports.assets import csv_exports
from store_pipeline.defs.ingestion.jobs import INGESTION, RAW_POS_CHECKS
from store_pipeline.defs.notifications.assets import daily_emails, store_alerts
from store_pipeline.defs.operations.assets import pipeline_health
from store_pipeline.defs.reports.assets import daily_reports

# The raw_pos checks are dbt's source tests, which dbt runs with the models reading raw_pos.
ANALYTICS = dg.AssetSelection.assets(store_dbt_models, csv_exports, daily_reports, daily_emails,
                                     store_alerts) | RAW_POS_CHECKS

analytics_job = dg.define_asset_job(
    "analytics_job", selection=ANALYTICS,
    description="dbt build, CSV exports, daily reports, store managers' e-mails and store "
                "alerts for the business date.",
)
daily_pipeline_job = dg.define_asset_job(
    "daily_pipeline_job", selection=INGESTION | ANALYTICS,
    description="Every daily asset, ingestion included: what a backfill of a date range runs.",
)
# The jobs that build a date's analytics (a landing by one of them built its own dates).
ANALYTICS_JOB_NAMES = (analytics_job.name, daily_pipeline_job.name)
health_job = dg.define_asset_job(
    "health_job", selection=dg.AssetSelection.assets(pipeline_health),
    description="The pipeline-health report for IT operations.",
)

JOBS = [analytics_job, daily_pipeline_job, health_job]
