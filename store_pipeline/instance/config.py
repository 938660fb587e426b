"""The Dagster instance under the data home: ``DAGSTER_HOME/dagster.yaml`` and its storage.

The embedded default keeps runs, the event log and schedules in SQLite under ``DAGSTER_HOME``,
the event log through ``store_pipeline.internals.event_log`` (SQLite speed-ups that apply to
it alone).
With ``STORE_PIPELINE_DAGSTER_POSTGRES_URL`` set they all live in PostgreSQL (Dagster's own
storage over connections kept open, ``store_pipeline.internals.postgres_storage``); the file
names the variable (``env:``), never its value, so the password stays in the environment of
the command line, the UI, the daemon and the webserver.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

import dagster as dg

from store_pipeline.lib.settings import Settings

POSTGRES_URL_ENV = "STORE_PIPELINE_DAGSTER_POSTGRES_URL"
_TEMPLATE = Path(__file__).with_name("dagster.yaml")
GENERATED = ("# Written by store-pipeline from store_pipeline/instance/dagster.yaml; rewritten to"
             " match the settings.\n")

SQLITE_STORAGE = """\
# Dagster's SQLite event log under $DAGSTER_HOME/history/runs, writing the per-partition events
# of a range run in batches (store_pipeline/internals/event_log.py).
event_log_storage:
  module: store_pipeline.internals.event_log
  class: BatchingSqliteEventLogStorage
  config:
    base_dir: ${event_log_dir}
"""
POSTGRES_STORAGE = f"""\
# Runs, event log and schedules in PostgreSQL, at the address in ${POSTGRES_URL_ENV}: Dagster's
# storage over connections kept open (store_pipeline/internals/postgres_storage.py).
storage:
  custom:
    module: store_pipeline.internals.postgres_storage
    class: PooledPostgresStorage
    config:
      postgres_url:
        env: {POSTGRES_URL_ENV}
"""


def postgres_url() -> str | None:
    """The PostgreSQL address of the instance's storage, or None for the embedded default."""
    return os.environ.get(POSTGRES_URL_ENV, "").strip() or None


def storage_kind() -> str:
    return "postgres" if postgres_url() else "sqlite"


def describe_postgres(url: str) -> str:
    """``postgresql://user@host:port/db``: the address without its password."""
    parts = urlsplit(url)
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{user}{parts.hostname}{port}{parts.path}"


def ensure_dagster_home(settings: Settings) -> Path:
    """Point DAGSTER_HOME at the data home (unless set) and give it the dagster.yaml the
    settings call for (a dagster.yaml written by hand is left as it is)."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home)))
    config = home / "dagster.yaml"
    if not config.exists() or (config.read_text().startswith(GENERATED)
                               and config.read_text() != instance_config(home)):
        write_instance_config(home)
    return home


def instance_config(dagster_home: Path) -> str:
    """The text of ``dagster_home/dagster.yaml`` for the storage in force."""
    storage = POSTGRES_STORAGE if postgres_url() else Template(SQLITE_STORAGE).safe_substitute(
        event_log_dir=json.dumps(str(dagster_home.resolve() / "history" / "runs")))
    return GENERATED + Template(_TEMPLATE.read_text()).safe_substitute(storage=storage)


def write_instance_config(dagster_home: Path) -> Path:
    """Write ``dagster_home/dagster.yaml`` for the storage in force."""
    dagster_home.mkdir(parents=True, exist_ok=True)
    config = dagster_home / "dagster.yaml"
    config.write_text(instance_config(dagster_home))
    return config


def get_instance(settings: Settings) -> dg.DagsterInstance:
    ensure_dagster_home(settings)
    return dg.DagsterInstance.get()
