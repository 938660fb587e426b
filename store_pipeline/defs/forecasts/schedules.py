"""The forecast's Monday schedule (05:00, after Sunday's analytics deadline)."""

import dagster as dg

from store_pipeline.defs.forecasts.jobs import forecast_job

# Weekly partitions include the week in progress: on Monday the newest one starts that day.
forecast_schedule = dg.build_schedule_from_partitioned_job(
    forecast_job, hour_of_day=5, day_of_week=1, name="forecast_monday_0500"
)
