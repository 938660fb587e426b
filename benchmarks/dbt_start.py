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
import time
from pathlib import Path

from common import BIN, DAGSTER_IMPORT, REPO, import_seconds

DBT_DIR = REPO / "store_pipeline_dbt"
NOTHING = ["build", "--quiet", "--select", "tag:__nothing__"]
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


def cli_start(env: dict[str, str], target: Path) -> float:
    began = time.perf_counter()
    subprocess.run([str(BIN / "dbt"), *NOTHING, "--target-path", str(target)], cwd=DBT_DIR,
                   env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - began


def in_process_start(env: dict[str, str], target: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", IN_PROCESS, *NOTHING, "--target-path",
                          str(target)], cwd=DBT_DIR, env=env, check=True, text=True,
                         capture_output=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="dbt-start-") as home:
        env = {**os.environ, "STORE_PIPELINE_HOME": home, "PYTHONPATH": str(REPO)}
        target = Path(home) / "target"
        cli_start(env, target)  # the first parses the project in full: not counted
        imports, cli, inside = [], [], []
        for _ in range(runs):
            imports += import_seconds(DAGSTER_IMPORT, 1)
            cli.append(cli_start(env, target))
            inside.append(in_process_start(env, target))
    base = statistics.median(imports)
    figures = {"dagster_import_s": base, "cli_s": statistics.median(cli),
               "in_process_import_s": statistics.median(r["import_s"] for r in inside),
               "in_process_invoke_s": statistics.median(r["invoke_s"] for r in inside)}
    in_process = figures["in_process_import_s"] + figures["in_process_invoke_s"]
    print(f"{DAGSTER_IMPORT}: {base:.2f} s (median of {runs})")
    print(f"dbt's start from the CLI: {figures['cli_s']:.2f} s = {figures['cli_s'] / base:.2f}x")
    print(f"dbt's start in a run's process: {in_process:.2f} s = {in_process / base:.2f}x "
          f"(import {figures['in_process_import_s']:.2f} s, first invocation "
          f"{figures['in_process_invoke_s']:.2f} s)")


if __name__ == "__main__":
    main()
