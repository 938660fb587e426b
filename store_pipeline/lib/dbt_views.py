"""Which dbt views a run may leave as they are: those no data test reads whose definition is
unchanged since they were last created in this warehouse, and which the warehouse still has.

A view holds no data, so the nightly run need not recreate it: its SQL, config, the macros it
calls, the project file (vars), the target and dbt's version make its fingerprint, recorded
per data home in ``views_built.json`` after each run that created it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

EXISTING_VIEWS_SQL = (
    "SELECT table_schema, table_name FROM information_schema.tables "
    "WHERE table_type = 'VIEW'"
)
STATE_FILE = "views_built.json"


def existing_views(cursor: Any) -> set[tuple[str, str]]:
    """(schema, name) of every view a DB-API cursor's database has, lower-cased."""
    cursor.execute(EXISTING_VIEWS_SQL)
    return {(schema.lower(), name.lower()) for schema, name in cursor.fetchall()}


def view_nodes(manifest: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The manifest's view models that no data test reads, by unique id. (dbt leaves out the
    tests of a model left out of a run, so a view with tests is created every run.)"""
    tested = {parent for node in manifest["nodes"].values() if node["resource_type"] == "test"
              for parent in node["depends_on"]["nodes"]}
    return {uid: node for uid, node in manifest["nodes"].items()
            if node["resource_type"] == "model" and node["config"]["materialized"] == "view"
            and uid not in tested}


def fingerprint(manifest: Mapping[str, Any], node: Mapping[str, Any], project_text: str,
                target: str) -> str:
    """What a view's created definition depends on, hashed."""
    macros = [manifest["macros"][m]["macro_sql"] for m in sorted(node["depends_on"]["macros"])
              if m in manifest["macros"]]
    parts = [node["raw_code"], node["config"], macros, project_text, target,
             manifest["metadata"]["dbt_version"]]
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


class BuiltViews:
    """The fingerprints of the views last created in one warehouse, kept in ``folder``."""

    def __init__(self, folder: Path):
        self.path = folder / STATE_FILE

    def _read(self) -> dict[str, str]:
        try:
            return json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError):
            return {}

    def unchanged(self, fingerprints: Mapping[str, str], nodes: Mapping[str, Mapping[str, Any]],
                  existing: set[tuple[str, str]]) -> list[str]:
        """The unique ids among ``fingerprints`` created with that fingerprint and still in
        ``existing``, sorted."""
        built = self._read()
        return sorted(uid for uid, value in fingerprints.items() if built.get(uid) == value
                      and (nodes[uid]["schema"].lower(), nodes[uid]["alias"].lower()) in existing)

    def record(self, fingerprints: Mapping[str, str], created: Iterable[str]) -> None:
        """Remember that the views ``created`` now have their ``fingerprints``."""
        state = self._read() | {uid: fingerprints[uid] for uid in created}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        part = self.path.with_name(self.path.name + ".part")
        part.write_text(json.dumps(state, indent=1, sort_keys=True))
        os.replace(part, self.path)
