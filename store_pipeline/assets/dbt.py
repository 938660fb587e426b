"""The dbt project as Dagster assets: one ``@dbt_assets`` over daily partitions, tests as checks."""

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from store_pipeline.freshness import DAILY_BY_0500
from store_pipeline.partitions import daily_partitions, window_dates
from store_pipeline.resources.warehouse import WAREHOUSE_POOL
from store_pipeline.settings import load_settings

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "store_pipeline_dbt"
# The dbt installed beside this interpreter, whether or not its bin/ is on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))

dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
    target=load_settings().warehouse,
)


def _manifest_is_stale() -> bool:
    """True when the manifest is missing or older than any file of the dbt project."""
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in ("models", "macros", "seeds", "tests", "snapshots"):
        sources += (DBT_PROJECT_DIR / folder).rglob("*")
    return any(p.is_file() and p.stat().st_mtime > built for p in sources)


if _manifest_is_stale():  # `make` parses ahead of time; this covers an edited checkout
    DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE).cli(
        ["parse", "--quiet"], target_path=dbt_project.target_path
    ).wait()


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
    """``dbt build`` of the selected models and data tests over the run's business dates.

    dbt unit tests check SQL logic, not data: they run in the test suite, not every night.
    """
    args = ["build", "--exclude-resource-type", "unit_test", "--vars",
            json.dumps(dbt_vars(context))]
    yield from dbt.cli(args, context=context).stream()
