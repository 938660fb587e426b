"""One dbt parse state for every DuckDB data home: the warehouse's folder left out of it.

dbt parses the whole project again (some 7 s here, against 1 s for a partial parse) when the
connection details of its profile differ from those its saved parse state was made with. A
DuckDB home's warehouse path is one of them, so every new data home parsed in full, though
nothing dbt parses depends on the folder the warehouse lies in. In the processes that run dbt
for the pipeline, the profile's hash is made of the warehouse file's name instead of its path,
every other detail as it is; so a new home starts from the state ``python -m
store_pipeline.internals.dbt_parse_state`` (``make dbt-parse``) leaves in the project's target
folder, which dagster-dbt copies into a run's target when the home has no state of its own.
Any other change of the profile (the target, DuckDB's settings, another file name) still makes
dbt parse in full.

``ManifestLoader.build_manifest_state_check`` is dbt's, not its public API:
``test_dbt_parse_state.py`` fails if this stops working.
"""

from __future__ import annotations

import pprint
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from store_pipeline.lib.dbt_manifest import DBT_PROJECT_DIR, manifest_is_stale

_IN_MEMORY = ":memory:"


def folder_free_parse_state() -> None:
    """From now on in this process, dbt's parse state does not depend on the folder of a
    DuckDB warehouse (once per process; later calls change nothing)."""
    from dbt.parser.manifest import ManifestLoader

    original = ManifestLoader.build_manifest_state_check
    if getattr(original, "folder_free", False):
        return

    def build_manifest_state_check(self: ManifestLoader):
        state = original(self)
        state.profile_hash = profile_hash(self.root_project.credentials)
        return state

    build_manifest_state_check.folder_free = True
    ManifestLoader.build_manifest_state_check = build_manifest_state_check


def profile_hash(credentials: Any):
    """dbt's hash of a profile's connection details, a DuckDB path as its file's name."""
    from dbt.contracts.files import FileHash

    details = sorted(_folder_free(credentials.type, credentials.connection_info()))
    return FileHash.from_contents(pprint.pformat(details))


def _folder_free(adapter: str, details: Iterable[tuple[str, Any]]) -> Iterable[tuple[str, Any]]:
    for key, value in details:
        if adapter == "duckdb" and key == "path" and value and value != _IN_MEMORY:
            value = Path(value).name
        yield key, value


def ensure_manifest() -> None:
    """``main`` in a process of its own when the manifest is missing or stale (an edited or
    fresh checkout)."""
    if manifest_is_stale():
        subprocess.run([sys.executable, "-m", __name__], check=True)


def main() -> int:
    """``dbt parse`` of the project for the settings' target: the manifest the definitions are
    built from, and the parse state a new data home starts from."""
    from dbt.cli.main import dbtRunner

    from store_pipeline.lib.settings import load_settings

    folder_free_parse_state()
    project = str(DBT_PROJECT_DIR)
    result = dbtRunner().invoke(["parse", "--quiet", "--project-dir", project, "--profiles-dir",
                                 project, "--target", load_settings().warehouse])
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
