"""The weekly demand forecast: a warehouse table dbt reads, and its CSV export."""

from datetime import date

import dagster as dg

from store_pipeline.defs.dbt.keys import model_keys
from store_pipeline.defs.partitions import weekly_partitions
from store_pipeline.defs.resources.data_home import DataHome
from store_pipeline.defs.resources.warehouse import WAREHOUSE_POOL, Warehouse

FORECAST_READS = ("rpt_product_performance", "rpt_daily_sales", "dim_date")
FORECAST_KEY = dg.AssetKey(["forecasts", "demand_forecast"])
FORECAST_EXPORT_KEY = dg.AssetKey(["exports", "demand_forecast"])


@dg.multi_asset(
    specs=[
        dg.AssetSpec(FORECAST_KEY, deps=model_keys(FORECAST_READS),
                     group_name="forecasts", kinds={"lightgbm"},
                     description="Units per store x item (store x category for rarely sold "
                                 "items) for the 14 days from the week's Monday, with an 80 % "
                                 "interval: warehouse table forecasts.demand_forecast."),
        dg.AssetSpec(FORECAST_EXPORT_KEY, deps=[FORECAST_KEY], group_name="exports",
                     kinds={"csv"},
                     description="exports/<Monday>/demand_forecast.csv from the forecast."),
    ],
    partitions_def=weekly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=WAREHOUSE_POOL,
)
def demand_forecast(context: dg.AssetExecutionContext, warehouse: Warehouse,
                    data_home: DataHome):
    """Forecast each week of the run from the Monday that starts it."""
    from store_pipeline.lib.forecast.demand import forecast_demand, read_history
    from store_pipeline.lib.forecast.export import write_forecast_export
    from store_pipeline.lib.forecast_tables import DEMAND_FORECAST

    rows = 0
    for key in context.partition_keys:
        origin = date.fromisoformat(key[:10])
        with warehouse.reader(log=context.log.info) as fetch:
            history = read_history(fetch, origin)
        try:
            frame = forecast_demand(history, origin)
        except ValueError as error:
            raise dg.Failure(f"no forecast for the week of {origin}: {error}") from error
        warehouse.replace_forecast(DEMAND_FORECAST, frame, origin)
        path, written = write_forecast_export(frame, data_home.exports, origin)
        rows += written
        context.log.info(f"forecast {origin}: {written} rows, "
                         f"{int(frame.sku.isna().sum())} of them for store x category")
    yield dg.MaterializeResult(asset_key=FORECAST_KEY,
                               metadata={"rows": rows, "weeks": len(context.partition_keys)})
    yield dg.MaterializeResult(asset_key=FORECAST_EXPORT_KEY,
                               metadata={"rows": rows, "last_file": dg.MetadataValue.path(
                                   str(path))})


BACKTEST_KEY = dg.AssetKey(["forecasts", "forecast_backtest"])


@dg.asset(
    key=BACKTEST_KEY,
    deps=model_keys(FORECAST_READS),
    group_name="forecasts",
    kinds={"lightgbm", "html"},
    partitions_def=weekly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=WAREHOUSE_POOL,
    description="Rolling-origin backtest of the demand forecast over the 4 weeks before the "
                "week's Monday: WAPE and MASE per store x category and overall, against the "
                "weekly seasonal-naive forecast; reports/weekly/<Monday>/forecast_accuracy.html.",
)
def forecast_backtest(context: dg.AssetExecutionContext, warehouse: Warehouse,
                      data_home: DataHome) -> dg.MaterializeResult:
    """Backtest each week of the run and write its page."""
    from store_pipeline.lib.forecast.backtest import ORIGINS, run_backtest
    from store_pipeline.lib.forecast.demand import HISTORY_DAYS, read_history
    from store_pipeline.lib.reports.files import write_atomic
    from store_pipeline.lib.reports.forecast_accuracy import NAME, accuracy_page, markdown_table
    from store_pipeline.lib.reports.index import write_index

    for key in context.partition_keys:
        week = date.fromisoformat(key[:10])
        with warehouse.reader(log=context.log.info) as fetch:
            history = read_history(fetch, week, HISTORY_DAYS + 7 * ORIGINS)
        table, figures, note = run_backtest(history.product_days, history.stores,
                                            history.calendar)
        path = write_atomic(data_home.reports / "weekly" / week.isoformat() / f"{NAME}.html",
                            accuracy_page(week, table, figures, note))
        context.log.info(f"backtest {week}: {note}")
    write_index(data_home.reports)
    metadata = {name: dg.MetadataValue.float(value) for name, value in (figures or {}).items()}
    return dg.MaterializeResult(metadata={
        **metadata, "note": note, "accuracy": dg.MetadataValue.md(markdown_table(table)),
        "page": dg.MetadataValue.path(str(path))})
