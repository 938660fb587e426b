"""Settings read from the environment (and a ``.env`` file in the working directory)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from dotenv import load_dotenv

from store_pipeline.lib.data_folders import DataFolders

DEFAULT_TIMEZONE = "America/New_York"
DEFAULT_START_DATE = "2025-01-01"


@dataclass(frozen=True)
class Settings(DataFolders):
    """Where the data lives and how the chain's calendar works."""

    home: Path
    outbox: Path
    timezone: str
    start_date: date
    warehouse: str = "duckdb"  # or "sqlserver": also the dbt target

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def yesterday(self) -> date:
        """The business date before today's, on the chain's clock."""
        return datetime.now(self.tz).date() - timedelta(days=1)


def load_environment() -> None:
    """Add the ``.env`` file of the working directory to the environment (what is already set
    wins); the CLI and the code location do this once, at start."""
    load_dotenv(override=False)


def load_settings() -> Settings:
    """Read the ``STORE_PIPELINE_*`` settings; paths are made absolute. The environment is
    left as it is."""
    home = Path(os.environ.get("STORE_PIPELINE_HOME", "var")).resolve()
    outbox = Path(os.environ.get("STORE_PIPELINE_OUTBOX", home / "pos_outbox")).resolve()
    timezone = os.environ.get("STORE_PIPELINE_TIMEZONE", DEFAULT_TIMEZONE)
    ZoneInfo(timezone)  # fail early on an unknown zone
    start = date.fromisoformat(os.environ.get("STORE_PIPELINE_START_DATE", DEFAULT_START_DATE))
    warehouse = os.environ.get("STORE_PIPELINE_WAREHOUSE", "duckdb").strip().lower()
    return Settings(home=home, outbox=outbox, timezone=timezone, start_date=start,
                    warehouse=warehouse)
