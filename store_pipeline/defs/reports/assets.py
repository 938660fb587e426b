"""Plotly reports: daily dashboards, weekly inventory and staffing, the monthly review."""


from collections.abc import Sequence
from datetime import date

import dagster as dg

from store_pipeline.defs.dbt.keys import model_keys
from store_pipeline.defs.freshness import (
    DAILY_BY_0500,
    MONTHLY_BY_FIRST_0600,
    WEEKLY_BY_MONDAY_0600,
)
from store_pipeline.defs.partitions import (
    daily_partitions,
    monthly_partitions,
    weekly_partitions,
    window_dates,
)
from store_pipeline.defs.resources.data_home import DataHome
from store_pipeline.defs.resources.warehouse import WAREHOUSE_POOL, Warehouse
from store_pipeline.lib.ingest.landing import dates_between
from store_pipeline.lib.reports import (
    daily_sales,
    employee,
    inventory,
    monthly,
    region_week,
    render_daily_reports,
    render_monthly_report,
    render_weekly_reports,
    store_day,
    write_index,
)
from store_pipeline.lib.reports.parallel import render_periods


def _spec(name: str, deps: Sequence[str], policy: dg.FreshnessPolicy, what: str) -> dg.AssetSpec:
    return dg.AssetSpec(["reports", name], deps=model_keys(deps), group_name="reports",
                        kinds={"plotly"},
                        description=what, freshness_policy=policy)


def _partition_starts(context: dg.AssetExecutionContext) -> list[date]:
    return [date.fromisoformat(key[:10]) for key in context.partition_keys]


def _finish(data_home: DataHome, paths: list) -> dict:
    """Refresh the index; the metadata each report asset records."""
    write_index(data_home.reports)
    return {"files": len(paths),
            "index": dg.MetadataValue.path(str(data_home.reports / "index.html"))}


@dg.multi_asset(
    specs=[
        _spec("sales_dashboard", daily_sales.READS, DAILY_BY_0500,
              "Daily sales dashboard per day."),
        _spec("employee_productivity", employee.READS, DAILY_BY_0500,
              "Daily employee productivity and staffing per day."),
        _spec("store_day", store_day.READS, DAILY_BY_0500,
              "Each store's day for its manager (store_day.html#store=<code>)."),
    ],
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=WAREHOUSE_POOL,
)
def daily_reports(context: dg.AssetExecutionContext, warehouse: Warehouse,
                  data_home: DataHome):
    """Render the daily reports for every business date of the run."""
    paths = render_periods(warehouse, render_daily_reports, dates_between(*window_dates(context)),
                           data_home.reports, context.log.info)
    metadata = _finish(data_home, paths)
    for name in ("sales_dashboard", "employee_productivity", "store_day"):
        yield dg.MaterializeResult(asset_key=["reports", name], metadata=metadata)


@dg.multi_asset(
    specs=[
        _spec("inventory_analysis", inventory.READS, WEEKLY_BY_MONDAY_0600,
              "Weekly inventory analysis per ISO week."),
        _spec("employee_weekly", employee.READS, WEEKLY_BY_MONDAY_0600,
              "Weekly employee productivity (overtime beyond 40 h)."),
        _spec("region_week", region_week.READS, WEEKLY_BY_MONDAY_0600,
              "Each region's stores ranked and their reorder lists "
              "(region_week.html#region=<name>)."),
    ],
    partitions_def=weekly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=WAREHOUSE_POOL,
)
def weekly_reports(context: dg.AssetExecutionContext, warehouse: Warehouse,
                   data_home: DataHome):
    """Render the weekly reports for every week of the run."""
    paths = render_periods(warehouse, render_weekly_reports, _partition_starts(context),
                           data_home.reports, context.log.info)
    metadata = _finish(data_home, paths)
    for name in ("inventory_analysis", "employee_weekly", "region_week"):
        yield dg.MaterializeResult(asset_key=["reports", name], metadata=metadata)


@dg.asset(
    key=["reports", "business_review"],
    deps=model_keys(monthly.READS),
    group_name="reports",
    kinds={"plotly"},
    partitions_def=monthly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=WAREHOUSE_POOL,
    freshness_policy=MONTHLY_BY_FIRST_0600,
    description="Monthly business review per calendar month.",
)
def business_review(context: dg.AssetExecutionContext, warehouse: Warehouse,
                    data_home: DataHome) -> dg.MaterializeResult:
    """Render the monthly review for every month of the run."""
    paths = render_periods(warehouse, render_monthly_report, _partition_starts(context),
                           data_home.reports, context.log.info)
    return dg.MaterializeResult(metadata=_finish(data_home, paths))
