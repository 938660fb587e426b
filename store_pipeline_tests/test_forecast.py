"""The demand forecast on small generated series: series grain, features, the model against
seasonal naive, the backtest's metrics, the table and the export."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from store_pipeline.lib.forecast.backtest import (
    ALL,
    accuracy,
    backtest_origins,
    backtest_rows,
    overall,
)
from store_pipeline.lib.forecast.demand import History, forecast_demand
from store_pipeline.lib.forecast.export import write_forecast_export
from store_pipeline.lib.forecast.features import Calendar, origin_rows
from store_pipeline.lib.forecast.panel import build_panel, open_days
from store_pipeline.lib.forecast_tables import DEMAND_FORECAST

FIRST = date(2026, 1, 5)  # a Monday
WEEKDAY = np.array([0.8, 0.8, 0.9, 1.0, 1.2, 1.6, 0.7])


def _calendar(days: int = 140) -> Calendar:
    rows = [[(FIRST + timedelta(days=k)).isoweekday(), 1 + k // 28, 1 + k // 7, 0, 28]
            for k in range(days)]
    return Calendar(first=FIRST, values=np.array(rows, dtype=float))


def _stores(days: int, codes=("S1",), closed=()) -> pd.DataFrame:
    rows = [(code, FIRST + timedelta(days=k), 0 if FIRST + timedelta(days=k) in closed else 50)
            for code in codes for k in range(days)]
    return open_days(pd.DataFrame(rows, columns=["store_code", "business_date", "transactions"]))


def _sales(days: int, items: int, seed: int = 3) -> pd.DataFrame:
    """Poisson units with a weekday profile and a level per item, two stores."""
    rng = np.random.default_rng(seed)
    rows = []
    for store in ("S1", "S2"):
        for item in range(items):
            level = rng.uniform(1.0, 8.0)
            for k in range(days):
                units = rng.poisson(level * WEEKDAY[k % 7])
                if units:
                    rows.append((store, f"SKU{item:03d}", f"CAT{item % 3}",
                                 FIRST + timedelta(days=k), float(units)))
    return pd.DataFrame(rows, columns=["store_code", "sku", "category", "business_date",
                                       "units_sold"])


def test_rare_items_are_summed_per_category_and_closed_days_are_unknown():
    day = [FIRST + timedelta(days=k) for k in range(28)]
    sales = pd.DataFrame(
        [("S1", "DAILY", "Snacks", d, 2.0) for d in day]
        + [("S1", "RARE1", "Snacks", day[3], 1.0), ("S1", "RARE2", "Snacks", day[3], 4.0),
           ("S1", "RARE2", "Snacks", day[9], 1.0)],
        columns=["store_code", "sku", "category", "business_date", "units_sold"])
    panel = build_panel(sales, _stores(28, closed=(day[20],)), FIRST + timedelta(days=28))
    keys = list(panel.keys.itertuples(index=False, name=None))
    assert keys == [("S1", "DAILY", "Snacks"), ("S1", None, "Snacks")]
    assert panel.values[1, 3] == 5.0 and panel.values[1, 9] == 1.0
    assert panel.values[1, 4] == 0.0
    assert np.isnan(panel.values[:, 20]).all()


def test_seasonal_naive_is_the_same_weekday_of_the_last_week_before_the_origin():
    sales = pd.DataFrame([("S1", "A", "C", FIRST + timedelta(days=k), float(k + 1))
                          for k in range(21)],
                         columns=["store_code", "sku", "category", "business_date", "units_sold"])
    panel = build_panel(sales, _stores(21), FIRST + timedelta(days=21))
    _, _, naive = origin_rows(panel, 21, _calendar(), horizon=14)
    # Day 21 (h=1) and day 28 (h=8) are weekday 0: both take day 14's 15 units.
    assert naive[0] == 15.0 and naive[7] == 15.0 and naive[6] == 21.0


@pytest.fixture(scope="module")
def backtest():
    days = 63
    sales = _sales(days, items=12)
    stores = _stores(days, codes=("S1", "S2"))
    rows = backtest_rows(sales, stores, _calendar())
    return rows, accuracy(rows)


def test_backtest_has_four_origins_a_week_apart_scored_on_known_days(backtest):
    rows, _ = backtest
    last = FIRST + timedelta(days=62)
    assert sorted(rows.origin.unique()) == backtest_origins(FIRST, last)
    assert len(rows.origin.unique()) == 4
    assert rows.target_date.max() == last
    assert (rows.target_date >= rows.origin).all()
    assert backtest_origins(FIRST, FIRST + timedelta(days=54)) == []


def test_model_beats_seasonal_naive_with_a_calibrated_interval(backtest):
    _, table = backtest
    figures = overall(table)
    assert figures["wape"] < 0.9 * figures["wape_baseline"]
    assert figures["mase"] < figures["mase_baseline"]
    assert 0.6 <= figures["coverage"] <= 0.95
    per_category = table[table.category != ALL]
    assert set(per_category.store_code) == {"S1", "S2"}
    assert len(per_category) == 6


def test_wape_and_mase_follow_their_definitions():
    rows = pd.DataFrame({
        "store_code": ["S1"] * 3, "category": ["C"] * 3, "actual": [10.0, 0.0, 5.0],
        "forecast": [8.0, 1.0, 5.0], "naive": [5.0, 0.0, 10.0], "lower": [7.0, 0.0, 6.0],
        "upper": [9.0, 2.0, 9.0], "scale": [2.0, 2.0, 1.0]})
    [row] = accuracy(rows)[lambda t: t.store_code == "S1"].to_dict("records")
    assert row["wape"] == pytest.approx(3 / 15)
    assert row["wape_baseline"] == pytest.approx(10 / 15)
    assert row["mase"] == pytest.approx(3 / 5)
    assert row["mase_baseline"] == pytest.approx(10 / 5)
    assert row["coverage"] == pytest.approx(1 / 3)


def test_forecast_table_rows_and_export(tmp_path):
    days = 35
    sales = _sales(days, items=4)
    sales.loc[sales.sku == "SKU001", "category"] = "=HYPERLINK()"
    rare = pd.DataFrame([("S1", "RARE", "=HYPERLINK()", FIRST, 1.0)], columns=sales.columns)
    origin = FIRST + timedelta(days=days)
    history = History(pd.concat([sales, rare]), _stores(days, codes=("S1", "S2")), _calendar())
    frame = forecast_demand(history, origin)
    assert list(frame.columns) == DEMAND_FORECAST.column_names
    assert len(frame) == 14 * 9  # 2 stores x 4 items, and S1's rare item's category
    assert set(frame.target_date) == {origin + timedelta(days=k) for k in range(14)}
    assert (frame.lower <= frame.units).all() and (frame.units <= frame.upper).all()
    assert all(isinstance(v, Decimal) for v in frame.units)

    path, written = write_forecast_export(frame, tmp_path, origin)
    assert path == tmp_path / origin.isoformat() / "demand_forecast.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    assert written == len(frame) == len(lines) - 1
    assert lines[0] == DEMAND_FORECAST.column_names
    category_rows = [line for line in lines[1:] if line[2] == ""]
    assert len(category_rows) == 14
    assert {line[3] for line in category_rows} == {"'=HYPERLINK()"}


def test_a_forecast_replaces_only_its_own_week_in_the_warehouse(tmp_path):
    import duckdb

    from store_pipeline.defs.resources.warehouse import DuckDBWarehouse

    warehouse = DuckDBWarehouse(path=str(tmp_path / "warehouse.duckdb"))
    row = [FIRST, "S1", None, "Snacks", FIRST, Decimal("1.50"), Decimal("0.00"), Decimal("3.00")]
    week_one = pd.DataFrame([row, [*row[:2], "A", *row[3:]]], columns=DEMAND_FORECAST.column_names)
    week_two = week_one.assign(forecast_date=FIRST + timedelta(days=7))
    for frame in (week_one, week_two, week_one.iloc[:1]):
        warehouse.replace_forecast(DEMAND_FORECAST, frame, frame.forecast_date.iloc[0])
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    counts = con.execute("SELECT forecast_date, count(*), count(sku) FROM "
                         "forecasts.demand_forecast GROUP BY forecast_date ORDER BY 1").fetchall()
    con.close()
    assert counts == [(FIRST, 1, 0), (FIRST + timedelta(days=7), 2, 1)]


def test_a_forecast_whose_large_units_come_after_many_small_ones_is_stored_exactly(tmp_path):
    """DuckDB gives a column of Decimals the type of a sample of its rows; a forecast of 20
    stores has thousands of units under 100 and a few over it, between the sampled rows."""
    import duckdb

    from store_pipeline.defs.resources.warehouse import DuckDBWarehouse

    warehouse = DuckDBWarehouse(path=str(tmp_path / "warehouse.duckdb"))
    small = [FIRST, "S1", "A", "Snacks", FIRST, Decimal("1.50"), Decimal("0.00"), Decimal("3.00")]
    large = [*small[:5], Decimal("104.72"), Decimal("98.10"), Decimal("12345.67")]
    frame = pd.DataFrame([small] * 2501 + [large] + [small] * 2499,
                         columns=DEMAND_FORECAST.column_names)
    warehouse.replace_forecast(DEMAND_FORECAST, frame, FIRST)
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    stored = con.execute("SELECT max(units), max(lower), max(upper), count(*) "
                         "FROM forecasts.demand_forecast").fetchone()
    con.close()
    assert stored == (Decimal("104.72"), Decimal("98.10"), Decimal("12345.67"), 5001)
