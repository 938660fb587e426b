"""The KPI marts against independent computations from the landed POS tables.

A 2-store chain of 30 days is generated, landed in a scratch DuckDB warehouse and built with
``dbt build``; each test recomputes a mart's figures from ``raw_pos`` with pandas (or plain
SQL on the raw tables) and compares.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dateutil.easter import easter

from store_pipeline.lib.generator import GeneratorConfig, generate_chain
from store_pipeline.lib.ingest.landing import land_snapshot
from store_pipeline_tests.dbt_commands import dbt_target, run_dbt

END = date(2026, 3, 10)
DAYS = 30
# Store 2 opened 380 days before END: comp from END - 15 on (OpenDate <= D - 365).
STORE_2_OPENED = END - timedelta(days=380)
# Cashier 1 works five extra 10-hour days (30 min breaks) in the ISO week before END's, so
# that the week has overtime whatever the generator's rota.
LONG_WEEK = date(2026, 3, 2)
NEW_MARTS = ["rpt_employee_weekly", "rpt_inventory_turnover", "rpt_customer_daily",
             "rpt_store_comp"]
HOURS, MONEY, RATIO = 0.0051, 0.0051, 0.00051  # rounding of the marts, and a hair


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("kpi-marts")
    snapshots = generate_chain(GeneratorConfig(stores=2, days=DAYS, end_date=END, seed=5),
                               outbox=home / "outbox")
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    first = datetime.strptime(snapshots[0].stem[4:], "%Y%m%d").date()
    for snapshot in snapshots:
        land_snapshot(con, snapshot, datetime.strptime(snapshot.stem[4:], "%Y%m%d").date(),
                      first_date=first)
    con.execute("UPDATE raw_pos.store SET OpenDate = ? WHERE ID = 2", [STORE_2_OPENED])
    for k in range(5):
        day = datetime.combine(LONG_WEEK + timedelta(days=k), datetime.min.time())
        con.execute("""
            INSERT INTO raw_pos.time_clock (StoreID, ID, CashierID, TimeIn, TimeOut, BreakMinutes,
                                            business_date)
            SELECT 1, max(ID) + 1, 1, ?, ?, 30, ? FROM raw_pos.time_clock""",
                    [day + timedelta(hours=6), day + timedelta(hours=16, minutes=30), day.date()])
    con.close()
    built = run_dbt(home, "build", "--select", "+path:models/marts",
                 "--exclude-resource-type", "unit_test")
    assert built.returncode == 0, built.stdout[-4000:]
    return home


def _query(home: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def _as_date(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series).dt.date


# --- employees: weekly overtime ---------------------------------------------------------------

def test_weekly_hours_and_overtime_equal_the_time_clock(home):
    shifts = _query(home, """
        SELECT s.business_date, s.TimeIn, s.TimeOut, s.BreakMinutes, c.Number, c.HourlyRate
        FROM raw_pos.time_clock s
        JOIN raw_pos.cashier c ON c.ID = s.CashierID AND c.business_date = s.business_date
        WHERE s.TimeOut IS NOT NULL AND s.TimeOut >= s.TimeIn""")
    seconds = ((shifts.TimeOut - shifts.TimeIn).dt.total_seconds()
               - 60 * shifts.BreakMinutes).clip(lower=0)
    day = pd.to_datetime(shifts.business_date)
    shifts = shifts.assign(
        seconds=seconds, cost_seconds=seconds * shifts.HourlyRate.astype(float),
        week_start_date=(day - pd.to_timedelta(day.dt.day_of_week, unit="D")).dt.date)
    weeks = shifts.groupby(["week_start_date", "Number"], as_index=False)[
        ["seconds", "cost_seconds"]].sum()
    weeks["hours"] = weeks.seconds / 3600
    weeks["overtime"] = (weeks.hours - 40).clip(lower=0)
    weeks["cost"] = weeks.cost_seconds / 3600

    mart = _query(home, "SELECT * FROM marts.rpt_employee_weekly")
    mart["week_start_date"] = _as_date(mart.week_start_date)
    joined = weeks.merge(mart, left_on=["week_start_date", "Number"],
                         right_on=["week_start_date", "employee_number"], how="left",
                         validate="one_to_one")
    assert joined.hours_worked.notna().all()
    assert ((joined.hours_worked.astype(float) - joined.hours).abs() <= HOURS).all()
    assert ((joined.overtime_hours.astype(float) - joined.overtime).abs() <= HOURS).all()
    assert ((joined.regular_hours.astype(float) - joined.hours.clip(upper=40)).abs()
            <= HOURS).all()
    assert ((joined.labor_cost.astype(float) - joined.cost).abs() <= MONEY).all()
    long_week = joined[(joined.week_start_date == LONG_WEEK) & (joined.Number == "1001")]
    assert float(long_week.overtime_hours.iloc[0]) >= 10
    # Every employee-week with hours in the mart is one the time clock explains.
    assert len(mart[mart.hours_worked.astype(float) > 0]) == len(weeks[weeks.seconds > 0])
    iso = [d.isocalendar() for d in mart.week_start_date]
    assert all(d.weekday() == 0 for d in mart.week_start_date)  # ISO weeks start on Monday
    assert list(zip(mart.iso_year, mart.iso_week, strict=True)) == [(i.year, i.week) for i in iso]


# --- customers: loyalty share and repeat rate -------------------------------------------------

def _sales_transactions(home: Path) -> pd.DataFrame:
    """Non-voided transactions with a sale line, with the customer's loyalty flag."""
    return _query(home, """
        SELECT t.business_date, s.StoreCode AS store_code, t.TransactionNumber,
               t.CustomerID, coalesce(c.LoyaltyMember, 0) AS loyal
        FROM raw_pos."transaction" t
        JOIN raw_pos.store s ON s.ID = t.StoreID AND s.business_date = t.business_date
        LEFT JOIN raw_pos.customer c
          ON c.ID = t.CustomerID AND c.business_date = t.business_date
        WHERE t.Voided = 0 AND EXISTS (
            SELECT 1 FROM raw_pos.transaction_entry e
            WHERE e.StoreID = t.StoreID AND e.TransactionNumber = t.TransactionNumber
              AND e.business_date = t.business_date AND e.Quantity > 0)""")


