"""The dbt project as Dagster assets: one ``@dbt_assets``, tests as checks.

Incremental models are daily-partitioned (a run rebuilds its business dates); every other model
(the dimensions, the views, full-rebuild tables) is unpartitioned: it describes the newest
landed state, whichever dates the run covers. A view is created only when its definition changed
or the warehouse lacks it (``lib/dbt_views.py``).
"""

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtProject,
    dbt_assets,
)
from pydantic import Field

from store_pipeline.defs.freshness import DAILY_BY_0500
from store_pipeline.defs.partitions import daily_partitions, window_dates
from store_pipeline.defs.resources.data_home import DataHome
from store_pipeline.defs.resources.dbt import store_dbt_project
from store_pipeline.defs.resources.warehouse import WAREHOUSE_POOL, Warehouse
from store_pipeline.internals.dbt_cli import StoreDbtCli
from store_pipeline.internals.dbt_invoke import kept_in_home
from store_pipeline.lib.dbt_manifest import DBT_PROJECT_DIR
from store_pipeline.lib.dbt_target import keeping_parse_state, run_target
from store_pipeline.lib.dbt_views import BuiltViews, fingerprint, view_nodes
from store_pipeline.lib.environment import environment_set
from store_pipeline.lib.ingest.landing import dates_between, describe_dates

# The run window, read by macros/run_window.sql when the vars min_date/max_date are not set.
WINDOW_ENV = ("STORE_PIPELINE_RUN_MIN_DATE", "STORE_PIPELINE_RUN_MAX_DATE")
HOME_ENV = "STORE_PIPELINE_HOME"
# dbt's outputs in each run's target folder, and the environment variable (dbt's own) that
# overrides each default. dbt.log is at INFO (node results, errors); DBT_LOG_LEVEL_FILE=debug
# also logs every query, at a cost per run. manifest.json and run_results.json are not written
# (DBT_WRITE_JSON=true writes them), which saves serialising the manifest on every run:
# dbt.log and the run's Dagster events keep each result.
OUTPUT_DEFAULTS = (
    ("DBT_LOG_LEVEL_FILE", ("--log-level-file", "info")),
    # text, as dbt's CLI writes it: dagster-dbt's --log-format json would make it JSON too,
    # each line serialised by protobuf's pure-Python json_format (DBT_LOG_FORMAT_FILE=json)
    ("DBT_LOG_FORMAT_FILE", ("--log-format-file", "debug")),
    ("DBT_WRITE_JSON", ("--no-write-json",)),
)

dbt_project = store_dbt_project()
PROJECT_FILE = DBT_PROJECT_DIR / "dbt_project.yml"  # its vars are part of a view's definition


# dbt's tests of the raw_pos sources are asset checks of the raw_pos assets, run with the models
# that read them (otherwise dagster-dbt logs them as observations, with a warning each).
TRANSLATOR_SETTINGS = DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True)


