"""dbt invoked in this process, as the pipeline runs it.

``invoke_dbt`` is ``dbtRunner`` with what makes the pipeline's dbt start quickly: the parse
state that leaves out the warehouse's folder (``dbt_parse_state.py``) and dbt's events built by
protobuf's constructors (``dbt_events.py``); and, while ``kept_in_home`` is open, the Jinja
templates compiled and the configuration's JSON schemas built in earlier processes
(``jinja_code.py``, ``dbt_schemas.py``). The pipeline's steps (``dbt_in_process.py``) and
``store-pipeline dbt`` (``dbt_command.py``) both run dbt through it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from store_pipeline.internals import dbt_events
from store_pipeline.internals.dbt_parse_state import folder_free_parse_state
from store_pipeline.internals.dbt_schemas import kept_schemas
from store_pipeline.internals.jinja_code import compiled_templates
from store_pipeline.lib.environment import environment_set


def invoke_dbt(args: Sequence[str], env: Mapping[str, str],
               callbacks: Sequence[Callable[[Any], None]] = ()) -> Any:
    """dbt's CLI ``args`` by ``dbtRunner``, ``env`` in the environment while it runs, each
    event passed to ``callbacks``: dbt's result. The warehouse dbt-duckdb opened is closed
    after."""
    from dbt.cli.main import dbtRunner

    folder_free_parse_state()
    dbt_events.install()
    with environment_set(env):
        try:
            return dbtRunner(callbacks=list(callbacks)).invoke(list(args))
        finally:
            release_warehouse()


@contextmanager
def kept_in_home(folder: Path) -> Iterator[None]:
    """While open, dbt's compiled templates and configuration schemas are read from, and
    added to, files in ``folder`` (the data home's ``dbt/``)."""
    with compiled_templates(folder), kept_schemas(folder):
        yield


def stopped_message(error: BaseException) -> str:
    """What is said of an error dbt returned instead of logging."""
    return f"dbt stopped: {type(error).__name__}: {error}"


def exit_code(result: Any) -> int:
    """The ``dbt`` CLI's exit code for a ``dbtRunner`` result: 0 success, 1 a failed node or
    test, 2 an error that stopped dbt."""
    return 0 if result.success else 2 if result.exception is not None else 1


def release_warehouse() -> None:
    """Close the database dbt-duckdb keeps open in the process after dbt returns, so that the
    run's next steps open the warehouse with their own settings (DuckDB refuses a second
    configuration of an open file)."""
    manager_module = sys.modules.get("dbt.adapters.duckdb.connections")
    if manager_module is None:
        return
    manager = manager_module.DuckDBConnectionManager
    with manager._LOCK:
        if manager._ENV is not None:
            manager._ENV.close()
            manager._ENV = None
