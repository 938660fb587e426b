"""The code location: assets, checks, jobs, schedules, sensors and resources."""

from __future__ import annotations

import dagster as dg

from store_pipeline.assets.dbt import store_dbt_models
from store_pipeline.assets.exports import csv_exports
from store_pipeline.assets.forecasts import demand_forecast, forecast_backtest
from store_pipeline.assets.ingestion import pos_backup, raw_pos
from store_pipeline.assets.notifications import (
    daily_emails,
    monthly_emails,
    pipeline_health,
    weekly_emails,
)
from store_pipeline.assets.reports import business_review, daily_reports, weekly_reports
from store_pipeline.event_log import enable_event_batches
from store_pipeline.forecast_jobs import forecast_job, forecast_schedule
from store_pipeline.jobs import (
    analytics_job,
    daily_pipeline_job,
    health_job,
    ingestion_job,
    monthly_reports_job,
    weekly_reports_job,
)
from store_pipeline.monitoring import ALERT_SENSORS, health_schedule
from store_pipeline.resources.select import build_resources
from store_pipeline.schedules import SCHEDULES
from store_pipeline.sensors import landed_data_sensor, new_backup_sensor, period_reports_sensor
from store_pipeline.settings import load_environment, load_settings
from store_pipeline.slot_wait import install as install_slot_wait

# Every process that runs our steps loads this module.
enable_event_batches()
install_slot_wait()
load_environment()

ASSETS = [pos_backup, raw_pos, store_dbt_models, csv_exports, daily_reports, weekly_reports,
          business_review, daily_emails, weekly_emails, monthly_emails, pipeline_health,
          demand_forecast, forecast_backtest]

defs = dg.Definitions(
    assets=ASSETS,
    jobs=[ingestion_job, analytics_job, daily_pipeline_job, weekly_reports_job,
          monthly_reports_job, health_job, forecast_job],
    schedules=[*SCHEDULES, health_schedule, forecast_schedule],
    sensors=[new_backup_sensor, landed_data_sensor, period_reports_sensor, *ALERT_SENSORS],
    resources=build_resources(load_settings()),
    # Every job's steps run in its run's process, one after the other: the warehouse-bound
    # steps run one at a time anyway, and a process per step imported this module again.
    executor=dg.in_process_executor,
)