def test_loyalty_share_and_repeat_rate_equal_the_transactions(home):
    sales = _sales_transactions(home)
    sales["business_date"] = _as_date(sales.business_date)
    mart = _query(home, "SELECT * FROM marts.rpt_customer_daily")
    mart["business_date"] = _as_date(mart.business_date)
    checked = 0
    for row in mart.itertuples():
        day = sales[(sales.store_code == row.store_code)
                    & (sales.business_date == row.business_date)]
        assert row.transactions == len(day)
        assert row.loyalty_transactions == int(day.loyal.sum())
        assert abs(float(row.loyalty_share) - day.loyal.sum() / len(day)) <= RATIO
        window = sales[(sales.store_code == row.store_code)
                       & (sales.business_date <= row.business_date)
                       & (sales.business_date > row.business_date - timedelta(days=28))
                       & sales.CustomerID.notna()]
        visits = window.groupby("CustomerID").size()
        assert row.customers_28d == len(visits)
        assert row.repeat_customers_28d == int((visits > 1).sum())
        assert abs(float(row.repeat_rate_28d) - (visits > 1).mean()) <= RATIO
        checked += 1
    assert checked == 2 * DAYS
    assert mart.repeat_rate_28d.astype(float).max() > 0
    assert 0 < mart.loyalty_share.astype(float).mean() < 1


# --- stores: comp flag ------------------------------------------------------------------------

def test_comp_store_flag_follows_the_opening_date(home):
    stores = _query(home, "SELECT business_date, StoreCode, OpenDate, CloseDate FROM raw_pos.store")
    day = pd.to_datetime(stores.business_date)
    stores["expected"] = ((pd.to_datetime(stores.OpenDate) <= day - pd.Timedelta(days=365))
                          & (stores.CloseDate.isna() | (pd.to_datetime(stores.CloseDate) > day))
                          ).astype(int)
    stores["business_date"] = _as_date(stores.business_date)
    mart = _query(home, "SELECT business_date, store_code, is_comp_store FROM marts.rpt_store_comp")
    mart["business_date"] = _as_date(mart.business_date)
    joined = stores.merge(mart, left_on=["business_date", "StoreCode"],
                          right_on=["business_date", "store_code"], validate="one_to_one")
    assert len(joined) == 2 * DAYS
    assert (joined.is_comp_store == joined.expected).all()
    s002 = joined[joined.StoreCode == "S002"].set_index("business_date").is_comp_store
    assert s002[END - timedelta(days=16)] == 0
    assert s002[END - timedelta(days=15)] == 1


# --- calendar: ISO weeks and the NRF 4-5-4 retail calendar -----------------------------------

def _nrf_year_start(year: int) -> date:
    """The Sunday among 29 January .. 4 February (the one nearest 1 February)."""
    return next(d for d in (date(year, 1, 29) + timedelta(days=k) for k in range(7))
                if d.weekday() == 6)


