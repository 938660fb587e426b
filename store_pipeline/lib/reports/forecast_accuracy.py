"""The forecast-accuracy page of a week: the backtest's overall figures and its table per
store x category, model beside the seasonal-naive baseline."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from store_pipeline.lib.reports import fmt
from store_pipeline.lib.reports.page import Column, grid, no_data_page, page, section, table
from store_pipeline.lib.reports.tiles import tile, tiles

if TYPE_CHECKING:
    import pandas as pd

TITLE = "Forecast accuracy"
NAME = "forecast_accuracy"
COLUMNS = (
    Column("store_code", "Store"), Column("category", "Category"),
    Column("actual_units", "Units sold", fmt.count, numeric=True),
    Column("wape", "WAPE", fmt.pct, numeric=True),
    Column("wape_baseline", "WAPE seasonal naive", fmt.pct, numeric=True),
    Column("mase", "MASE", lambda v: fmt.number(v, 2), numeric=True),
    Column("mase_baseline", "MASE seasonal naive", lambda v: fmt.number(v, 2), numeric=True),
    Column("coverage", "In 80 % interval", fmt.pct, numeric=True),
)


def accuracy_page(week: date, table_rows: pd.DataFrame, figures: dict[str, float] | None,
                  note: str) -> str:
    """The page of the backtest ending before ``week``; without ``figures``, why there is none."""
    title = f"{TITLE} — week of {week.isoformat()}"
    if figures is None:
        return no_data_page(title, note, heading="No backtest")
    overall = tiles([
        tile("wape", "WAPE (model)", figures["wape"], fmt.pct),
        tile("wape_baseline", "WAPE (seasonal naive)", figures["wape_baseline"], fmt.pct),
        tile("wape_gain", "WAPE lower by", figures["wape_gain"], fmt.pct),
        tile("mase", "MASE (model)", figures["mase"], lambda v: fmt.number(v, 2)),
        tile("mase_baseline", "MASE (seasonal naive)", figures["mase_baseline"],
             lambda v: fmt.number(v, 2)),
        tile("coverage", "Actuals inside the 80 % interval", figures["coverage"], fmt.pct),
    ])
    detail = section("Per store and category", table(table_rows, COLUMNS), note=note, wide=True)
    return page(title, "Rolling-origin backtest of the demand forecast", overall + grid(detail),
                charts=False)


def markdown_table(table_rows: pd.DataFrame) -> str:
    """The accuracy table as Markdown, for the asset's metadata in the UI."""
    head = "| " + " | ".join(c.header for c in COLUMNS) + " |"
    rule = "|" + "|".join(" ---: " if c.numeric else " --- " for c in COLUMNS) + "|"
    lines = [head, rule]
    for row in table_rows.to_dict("records"):
        cells = [c.format(row[c.key]) for c in COLUMNS]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)
