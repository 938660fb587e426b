"""dbt unit tests of the KPI formulas, on an empty DuckDB warehouse with the raw layer's shape."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from store_pipeline.assets.dbt import DBT_PROJECT_DIR
from store_pipeline.ingest.restore import create_raw_tables

DBT = str(Path(sys.executable).with_name("dbt"))


def _dbt(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "STORE_PIPELINE_HOME": str(home)}
    return subprocess.run([DBT, *args, "--target-path", str(home / "target")], cwd=DBT_PROJECT_DIR,
                          env=env, capture_output=True, text=True, timeout=600)


def test_kpi_unit_tests_pass(tmp_path: Path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    create_raw_tables(con)
    con.close()
    empty = _dbt(tmp_path, "run", "--empty")
    assert empty.returncode == 0, empty.stdout[-3000:]
    unit = _dbt(tmp_path, "test", "--select", "test_type:unit")
    assert unit.returncode == 0, unit.stdout[-3000:]
    assert " PASS=" in unit.stdout and " ERROR=0 " in unit.stdout
