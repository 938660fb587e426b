"""The dbt project with a dev-time preparer of our own.

``DbtProject`` takes no preparer argument; its ``preparer`` field is replaced with
``dagster_shared.record.replace``, which is not part of dagster-dbt's public API
(``test_definitions`` fails if that stops working).
"""

from dagster_dbt import DbtProject, DbtProjectPreparer
from dagster_shared.record import replace

from store_pipeline.internals.dbt_parse_state import ensure_manifest


class InterpreterDbtPreparer(DbtProjectPreparer):
    """Under ``dagster dev`` / ``dg dev``: ``dbt parse`` when the manifest is stale, by this
    interpreter and with the parse state new data homes start from (dagster-dbt's own preparer
    runs ``dbt`` from PATH, which lacks it when the virtual environment is not activated)."""

    def prepare_if_dev(self, project: DbtProject) -> None:
        if self.using_dagster_dev():
            self.prepare(project)

    def prepare(self, project: DbtProject) -> None:
        ensure_manifest()


def store_project(**kwargs) -> DbtProject:
    """``DbtProject(**kwargs)`` prepared in development by ``InterpreterDbtPreparer``."""
    return replace(DbtProject(**kwargs), preparer=InterpreterDbtPreparer())
