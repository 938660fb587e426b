"""The code location, loaded lazily: importing this module builds nothing; Dagster (or a caller
of ``defs()``) builds the assets, checks, jobs, schedules, sensors and resources once."""

from __future__ import annotations

from functools import cache

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    """Every definition of the pipeline (built on first call, then the same object)."""
    return _build()


@cache
def _build() -> dg.Definitions:
    from store_pipeline.assets.dbt import store_dbt_models
    from store_pipeline.assets.exports import csv_exports
    from store_pipeline.assets.forecasts import demand_forecast, forecast_backtest
    from store_pipeline.assets.ingestion import pos_backup, raw_pos
    from store_pipeline.assets.notifications import (
        daily_emails,
        monthly_emails,
        pipeline_health,
        store_alerts,
        weekly_emails,
    )
    from store_pipeline.assets.reports import business_review, daily_reports, weekly_reports
    from store_pipeline.event_log import enable_event_batches
    from store_pipeline.forecast_jobs import forecast_job, forecast_schedule
    from store_pipeline.jobs import JOBS
    from store_pipeline.monitoring import ALERT_SENSORS, health_schedule
    from store_pipeline.resources.select import build_resources
    from store_pipeline.schedules import SCHEDULES
    from store_pipeline.sensors import landed_data_sensor, new_backup_sensor, period_reports_sensor
    from store_pipeline.settings import load_environment, load_settings
    from store_pipeline.slot_wait import install as install_slot_wait

    # Every process that runs our steps builds these definitions first.
    enable_event_batches()
    install_slot_wait()
    load_environment()
    return dg.Definitions(
        assets=[pos_backup, raw_pos, store_dbt_models, csv_exports, daily_reports, weekly_reports,
                business_review, daily_emails, weekly_emails, monthly_emails, store_alerts,
                pipeline_health,
                demand_forecast, forecast_backtest],
        jobs=[*JOBS, forecast_job],
        schedules=[*SCHEDULES, health_schedule, forecast_schedule],
        sensors=[new_backup_sensor, landed_data_sensor, period_reports_sensor, *ALERT_SENSORS],
        resources=build_resources(load_settings()),
        # Every job's steps run in its run's process, one after the other: the warehouse-bound
        # steps run one at a time anyway, and a process per step would build all this again.
        executor=dg.in_process_executor,
    )