class StoreDbtTranslator(DagsterDbtTranslator):
    """Groups models by folder, partitions incremental models by day and gives marts a
    freshness policy; sources keep raw_pos keys."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str,
                       project: DbtProject | None) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest["nodes"].get(unique_id) or manifest["sources"][unique_id]
        if node["resource_type"] == "source":
            return spec
        folder = node["fqn"][1] if len(node["fqn"]) > 2 else "models"
        if folder == "marts":
            spec = spec.replace_attributes(freshness_policy=DAILY_BY_0500)
        if node["config"].get("materialized") == "incremental":
            spec = spec.replace_attributes(partitions_def=daily_partitions)
        return spec.replace_attributes(group_name=f"dbt_{folder}")


class DbtRunConfig(dg.Config):
    """Launchpad options of a dbt run."""

    full_refresh: bool = Field(
        default=False,
        description="Rebuild every mart from raw_pos over every landed date (dbt "
                    "--full-refresh), e.g. after a column was added; the run's window no longer "
                    "limits what is rebuilt.",
    )


def _output_args() -> list[str]:
    """The OUTPUT_DEFAULTS whose environment variable is not set (dbt reads those itself)."""
    return [arg for variable, args in OUTPUT_DEFAULTS if not os.environ.get(variable)
            for arg in args]


def window_values(start: date, end: date) -> dict[str, str]:
    """The run window as STORE_PIPELINE_RUN_MIN/MAX_DATE (read by the run_window macro at
    execution, so dbt's partial parsing survives a new window)."""
    return {WINDOW_ENV[0]: start.isoformat(), WINDOW_ENV[1]: end.isoformat()}


def require_landed(warehouse: Warehouse, start: date, end: date) -> None:
    """Fail before any dbt work when a date of the window has had no backup of its own landed
    (a date that landed with no sales, a closed day, is fine)."""
    missing = set(dates_between(start, end)) - warehouse.landed_dates(start, end)
    if missing:
        raise dg.Failure(
            f"no backup landed for {len(missing)} date(s) of {start}..{end}: "
            f"{describe_dates(missing)}. Land them first (ingestion_job, or "
            "`store-pipeline backfill` over those dates)."
        )


def _landed_span(warehouse: Warehouse) -> tuple[date, date]:
    """The first and last date landed with a backup of its own (what the marts cover)."""
    landed = warehouse.landed_dates(date(1900, 1, 1), date(9999, 12, 31))
    if not landed:
        raise dg.Failure("raw_pos has no landed date: nothing to rebuild")
    return min(landed), max(landed)


@cache
def _manifest() -> Mapping[str, Any]:
    return json.loads(dbt_project.manifest_path.read_text())


@cache
def _view_ids() -> dict[dg.AssetKey, str]:
    """The asset key of each view the nightly run may leave as it is, to its unique id."""
    manifest, translator = _manifest(), StoreDbtTranslator(TRANSLATOR_SETTINGS)
    return {translator.get_asset_spec(manifest, uid, dbt_project).key: uid
            for uid in view_nodes(manifest)}


@dataclass(frozen=True)
class ViewPlan:
    """The run's selected views (with their fingerprints), and those it leaves as they are."""

    built: BuiltViews
    fingerprints: dict[str, str]
    kept: list[str]

    @classmethod
    def of_run(cls, context: dg.AssetExecutionContext, warehouse: Warehouse,
               data_home: DataHome, full_refresh: bool) -> "ViewPlan":
        manifest, nodes = _manifest(), view_nodes(_manifest())
        selected = [uid for key, uid in _view_ids().items() if key in context.selected_asset_keys]
        project_text = PROJECT_FILE.read_text()
        fingerprints = {uid: fingerprint(manifest, nodes[uid], project_text, dbt_project.target)
                        for uid in selected}
        built = BuiltViews(data_home.dbt)
        kept = [] if full_refresh or not selected else built.unchanged(
            fingerprints, nodes, warehouse.views())
        return cls(built, fingerprints, kept)

    @property
    def kept_names(self) -> list[str]:
        return [_manifest()["nodes"][uid]["name"] for uid in self.kept]

    def record(self) -> None:
        """After the run: the views it created have their fingerprints."""
        self.built.record(self.fingerprints, set(self.fingerprints) - set(self.kept))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    backfill_policy=dg.BackfillPolicy.single_run(),
    dagster_dbt_translator=StoreDbtTranslator(TRANSLATOR_SETTINGS),
    pool=WAREHOUSE_POOL,
)
def store_dbt_models(context: dg.AssetExecutionContext, dbt: StoreDbtCli,
                     warehouse: Warehouse, data_home: DataHome, config: DbtRunConfig):
    """``dbt build`` of the selected models and data tests over the run's business dates (every
    landed date when only unpartitioned models are selected).

    dbt unit tests check SQL logic, not data: they run in the test suite, not every night.
    """
    if context.has_partition_key or context.has_partition_key_range:
        start, end = window_dates(context)
        require_landed(warehouse, start, end)
    else:
        start, end = _landed_span(warehouse)
    args = ["build", "--exclude-resource-type", "unit_test", *_output_args()]
    if config.full_refresh:
        start, end = _landed_span(warehouse)
        context.log.info(f"full refresh: every mart is rebuilt from raw_pos over every landed "
                         f"date, {start}..{end}")
        args.append("--full-refresh")
    threads = warehouse.dbt_threads(start, end)
    if threads:
        args += ["--threads", str(threads)]
        context.log.info(f"dbt builds up to {threads} model(s) at once over {start}..{end}")
    views = ViewPlan.of_run(context, warehouse, data_home, full_refresh=config.full_refresh)
    if views.kept:
        args += ["--exclude", " ".join(views.kept_names)]
        context.log.info(f"{len(views.kept)} of {len(views.fingerprints)} views unchanged since "
                         "they were created: left as they are")
    # Absolute paths: dbt runs in this process, whose working directory is not its project's.
    target = run_target(data_home.dbt, context.run.run_id[:8]).resolve()
    values = {HOME_ENV: str(Path(data_home.home).resolve()), **window_values(start, end)}
    with environment_set(values), kept_in_home(data_home.dbt):
        events = dbt.cli(args, context=context, target_path=target).stream()
        yield from keeping_parse_state(events, data_home.dbt, target)
    views.record()
