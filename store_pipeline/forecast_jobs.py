"""The forecast job and its Monday schedule (05:00, after Sunday's analytics deadline)."""

import dagster as dg

from store_pipeline.assets.forecasts import demand_forecast, forecast_backtest

forecast_job = dg.define_asset_job(
    "forecast_job", selection=dg.AssetSelection.assets(demand_forecast, forecast_backtest),
    description="The week's demand forecast from its Monday (warehouse table and CSV export) "
                "and the backtest of the four weeks before it.",
)
# Weekly partitions include the week in progress: on Monday the newest one starts that day.
forecast_schedule = dg.build_schedule_from_partitioned_job(
    forecast_job, hour_of_day=5, day_of_week=1, name="forecast_monday_0500"
)
