"""Forecasts: the week's demand forecast per store and product, and its backtest."""

from store_pipeline.defs.forecasts.assets import demand_forecast, forecast_backtest
from store_pipeline.defs.forecasts.jobs import forecast_job
from store_pipeline.defs.forecasts.schedules import forecast_schedule

ASSETS = [demand_forecast, forecast_backtest]
JOBS = [forecast_job]
SCHEDULES = [forecast_schedule]
SENSORS = []
