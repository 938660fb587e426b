"""The pipeline-health report for IT operations."""

import dagster as dg

from store_pipeline.defs.operations.health_page import write_health_report
from store_pipeline.defs.resources.data_home import DataHome
from store_pipeline.lib.notify.alert_log import AlertLog


@dg.asset(
    key=["reports", "pipeline_health"],
    group_name="reports",
    kinds={"html"},
    description="For IT operations: runs and durations per job (30 days), failures with their "
                "error, missing partitions, freshness state.",
)
def pipeline_health(context: dg.AssetExecutionContext,
                    data_home: DataHome) -> dg.MaterializeResult:
    path = write_health_report(context.instance, context.repository_def.asset_graph,
                               data_home.reports, AlertLog.of_home(data_home.home))
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(path))})
