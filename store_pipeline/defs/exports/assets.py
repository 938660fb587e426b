"""The CSV exports per business date, read from the report marts."""


import dagster as dg

from store_pipeline.defs.dbt.keys import model_key
from store_pipeline.defs.freshness import DAILY_BY_0500
from store_pipeline.defs.partitions import daily_partitions, window_dates
from store_pipeline.defs.resources.data_home import DataHome
from store_pipeline.defs.resources.warehouse import WAREHOUSE_POOL, Warehouse
from store_pipeline.lib.csv_export import EXPORTS
from store_pipeline.lib.ingest.landing import dates_between
from store_pipeline.lib.leftovers import remove_leftovers

EXPORT_SPECS = [
    dg.AssetSpec(
        ["exports", e.name],
        deps=[model_key(e.table)],
        group_name="exports",
        kinds={"csv"},
        description=f"exports/<date>/{e.name}.csv from marts.{e.table}.",
        freshness_policy=DAILY_BY_0500,
    )
    for e in EXPORTS
]


@dg.multi_asset(
    specs=EXPORT_SPECS,
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=WAREHOUSE_POOL,
    can_subset=True,
)
def csv_exports(context: dg.AssetExecutionContext, warehouse: Warehouse,
                data_home: DataHome):
    """Write each selected export for every business date of the run."""
    chosen = context.selected_asset_keys
    selected = [e for e in EXPORTS if dg.AssetKey(["exports", e.name]) in chosen]
    days = dates_between(*window_dates(context))
    rows = {e.name: 0 for e in selected}
    for leftover in remove_leftovers(data_home.exports):
        context.log.info(f"removed {leftover}, left by a run that was killed")
    with warehouse.exporter(log=context.log.info) as write_days:
        for day, written in write_days(data_home.exports, days, selected):
            for name, n in written.items():
                rows[name] += n
            context.log.info(f"exports {day}: written")
    for export in selected:
        yield dg.MaterializeResult(
            asset_key=["exports", export.name],
            metadata={"rows": rows[export.name], "days": len(days),
                      "folder": dg.MetadataValue.path(str(data_home.exports))},
        )
