"""dagster-dbt's CLI resource, run in the step's process and without two of its start-up costs
(private methods overridden)."""

from collections.abc import Sequence
from functools import cached_property
from importlib import metadata
from typing import Any

from dagster_dbt import DbtCliInvocation, DbtCliResource
from packaging import version

from store_pipeline.internals.dbt_in_process import dbt_in_process


class StoreDbtCli(DbtCliResource):
    """dbt's CLI commands, run by ``dbtRunner`` in the step's process, with three start-up
    costs removed from every run.

    - A ``dbt`` process would start Python and import dbt and its adapter again
      (``internals/dbt_in_process.py``).
    - dagster-dbt runs ``dbt --version`` to learn the version; the dbt it runs is the one
      installed beside this interpreter, whose version the package metadata gives at once.
    - It loads dbt's adapter into the run's process only to fetch row counts and column
      metadata, which these assets do not ask for.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None

    def cli(self, args: Sequence[str], **kwargs: Any) -> DbtCliInvocation:
        with dbt_in_process():
            return super().cli(args, **kwargs)
