"""The dbt project's manifest, which the code location's dbt assets are built from.

It is written by ``dbt parse`` ahead of time (``make dbt-parse``, and the CLI before any command
that loads the code location), never while the code location is imported.
"""

from __future__ import annotations

import sys
from pathlib import Path

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "store_pipeline_dbt"
MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
# The dbt installed beside this interpreter, whether or not its bin/ is on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
_SOURCE_FOLDERS = ("models", "macros", "seeds", "tests", "snapshots")


def manifest_is_stale() -> bool:
    """True when the manifest is missing or older than any file of the dbt project."""
    if not MANIFEST.exists():
        return True
    built = MANIFEST.stat().st_mtime
    sources = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in _SOURCE_FOLDERS:
        sources += (DBT_PROJECT_DIR / folder).rglob("*")
    return any(p.is_file() and p.stat().st_mtime > built for p in sources)

