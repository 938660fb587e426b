"""The forecast job: the week's demand forecast and its backtest."""

import dagster as dg

from store_pipeline.defs.forecasts.assets import demand_forecast, forecast_backtest

forecast_job = dg.define_asset_job(
    "forecast_job", selection=dg.AssetSelection.assets(demand_forecast, forecast_backtest),
    description="The week's demand forecast from its Monday (warehouse table and CSV export) "
                "and the backtest of the four weeks before it.",
)
