"""The folders of a data home, for whatever names its root ``home``."""

from __future__ import annotations

from pathlib import Path


class DataFolders:
    """Landing, warehouse, exports, reports, dbt and Dagster folders under ``self.home``
    (a path or a string)."""

    home: Path | str

    @property
    def landing(self) -> Path:
        return Path(self.home) / "landing"

    @property
    def warehouse_path(self) -> Path:
        return Path(self.home) / "warehouse.duckdb"

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

    @property
    def dagster_home(self) -> Path:
        return Path(self.home) / "dagster_home"
