"""The data home: landing folder, exports and reports under one root."""

from __future__ import annotations

from pathlib import Path

import dagster as dg


class DataHome(dg.ConfigurableResource):
    """Folders under ``STORE_PIPELINE_HOME`` that assets write to."""

    home: str

    @property
    def landing(self) -> Path:
        return Path(self.home) / "landing"

    @property
    def exports(self) -> Path:
        return Path(self.home) / "exports"

    @property
    def reports(self) -> Path:
        return Path(self.home) / "reports"

    @property
    def dbt(self) -> Path:
        """dbt's run folders and saved parse state."""
        return Path(self.home) / "dbt"
