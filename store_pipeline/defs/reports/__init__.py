"""Reports: the daily, weekly and monthly Plotly pages, and the weekly and monthly runs."""

from store_pipeline.defs.reports.assets import business_review, daily_reports, weekly_reports
from store_pipeline.defs.reports.jobs import JOBS
from store_pipeline.defs.reports.schedules import SCHEDULES
from store_pipeline.defs.reports.sensors import period_reports_sensor

ASSETS = [daily_reports, weekly_reports, business_review]
SENSORS = [period_reports_sensor]

__all__ = ["ASSETS", "JOBS", "SCHEDULES", "SENSORS"]
