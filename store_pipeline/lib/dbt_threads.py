"""How many dbt models at once a run window fits into DuckDB's memory limit.

dbt's threads are models built at once, each query already parallel inside DuckDB and every one
sharing the one memory limit. A day or a quarter of a small chain fits the profile's four many
times over; a year of 20 stores (8 million sale lines) ran two at once out of 2 GB.
"""

import re
from functools import cache

import yaml

from store_pipeline.lib.dbt_manifest import DBT_PROJECT_DIR

# Sale lines one model at a time may cover per GB of the memory limit.
SALE_LINES_PER_GB = 1_500_000
_UNITS = {"": 1, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12,
          "KI": 2**10, "MI": 2**20, "GI": 2**30, "TI": 2**40}


def memory_bytes(limit: str) -> int:
    """DuckDB's memory_limit text (``2GB``, ``1.5 GiB``, ``512MB``) in bytes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]I?)?B?\s*", limit.upper())
    if not match:
        raise ValueError(f"not a memory limit: {limit!r} (e.g. 2GB, 1.5GiB, 512MB)")
    return int(float(match[1]) * _UNITS[match[2] or ""])


@cache
def profile_threads() -> int:
    """The threads of profiles.yml's duckdb target: the most a window is given."""
    profiles = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text())
    return int(profiles["store_pipeline"]["outputs"]["duckdb"]["threads"])


def model_threads(sale_lines: int, memory_limit: str) -> int:
    """Models at once for a window of ``sale_lines``: as many as the memory limit holds, at
    least one, at most the profile's."""
    budget = memory_bytes(memory_limit) / 10**9 * SALE_LINES_PER_GB
    return max(1, min(profile_threads(), int(budget // max(sale_lines, 1))))
