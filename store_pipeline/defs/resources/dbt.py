"""The dbt project and the dbt resource, for the target the settings name."""

from functools import cache

from dagster_dbt import DbtProject

from store_pipeline.internals.dbt_cli import StoreDbtCli
from store_pipeline.internals.dbt_project import store_project
from store_pipeline.lib.dbt_manifest import DBT_EXECUTABLE, DBT_PROJECT_DIR
from store_pipeline.lib.settings import load_settings


@cache
def store_dbt_project() -> DbtProject:
    """The dbt project (built once per process); under ``dagster dev`` / ``dg dev`` its
    manifest is parsed at load when stale, elsewhere ``store-pipeline`` keeps it current."""
    project = store_project(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR,
                            target=load_settings().warehouse)
    project.prepare_if_dev()
    return project


def build_dbt() -> StoreDbtCli:
    """dbt's CLI commands (run in the step's process), for the project's target."""
    project = store_dbt_project()
    return StoreDbtCli(project_dir=project, profiles_dir=str(project.profiles_dir),
                       target=project.target, dbt_executable=DBT_EXECUTABLE)
