"""The Dagster instance under the data home, set up on first use."""

from __future__ import annotations

import json
import os
from pathlib import Path
from string import Template

import dagster as dg

from store_pipeline.settings import Settings

_TEMPLATE = Path(__file__).with_name("dagster.yaml")


def ensure_dagster_home(settings: Settings) -> Path:
    """Point DAGSTER_HOME at the data home (unless set) and give it our dagster.yaml."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home)))
    if not (home / "dagster.yaml").exists():
        write_instance_config(home)
    return home


def write_instance_config(dagster_home: Path) -> Path:
    """``dagster_home/dagster.yaml`` from our template (the event log under ``history/runs``,
    where Dagster keeps it by default)."""
    dagster_home.mkdir(parents=True, exist_ok=True)
    text = Template(_TEMPLATE.read_text()).safe_substitute(
        event_log_dir=json.dumps(str(dagster_home.resolve() / "history" / "runs")))
    config = dagster_home / "dagster.yaml"
    config.write_text(text)
    return config


def get_instance(settings: Settings) -> dg.DagsterInstance:
    ensure_dagster_home(settings)
    return dg.DagsterInstance.get()
