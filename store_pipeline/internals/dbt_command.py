"""dbt's own commands on a data home, with the pipeline's start-up savings.

``store-pipeline dbt <command> ...`` runs dbt's CLI, as ``dbt`` would, for the project and
the home's warehouse, in one process with what makes the pipeline's dbt start quickly: the
parse state that leaves out the warehouse's folder (a new home parses in part, from the
project's state), the compiled Jinja templates and configuration schemas the pipeline keeps
in ``<home>/dbt``, and dbt's events built by protobuf's constructors. Its artifacts, its parse
state and its log go to ``<home>/dbt/cli`` rather than the project's ``target/``, which holds
the state new homes start from. The environment and the command line set dbt's own flags as
they would for ``dbt`` (``DBT_TARGET_PATH``, ``--target-path`` and the rest).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from store_pipeline.internals.dbt_invoke import exit_code, invoke_dbt, kept_in_home, stopped_message
from store_pipeline.lib.dbt_manifest import DBT_PROJECT_DIR
from store_pipeline.lib.dbt_target import PARSE_STATE, seed_parse_state
from store_pipeline.lib.settings import Settings

CLI_FOLDER = "cli"


def run_dbt(args: Sequence[str], settings: Settings) -> int:
    """dbt's CLI with ``args`` on the home of ``settings``; dbt's exit code. The process's
    environment is as it was once dbt returns."""
    folder = settings.dbt.resolve()
    values = _environment(settings, folder / CLI_FOLDER)
    target = Path(values["DBT_TARGET_PATH"])
    target.mkdir(parents=True, exist_ok=True)
    seed_parse_state(target, folder / PARSE_STATE, DBT_PROJECT_DIR / "target" / PARSE_STATE)
    with kept_in_home(folder):
        result = invoke_dbt(args, values)
    if result.exception is not None:
        print(stopped_message(result.exception), file=sys.stderr)
    return exit_code(result)


def _environment(settings: Settings, target: Path) -> dict[str, str]:
    """The home; unless the environment names others, dbt's project, profiles, artifacts and
    log folders, and its profile target (the warehouse's kind)."""
    defaults = {"DBT_PROJECT_DIR": str(DBT_PROJECT_DIR), "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
                "DBT_TARGET_PATH": str(target),
                # named, as the pipeline names it: dbt's parse state depends on the option
                "DBT_TARGET": settings.warehouse}
    values = {name: os.environ.get(name, value) for name, value in defaults.items()}
    values["DBT_LOG_PATH"] = os.environ.get("DBT_LOG_PATH", values["DBT_TARGET_PATH"])
    return {"STORE_PIPELINE_HOME": str(Path(settings.home).resolve()), **values}
