"""``demand_forecast.csv``: a forecast's rows under exports/<forecast date>/, written as the
other exports are (atomic, RFC 4180, text neutralised against formulas)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from store_pipeline.lib.csv_export import Export, write_rows_export
from store_pipeline.lib.forecast_tables import DEMAND_FORECAST

if TYPE_CHECKING:
    import pandas as pd

DEMAND_EXPORT = Export("demand_forecast", DEMAND_FORECAST.name,
                       ("store_code", "category", "sku", "target_date"))


def write_forecast_export(frame: pd.DataFrame, exports_dir: Path,
                          forecast_date: date) -> tuple[Path, int]:
    """Write ``frame`` (``forecast_demand``'s layout) as the export of ``forecast_date``."""
    columns = DEMAND_FORECAST.column_names
    rows = [tuple(None if value is None else value for value in row)
            for row in frame[columns].itertuples(index=False, name=None)]
    return write_rows_export(lambda _table, _day: (columns, rows), exports_dir, forecast_date,
                             DEMAND_EXPORT)
