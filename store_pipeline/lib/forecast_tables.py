"""Tables the forecasting assets write into the warehouse (schema ``forecasts``), which dbt
reads as sources: their columns, in portable types, and the SQL that replaces one forecast.

A forecast run replaces the rows of its ``forecast_date`` only, so re-running a week gives the
same table and other weeks stay as they were.
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMA = "forecasts"
UNITS = "decimal(19,4)"


@dataclass(frozen=True)
class ForecastTable:
    """A table of schema ``forecasts`` keyed by ``forecast_date``."""

    name: str
    columns: tuple[tuple[str, str], ...]

    @property
    def column_names(self) -> list[str]:
        return [name for name, _ in self.columns]

    def create_sql(self, quote: str = '"') -> str:
        """CREATE TABLE with the columns quoted by ``quote`` ('"' or '[')."""
        close = "]" if quote == "[" else quote
        columns = ", ".join(f"{quote}{name}{close} {kind}" for name, kind in self.columns)
        return f"CREATE TABLE {SCHEMA}.{self.name} ({columns})"


DEMAND_FORECAST = ForecastTable("demand_forecast", (
    ("forecast_date", "date"), ("store_code", "varchar(32)"), ("sku", "varchar(64)"),
    ("category", "varchar(128)"), ("target_date", "date"), ("units", UNITS),
    ("lower", UNITS), ("upper", UNITS)))
