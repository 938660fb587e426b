"""``store-pipeline dbt`` against plain ``dbt``: a user's dbt commands on a data home.

    .venv/bin/python benchmarks/dbt_command.py [--runs 3]

Alternated, each run in two new homes holding the raw layer's empty tables: the same ``dbt
run --empty`` of ``rpt_daily_sales`` and what it reads, twice in a row in each home, once by
``dbt`` (its artifacts in the home's ``target/``) and once by ``store-pipeline dbt``. The first
command in a home is what a new home pays (``dbt`` parses the project in full there), the
second what each later command pays. Prints the medians, their ratios, and ``import dagster,
dagster_dbt`` measured alongside.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import duckdb
from common import BIN, DAGSTER_IMPORT, import_seconds

from store_pipeline.lib.dbt_manifest import DBT_PROJECT_DIR
from store_pipeline.lib.ingest.landing import create_raw_tables

COMMAND = ["run", "--empty", "--select", "+rpt_daily_sales"]


def _new_home(root: Path, name: str) -> Path:
    home = root / name
    home.mkdir()
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    create_raw_tables(con)
    con.close()
    return home


def _seconds(command: list[str], home: Path) -> float:
    env = {**os.environ, "STORE_PIPELINE_HOME": str(home), "STORE_PIPELINE_WAREHOUSE": "duckdb"}
    began = time.perf_counter()
    subprocess.run(command, cwd=DBT_PROJECT_DIR, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - began


def _two_commands(command: list[str], home: Path) -> tuple[float, float]:
    return _seconds(command, home), _seconds(command, home)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    times: dict[str, list[tuple[float, float]]] = {"dbt": [], "store-pipeline dbt": []}
    imports: list[float] = []
    with tempfile.TemporaryDirectory(prefix="dbt-command-") as root:
        for k in range(runs):
            home = _new_home(Path(root), f"dbt-{k}")
            plain = [str(BIN / "dbt"), *COMMAND, "--target-path", str(home / "target")]
            times["dbt"].append(_two_commands(plain, home))
            home = _new_home(Path(root), f"ours-{k}")
            times["store-pipeline dbt"].append(
                _two_commands([str(BIN / "store-pipeline"), "dbt", *COMMAND], home))
            imports += import_seconds(DAGSTER_IMPORT, 1)
    base = statistics.median(imports)
    print(f"{DAGSTER_IMPORT}: {base:.2f} s (median of {runs})")
    medians = {}
    for name, pairs in times.items():
        medians[name] = [statistics.median(p[i] for p in pairs) for i in (0, 1)]
        first, later = medians[name]
        print(f"{name} {' '.join(COMMAND)}: new home {first:.2f} s ({first / base:.2f}x the "
              f"import), the next command {later:.2f} s ({later / base:.2f}x)")
    ours, plain = medians["store-pipeline dbt"], medians["dbt"]
    print(f"store-pipeline dbt / dbt: new home {ours[0] / plain[0]:.2f}, "
          f"the next command {ours[1] / plain[1]:.2f}")


if __name__ == "__main__":
    main()
