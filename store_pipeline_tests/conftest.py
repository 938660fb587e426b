"""Test settings: one temporary data home for the session, set before the code location loads."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_HOME = Path(tempfile.mkdtemp(prefix="store-pipeline-test-"))
os.environ.update({
    "STORE_PIPELINE_HOME": str(_HOME),
    "STORE_PIPELINE_OUTBOX": str(_HOME / "pos_outbox"),
    "STORE_PIPELINE_START_DATE": "2026-01-01",
    "STORE_PIPELINE_TIMEZONE": "America/New_York",
    "DAGSTER_HOME": str(_HOME / "dagster_home"),
})

from store_pipeline.instance.config import ensure_dagster_home  # noqa: E402
from store_pipeline.lib.settings import load_settings  # noqa: E402

ensure_dagster_home(load_settings())
