"""dbt's commands in tests, as a user runs them on a data home: ``store-pipeline dbt``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from store_pipeline.internals.dbt_command import CLI_FOLDER

STORE_PIPELINE = str(Path(sys.executable).with_name("store-pipeline"))


def run_dbt(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """``store-pipeline dbt <args>`` on ``home``'s DuckDB warehouse, ``env`` added."""
    env = {**os.environ, "STORE_PIPELINE_HOME": str(home), "STORE_PIPELINE_WAREHOUSE": "duckdb",
           **env}
    return subprocess.run([STORE_PIPELINE, "dbt", *args], env=env, capture_output=True,
                          text=True, timeout=600)


def dbt_target(home: Path) -> Path:
    """Where ``run_dbt`` leaves dbt's artifacts and log."""
    return home / "dbt" / CLI_FOLDER