_PERIOD_ENDS = [4, 9, 13, 17, 22, 26, 30, 35, 39, 43, 48, 52]  # 4-5-4 weeks, cumulated


def test_calendar_iso_and_retail_weeks_of_every_day(home):
    calendar = _query(home, "SELECT * FROM marts.dim_date ORDER BY date_day")
    calendar["date_day"] = _as_date(calendar.date_day)
    assert calendar.date_day.iloc[0] == date(END.year - 1, 1, 1)
    assert calendar.date_day.iloc[-1] == date(END.year + 1, 12, 31)
    for row in calendar.itertuples():
        day = row.date_day
        assert (row.iso_year, row.iso_week, row.day_of_week) == tuple(day.isocalendar())
        year = day.year if day >= _nrf_year_start(day.year) else day.year - 1
        week = (day - _nrf_year_start(year)).days // 7 + 1
        period = next((i + 1 for i, end in enumerate(_PERIOD_ENDS) if week <= end), 12)
        assert (row.retail_year, row.retail_week, row.retail_period) == (year, week, period), day
        assert row.retail_quarter == (period - 1) // 3 + 1
        assert pd.Timestamp(row.date_last_year).date() == day - timedelta(days=364)


@pytest.mark.parametrize(("day", "retail"), [
    (date(2025, 2, 2), (2025, 1, 1, 1)),    # NRF fiscal 2025 starts on 2025-02-02
    (date(2026, 1, 31), (2025, 52, 12, 4)),
    (date(2026, 2, 1), (2026, 1, 1, 1)),    # fiscal 2026 starts on 2026-02-01
    (date(2026, 3, 10), (2026, 6, 2, 1)),
    (date(2026, 5, 3), (2026, 14, 4, 2)),
])
def test_known_retail_dates(home, day, retail):
    row = _query(home, "SELECT retail_year, retail_week, retail_period, retail_quarter "
                       "FROM marts.dim_date WHERE date_day = ?", [day])
    assert tuple(row.iloc[0]) == retail


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th ``weekday`` (0 = Monday) of a month; n = -1 for the last one."""
    if n < 0:
        last = date(year, month + 1, 1) - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _us_retail_holidays(year: int) -> dict[date, str]:
    thanksgiving = _nth_weekday(year, 11, 3, 4)
    return {
        date(year, 1, 1): "New Year's Day",
        _nth_weekday(year, 1, 0, 3): "Martin Luther King Jr. Day",
        date(year, 2, 14): "Valentine's Day", _nth_weekday(year, 2, 0, 3): "Presidents' Day",
        easter(year): "Easter Sunday", _nth_weekday(year, 5, 6, 2): "Mother's Day",
        _nth_weekday(year, 5, 0, -1): "Memorial Day", _nth_weekday(year, 6, 6, 3): "Father's Day",
        date(year, 7, 4): "Independence Day", _nth_weekday(year, 9, 0, 1): "Labor Day",
        date(year, 10, 31): "Halloween", thanksgiving: "Thanksgiving Day",
        thanksgiving + timedelta(days=1): "Black Friday", date(year, 12, 24): "Christmas Eve",
        date(year, 12, 25): "Christmas Day", date(year, 12, 31): "New Year's Eve",
    }


def test_holidays_are_flagged(home):
    flagged = _query(home, "SELECT date_day, holiday_name FROM marts.dim_date WHERE is_holiday = 1")
    names = dict(zip(_as_date(flagged.date_day), flagged.holiday_name, strict=True))
    expected = {}
    for year in range(END.year - 1, END.year + 2):
        expected.update(_us_retail_holidays(year))
    assert names == expected
    assert names[date(2025, 11, 28)] == "Black Friday"
    assert names[date(2026, 4, 5)] == "Easter Sunday"


# --- inventory: turnover by department --------------------------------------------------------

def test_department_turnover_equals_cost_of_goods_over_average_stock(home):
    start = END - timedelta(days=27)
    cogs = _query(home, """
        SELECT e.StoreID, e.ItemID, sum(e.Cost * e.Quantity) AS cogs
        FROM raw_pos.transaction_entry e
        JOIN raw_pos."transaction" t ON t.StoreID = e.StoreID
          AND t.TransactionNumber = e.TransactionNumber AND t.business_date = e.business_date
        WHERE t.Voided = 0 AND e.business_date BETWEEN ? AND ?
        GROUP BY ALL""", [start, END])
    stock = _query(home, """
        SELECT d.StoreID, d.ItemID, avg(greatest(d.Quantity, 0) * i.Cost) AS avg_value
        FROM raw_pos.item_dynamic d
        JOIN raw_pos.item i ON i.ID = d.ItemID AND i.business_date = d.business_date
        WHERE d.business_date BETWEEN ? AND ?
        GROUP BY ALL""", [start, END])
    departments = _query(home, """
        SELECT i.ID AS ItemID, dep.Name AS department FROM raw_pos.item i
        JOIN raw_pos.department dep ON dep.ID = i.DepartmentID AND dep.business_date = ?
        WHERE i.business_date = ?""", [END, END])
    stores = _query(home, "SELECT ID AS StoreID, StoreCode FROM raw_pos.store "
                          "WHERE business_date = ?", [END])
    items = stock.merge(cogs, how="left").fillna({"cogs": 0}).merge(departments).merge(stores)
    expected = items.groupby(["StoreCode", "department"]).agg(
        cogs=("cogs", "sum"), avg_value=("avg_value", "sum")).reset_index()
    expected["turnover"] = expected.cogs.astype(float) * 365 / (
        expected.avg_value.astype(float) * 28)

    mart = _query(home, "SELECT * FROM marts.rpt_inventory_turnover WHERE business_date = ?",
                  [END])
    joined = expected.merge(mart, left_on=["StoreCode", "department"],
                            right_on=["store_code", "department"], validate="one_to_one")
    assert len(joined) == len(expected) == len(mart) > 2
    assert (joined.days_observed_28d == 28).all()
    assert ((joined.cost_of_goods_28d.astype(float) - joined.cogs.astype(float)).abs()
            <= MONEY).all()
    assert ((joined.inventory_turnover.astype(float) - joined.turnover).abs() <= 0.001).all()
    assert (joined.turnover > 0).all()


# --- personal data ----------------------------------------------------------------------------

def test_no_mart_holds_customer_names_or_email_addresses(home):
    customers = _query(home, "SELECT DISTINCT FirstName, LastName, EmailAddress "
                             "FROM raw_pos.customer")
    staff = set(_query(home, "SELECT DISTINCT Name FROM raw_pos.cashier").Name)
    emails = set(customers.EmailAddress.dropna().str.lower())
    full_names = set(customers.FirstName + " " + customers.LastName) - staff
    assert emails and full_names
    columns = _query(home, """
        SELECT table_schema, table_name, column_name, data_type
        FROM information_schema.columns WHERE table_schema IN ('marts', 'reference')""")
    assert not columns.column_name.str.contains("first_name|last_name|email").any()
    checked = 0
    for table, text in columns[columns.data_type == "VARCHAR"].groupby(
            ["table_schema", "table_name"]):
        for column in text.column_name:
            values = set(_query(home, f'SELECT DISTINCT "{column}" AS v '
                                      f'FROM {table[0]}."{table[1]}"').v.dropna())
            assert not values & full_names, (table, column)
            assert not {v for v in values if "@" in v or v.lower() in emails}, (table, column)
            checked += 1
    assert checked > 20
    keys = _query(home, "SELECT customer_id, customer_key FROM marts.dim_customers")
    assert keys.customer_key.str.fullmatch("[0-9a-f]{32}").all()
    assert keys.customer_key.is_unique


# --- freshness, then a rerun (dbt parses anew once the vars change) ------------------------------

def test_source_freshness_of_transactions_follows_the_newest_sale(home):
    result = run_dbt(home, "source", "freshness", "--select", "source:raw_pos.transaction")
    [source] = json.loads((dbt_target(home) / "sources.json").read_text())["results"]
    newest = _query(home, 'SELECT max("Time") AS t FROM raw_pos."transaction"').t[0]
    age = datetime.now() - newest.to_pydatetime()
    expected = "pass" if age < timedelta(hours=36) else (
        "warn" if age < timedelta(days=4) else "error")
    assert source["status"] == expected
    assert (result.returncode == 0) == (expected != "error")


def test_rebuilding_a_window_changes_no_new_mart(home):
    def contents() -> dict[str, pd.DataFrame]:
        return {m: _query(home, f"SELECT * FROM marts.{m} ORDER BY ALL") for m in NEW_MARTS}

    before = contents()
    window = {"min_date": (END - timedelta(days=1)).isoformat(), "max_date": END.isoformat()}
    rerun = run_dbt(home, "build", "--select", *NEW_MARTS, "--exclude-resource-type", "unit_test",
                 "--vars", json.dumps(window))
    assert rerun.returncode == 0, rerun.stdout[-4000:]
    after = contents()
    for mart in NEW_MARTS:
        assert len(after[mart]) > 0, mart
        pd.testing.assert_frame_equal(before[mart], after[mart], obj=mart)


# --- demand forecast and backtest: read from the marts, forecasts.demand_forecast ---------

def test_forecast_assets_write_the_table_the_export_and_the_backtest_page(home):
    import dagster as dg

    from store_pipeline.defs.forecasts.assets import (
        BACKTEST_KEY,
        demand_forecast,
        forecast_backtest,
    )
    from store_pipeline.defs.resources.data_home import DataHome
    from store_pipeline.defs.resources.warehouse import DuckDBWarehouse

    week = date(2026, 3, 9)  # a Monday: history up to Sunday 8 March
    result = dg.materialize(
        [demand_forecast, forecast_backtest], partition_key=week.isoformat(),
        resources={"warehouse": DuckDBWarehouse(path=str(home / "warehouse.duckdb")),
                   "data_home": DataHome(home=str(home))})
    assert result.success
    stored = _query(home, "SELECT * FROM forecasts.demand_forecast")
    export = pd.read_csv(home / "exports" / week.isoformat() / "demand_forecast.csv")
    assert len(stored) == len(export) > 0
    sold = _query(home, """SELECT DISTINCT store_code, sku FROM marts.rpt_product_performance
                           WHERE business_date < ?""", [week])
    items = stored[stored.sku.notna()].merge(sold, on=["store_code", "sku"], how="left",
                                             indicator=True)
    assert (items._merge == "both").all()
    assert set(_as_date(stored.target_date)) == {week + timedelta(days=k) for k in range(14)}
    # The chain has 30 days: too short for a backtest, which says so on its page.
    [event] = [e for e in result.get_asset_materialization_events()
               if e.asset_key == BACKTEST_KEY]
    page = home / "reports" / "weekly" / week.isoformat() / "forecast_accuracy.html"
    assert "a backtest needs 8 weeks" in page.read_text()
    assert "wape" not in event.materialization.metadata


# --- store alerts read from the marts -------------------------------------------------------

def test_register_down_alerts_follow_the_first_sale_of_the_day(home):
    from store_pipeline.defs.resources.warehouse import DuckDBWarehouse
    from store_pipeline.lib.notify.store_alerts import find_alerts

    first = _query(home, """
        SELECT s.StoreCode AS store_code, min(hour(t."Time")) AS first_hour
        FROM raw_pos."transaction" t
        JOIN raw_pos.store s ON s.ID = t.StoreID AND s.business_date = t.business_date
        WHERE t.Voided = 0 AND t.business_date = ? AND EXISTS (
            SELECT 1 FROM raw_pos.transaction_entry e
            WHERE e.StoreID = t.StoreID AND e.TransactionNumber = t.TransactionNumber
              AND e.business_date = t.business_date AND e.Quantity > 0)
        GROUP BY 1""", [END]).set_index("store_code").first_hour
    hour = int(first.max())
    with DuckDBWarehouse(path=str(home / "warehouse.duckdb")).reader() as fetch:
        alerts = find_alerts(fetch, END, hour)
    down = {a.store_code for a in alerts if a.kind == "register_down"}
    assert down and down == set(first[first >= hour].index)
    assert {a.kind for a in alerts} <= {"register_down", "refund_spike", "forecast_net_sales",
                                       "forecast_transactions"}


# --- customer segments --------------------------------------------------------------------------

def test_customer_segments_count_every_loyalty_customer_once_a_month(home):
    from store_pipeline.lib.reports.monthly import segment_summary

    segments = _query(home, "SELECT * FROM marts.rpt_customer_segments")
    sales = _sales_transactions(home)
    loyal = set(_query(home, "SELECT customer_id FROM marts.dim_customers "
                             "WHERE is_loyalty_member = 1").customer_id)
    sales = sales[sales.CustomerID.isin(loyal)].assign(business_date=lambda f: _as_date(
        f.business_date))
    first = sales.groupby("CustomerID").business_date.min()
    assert len(segments) > 0 and set(segments.segment) <= {"new", "champions", "loyal",
                                                           "at risk", "lapsed"}
    for (start, as_of), rows in segments.groupby(["month_start_date", "as_of_date"]):
        as_of, start = as_of.date() if hasattr(as_of, "date") else as_of, _as_date(
            pd.Series([start]))[0]
        bought = first[first <= as_of]
        assert len(rows) == len(bought) == rows.customer_key.nunique()
        assert (rows.segment == "new").sum() == (bought >= start).sum()
        summary = segment_summary(rows).set_index("segment")
        assert summary.customers.sum() == len(rows)
        assert summary.net_sales.sum() == pytest.approx(rows.month_net_sales.astype(float).sum())
