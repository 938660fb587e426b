"""The weekly and monthly report jobs: the period's pages and their e-mails."""

import dagster as dg

from store_pipeline.defs.notifications.assets import monthly_emails, weekly_emails
from store_pipeline.defs.reports.assets import business_review, weekly_reports

weekly_reports_job = dg.define_asset_job(
    "weekly_reports_job", selection=dg.AssetSelection.assets(weekly_reports, weekly_emails),
)
monthly_reports_job = dg.define_asset_job(
    "monthly_reports_job", selection=dg.AssetSelection.assets(business_review, monthly_emails),
)

JOBS = [weekly_reports_job, monthly_reports_job]
