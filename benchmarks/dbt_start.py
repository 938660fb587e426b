"""dbt's start-up against Dagster's import: what every dbt run pays before its first node.

    .venv/bin/python benchmarks/dbt_start.py [--runs 5]

Alternated, in fresh processes: ``import dagster, dagster_dbt``; a ``dbt build`` that selects
nothing from the CLI (the interpreter, dbt's import, the project from its partial parse
state); and the same build through ``dbtRunner`` inside a process that has already imported
dagster_dbt and built the definitions, as a run's step does (its dbt import and first
invocation timed there). Prints the medians and their ratios to the import.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from pathlib import Path

from common import DAGSTER_IMPORT, REPO, dbt_in_process_start, dbt_start_seconds, import_seconds


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
            inside.append(dbt_in_process_start(env, target))
    base, from_cli = statistics.median(imports), statistics.median(cli)
    imported = statistics.median(r["import_s"] for r in inside)
    invoked = statistics.median(r["invoke_s"] for r in inside)
    print(f"{DAGSTER_IMPORT}: {base:.2f} s (median of {runs})")
    print(f"dbt's start from the CLI: {from_cli:.2f} s = {from_cli / base:.2f}x")
    print(f"dbt's start in a run's process (the pipeline's): {imported + invoked:.2f} s = "
          f"{(imported + invoked) / base:.2f}x (import {imported:.2f} s, first invocation "
          f"{invoked:.2f} s)")

if __name__ == "__main__":
    main()
