"""A daily partition with dbt's templates compiled in a run before, and compiled afresh.

Runs the daily job for the last day of chain-S (``store-pipeline backfill --only daily``) on a
data home ``end_to_end.py`` built, alternately without and with the home's compiled templates
(``dbt/jinja_code.marshal``, removed before each cold run), after ``import dagster,
dagster_dbt`` each time::

    .venv/bin/python benchmarks/jinja_code.py benchmarks/results/runs/<time>/chain-S --runs 3
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from common import DAGSTER_IMPORT, import_seconds
from end_to_end import CHAINS, END, _env, outbox_for, timed_cli

from store_pipeline.internals.jinja_code import CACHE_FILE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home", type=Path, help="a chain-S data home built by end_to_end.py")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    chain = CHAINS["S"]
    home = args.home.resolve()
    env = _env(home, outbox_for(chain), chain)
    day = ["backfill", "--start", END.isoformat(), "--end", END.isoformat(), "--only", "daily"]
    seconds: dict[str, list[float]] = {"cold": [], "compiled before": [], "import": []}
    timed_cli(day, env, home.with_name("jinja-warm-up.log"))  # the file exists afterwards
    for n in range(args.runs):
        for kind in ("cold", "compiled before"):
            if kind == "cold":
                (home / "dbt" / CACHE_FILE).unlink()
            seconds["import"] += import_seconds(DAGSTER_IMPORT, 1)
            log = home.with_name(f"jinja-{kind.replace(' ', '-')}-{n}.log")
            seconds[kind].append(timed_cli(day, env, log)[0])
    median = {kind: statistics.median(values) for kind, values in seconds.items()}
    for kind, values in seconds.items():
        print(f"{kind}: median {median[kind]:.2f} s ({', '.join(f'{v:.2f}' for v in values)})"
              + ("" if kind == "import" else f" = {median[kind] / median['import']:.2f}x "
                                             "the import"))
    print(f"compiled before / cold: {median['compiled before'] / median['cold']:.3f}")


if __name__ == "__main__":
    main()
