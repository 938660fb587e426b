"""dbt's start-up against Dagster's import: what every dbt run pays before its first node.

    .venv/bin/python benchmarks/dbt_start.py [--runs 5]

Alternated, in fresh processes: ``import dagster, dagster_dbt``; a ``dbt build`` that selects
nothing from the CLI (the interpreter, dbt's import, the project from its partial parse
state); and the same build through ``dbtRunner`` inside a process that has already imported
dagster_dbt and built the definitions, as a run's step would (its dbt import and first
invocation timed there). Prints the medians and their ratios to the import.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import DAGSTER_IMPORT, DBT_NOTHING, REPO, dbt_start_seconds, import_seconds

from store_pipeline.lib.dbt_manifest import DBT_PROJECT_DIR

IN_PROCESS = """
import json, sys, time
import store_pipeline.definitions as d
d.defs()
began = time.perf_counter()
from dbt.cli.main import dbtRunner
imported = time.perf_counter()
assert dbtRunner().invoke(sys.argv[1:]).success
print(json.dumps({"import_s": imported - began, "invoke_s": time.perf_counter() - imported}))
"""


def in_process_start(env: dict[str, str], target: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", IN_PROCESS, *DBT_NOTHING, "--target-path",
                          str(target)], cwd=DBT_PROJECT_DIR, env=env, check=True, text=True,
                         capture_output=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="dbt-start-") as home:
        env = {**os.environ, "STORE_PIPELINE_HOME": home, "PYTHONPATH": str(REPO)}
        target = Path(home) / "target"
        dbt_start_seconds(env, target)  # the first parses the project in full: not counted
        imports, cli, inside = [], [], []
        for _ in range(runs):
            imports += import_seconds(DAGSTER_IMPORT, 1)
            cli.append(dbt_start_seconds(env, target))
            inside.append(in_process_start(env, target))
    base, from_cli = statistics.median(imports), statistics.median(cli)
    imported = statistics.median(r["import_s"] for r in inside)
    invoked = statistics.median(r["invoke_s"] for r in inside)
    print(f"{DAGSTER_IMPORT}: {base:.2f} s (median of {runs})")
    print(f"dbt's start from the CLI: {from_cli:.2f} s = {from_cli / base:.2f}x")
    print(f"dbt's start in a run's process: {imported + invoked:.2f} s = "
          f"{(imported + invoked) / base:.2f}x (import {imported:.2f} s, first invocation "
          f"{invoked:.2f} s)")

if __name__ == "__main__":
    main()
