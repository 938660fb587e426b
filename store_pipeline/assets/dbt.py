"""The dbt project as Dagster assets: one ``@dbt_assets`` over daily partitions, tests as checks."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from store_pipeline.freshness import DAILY_BY_0500
from store_pipeline.partitions import daily_partitions, window_dates
from store_pipeline.resources.warehouse import WAREHOUSE_POOL

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "store_pipeline_dbt"

dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
    target=os.environ.get("STORE_PIPELINE_DBT_TARGET", "duckdb"),
)
if not dbt_project.manifest_path.exists():
    dbt_project.preparer.prepare(dbt_project)
dbt_project.prepare_if_dev()


class StoreDbtTranslator(DagsterDbtTranslator):
    """Groups models by folder and gives marts a freshness policy; sources keep raw_pos keys."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str,
                       project: DbtProject | None) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest["nodes"].get(unique_id) or manifest["sources"][unique_id]
        if node["resource_type"] == "source":
            return spec
        folder = node["fqn"][1] if len(node["fqn"]) > 2 else "models"
        if folder == "marts":
            spec = spec.replace_attributes(freshness_policy=DAILY_BY_0500)
        return spec.replace_attributes(group_name=f"dbt_{folder}")


def dbt_vars(context: dg.AssetExecutionContext) -> dict[str, str]:
    """The partition window as dbt vars (inclusive dates)."""
    start, end = window_dates(context)
    return {"min_date": start.isoformat(), "max_date": end.isoformat()}


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    dagster_dbt_translator=StoreDbtTranslator(),
    pool=WAREHOUSE_POOL,
)
def store_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """``dbt build`` of the selected models and tests over the run's business dates."""
    args = ["build", "--vars", json.dumps(dbt_vars(context))]
    yield from dbt.cli(args, context=context).stream()
