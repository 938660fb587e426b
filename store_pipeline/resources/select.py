"""Resources chosen by configuration: the outbox, the warehouse, dbt and the data home."""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource

from store_pipeline.assets.dbt import DBT_EXECUTABLE, dbt_project
from store_pipeline.resources.data_home import DataHome
from store_pipeline.resources.outbox import LocalOutbox
from store_pipeline.resources.warehouse import DuckDBWarehouse
from store_pipeline.settings import Settings


def build_resources(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    """The resources for the configuration in force."""
    return {
        "outbox": LocalOutbox(path=str(settings.outbox)),
        "warehouse": DuckDBWarehouse(path=str(settings.warehouse_path)),
        "data_home": DataHome(home=str(settings.home)),
        "dbt": DbtCliResource(project_dir=dbt_project, profiles_dir=str(dbt_project.profiles_dir),
                              target=dbt_project.target, dbt_executable=DBT_EXECUTABLE),
    }
