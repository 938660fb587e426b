"""The Dagster instance under the data home, set up on first use."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg

from store_pipeline.settings import Settings

_TEMPLATE = Path(__file__).with_name("dagster.yaml")


def ensure_dagster_home(settings: Settings) -> Path:
    """Point DAGSTER_HOME at the data home (unless set) and give it our dagster.yaml."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home)))
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        shutil.copyfile(_TEMPLATE, config)
    return home


def get_instance(settings: Settings) -> dg.DagsterInstance:
    ensure_dagster_home(settings)
    return dg.DagsterInstance.get()
