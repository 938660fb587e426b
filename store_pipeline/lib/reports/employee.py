"""Employee productivity [D, W]: hours, overtime and SPLH per employee; staffing by hour."""

from __future__ import annotations

from datetime import date

import pandas as pd
from markupsafe import Markup

from store_pipeline.lib.reports import fmt
from store_pipeline.lib.reports.charts import (
    HOVER,
    TRANSACTIONS_AXIS,
    figure,
    fragment,
    hover,
    label,
    labels,
)
from store_pipeline.lib.reports.data import EMPLOYEE_HOURS, HOURLY_SALES, Fetch, load, week_bounds
from store_pipeline.lib.reports.kpis import divide, ratio
from store_pipeline.lib.reports.page import (
    DAY_LINKS,
    PERIOD_LINKS,
    Column,
    grid,
    no_data_page,
    page,
    remark,
    section,
    table,
)
from store_pipeline.lib.reports.theme import BAD, DIVERGING, PRIMARY, WARN, store_colors
from store_pipeline.lib.reports.tiles import tile, tiles

NAME = "employee_productivity"
SOURCES = (EMPLOYEE_HOURS, HOURLY_SALES)
READS = SOURCES  # the marts the page reads: its assets' lineage
WEEKLY_OVERTIME_AFTER = 40.0
TOP_EMPLOYEES = 25
UNDER_STAFFED = 1.25
OVER_STAFFED = 0.75
SUMMED = (
    "shifts", "hours_worked", "regular_hours", "overtime_hours", "labor_cost",
    "transactions_handled", "net_sales_handled",
)


def build_daily(fetch: Fetch, day: date) -> str:
    """The day's report; overtime as the warehouse computed it (daily hours beyond 8)."""
    title = f"Employee productivity — {day.isoformat()}"
    return _build(fetch, day, day, title, fmt.day_label(day), weekly=False)


def build_weekly(fetch: Fetch, week_start: date) -> str:
    """The week's report (Monday to Sunday); overtime is weekly hours beyond 40."""
    start, end = week_bounds(week_start)
    title = f"Weekly employee productivity — week of {start.isoformat()}"
    subtitle = (
        f"{fmt.day_label(start)} to {fmt.day_label(end)} · overtime: weekly hours beyond "
        f"{WEEKLY_OVERTIME_AFTER:.0f}"
    )
    return _build(fetch, start, end, title, subtitle, weekly=True)


def _build(fetch: Fetch, start: date, end: date, title: str, subtitle: str, *,
           weekly: bool) -> str:
    hours = load(fetch, EMPLOYEE_HOURS, start, end)
    if hours.empty:
        period = start.isoformat() if start == end else f"{start.isoformat()} to {end.isoformat()}"
        message = f"The warehouse has no {EMPLOYEE_HOURS} rows for {period}."
        return no_data_page(title, message, sources=SOURCES)
    people = per_employee(hours, weekly=weekly)
    hourly = load(fetch, HOURLY_SALES, start, end)
    colors = store_colors([*hours["store_code"], *hourly["store_code"]])
    body = _summary(people) + grid(
        _hours_chart(people),
        _splh_chart(people, colors),
        _staffing(hourly),
        _staffing_by_store(hourly),
        section("Employees", _employee_table(people), wide=True),
    )
    links = PERIOD_LINKS if weekly else DAY_LINKS
    return page(title, subtitle, body, links=links, sources=SOURCES)


def per_employee(hours: pd.DataFrame, *, weekly: bool) -> pd.DataFrame:
    """One row per store and employee; in a weekly view overtime is hours beyond 40.

    A day's SPLH is the warehouse's (from unrounded hours); a week's is its sales over its hours.
    """
    people = hours.groupby(["store_code", "employee_number"], as_index=False).agg(
        employee_name=("employee_name", "last"),
        position=("position", "last"),
        splh=("sales_per_labor_hour", "last"),
        **{column: (column, "sum") for column in SUMMED},
    )
    if weekly:
        overtime = (people["hours_worked"] - WEEKLY_OVERTIME_AFTER).clip(lower=0)
        people["overtime_hours"] = overtime
        people["regular_hours"] = people["hours_worked"] - overtime
        people["splh"] = divide(people["net_sales_handled"], people["hours_worked"])
    people["who"] = (
        people["employee_name"] + " · " + people["store_code"] + " #" + people["employee_number"]
    )
    return people


def _summary(people: pd.DataFrame) -> Markup:
    totals = people[list(SUMMED)].sum()
    return tiles([
        tile("employees", "Employees", len(people), fmt.count),
        tile("hours_worked", "Hours worked", totals["hours_worked"], fmt.hours),
        tile("overtime_hours", "Overtime hours", totals["overtime_hours"], fmt.hours),
        tile("with_overtime", "Employees with overtime", (people["overtime_hours"] > 0).sum(),
             fmt.count),
        tile("labor_cost", "Labor cost", totals["labor_cost"], fmt.money),
        tile("splh", "Sales per labor hour",
             ratio(totals["net_sales_handled"], totals["hours_worked"]), fmt.money),
    ])


def _hover(row) -> str:
    return hover(
        row.employee_name,
        ("Store", row.store_code), ("Employee #", row.employee_number),
        ("Position", row.position), ("Shifts", fmt.count(row.shifts)),
        ("Hours", fmt.hours(row.hours_worked)), ("Overtime", fmt.hours(row.overtime_hours)),
        ("Net sales handled", fmt.money(row.net_sales_handled)),
        ("Sales per labor hour", fmt.money(row.splh)),
    )


def _hours_chart(people: pd.DataFrame) -> Markup:
    """Regular and overtime hours of the employees who worked most."""
    top = people.sort_values(["hours_worked", "who"], ascending=[False, True]).head(TOP_EMPLOYEES)
    texts = [_hover(row) for row in top.itertuples()]
    fig = figure(barmode="stack", yaxis={"autorange": "reversed"},
                 xaxis={"title": {"text": "Hours"}})
    for column, name, color in (("regular_hours", "Regular", PRIMARY),
                                ("overtime_hours", "Overtime", BAD)):
        fig.add("bar", y=labels(top["who"], 36), x=top[column].round(2), orientation="h",
                name=name, marker={"color": color}, hovertext=texts, hovertemplate=HOVER)
    heading = f"Hours and overtime (top {TOP_EMPLOYEES} by hours)"
    return section(heading, fragment(fig, "hours-by-employee", height=120 + 22 * len(top)))


def _splh_chart(people: pd.DataFrame, colors: dict[str, str]) -> Markup:
    """Sales per labor hour against hours worked, one colour per store."""
    worked = people[people["hours_worked"] > 0]
    worked = worked.assign(hovertext=[_hover(row) for row in worked.itertuples()])
    fig = figure(xaxis={"title": {"text": "Hours worked"}},
                 yaxis={"title": {"text": "Sales per labor hour"}})
    for store, group in worked.groupby("store_code"):
        fig.add(
            "scatter", x=group["hours_worked"].round(2), y=group["splh"].round(2), mode="markers",
            name=label(store), marker={"color": colors[store], "size": 9},
            hovertext=group["hovertext"].tolist(), hovertemplate=HOVER,
        )
    return section("Sales per labor hour by employee", fragment(fig, "splh-by-employee"))


def staffing_by_hour(hourly: pd.DataFrame) -> pd.DataFrame:
    """Transactions and staff-hours per hour of day, with a staffing verdict per hour.

    An hour is under-staffed when its transactions per staff-hour exceed 125 % of the median
    hour (or nobody was on the clock for its sales) and over-staffed below 75 %.
    """
    by_hour = hourly.groupby("hour")[["transactions", "staff_on_clock"]].sum()
    per_staff = divide(by_hour["transactions"], by_hour["staff_on_clock"])
    median = per_staff.median()
    under = (per_staff > UNDER_STAFFED * median) | (
        (by_hour["staff_on_clock"] <= 0) & (by_hour["transactions"] > 0)
    )
    over = per_staff < OVER_STAFFED * median
    by_hour["per_staff"] = per_staff
    by_hour["status"] = "ok"
    by_hour.loc[over, "status"] = "over-staffed"
    by_hour.loc[under, "status"] = "under-staffed"
    return by_hour


def _staffing(hourly: pd.DataFrame) -> Markup:
    """Staff-hours (bars coloured by verdict) against transactions (line) per hour of day."""
    heading = "Staffing against transactions by hour"
    if hourly.empty:
        return section(heading, remark("No hourly rows for this period."))
    by_hour = staffing_by_hour(hourly)
    colors = {"ok": PRIMARY, "under-staffed": BAD, "over-staffed": WARN}
    hours = [fmt.hour_label(hour) for hour in by_hour.index]
    fig = figure(
        xaxis={"type": "category"},
        yaxis={"title": {"text": "Staff-hours"}},
        yaxis2=TRANSACTIONS_AXIS,
    )
    texts = [
        hover(hour, ("Staff-hours", fmt.number(row.staff_on_clock)),
              ("Transactions", fmt.count(row.transactions)),
              ("Transactions per staff-hour", fmt.number(row.per_staff)), ("Staffing", row.status))
        for hour, row in zip(hours, by_hour.itertuples(), strict=True)
    ]
    fig.add("bar", x=hours, y=by_hour["staff_on_clock"].round(2), name="Staff-hours",
            marker={"color": [colors[status] for status in by_hour["status"]]},
            hovertext=texts, hovertemplate=HOVER)
    fig.add("scatter", x=hours, y=by_hour["transactions"], name="Transactions", yaxis="y2",
            mode="lines+markers", line={"color": "#1f2328"}, hovertext=texts,
            hovertemplate=HOVER)
    verdicts = [
        f"{status.capitalize()}: "
        + (", ".join(fmt.hour_label(h) for h in by_hour.index[by_hour["status"] == status])
           or "none")
        for status in ("under-staffed", "over-staffed")
    ]
    note = (
        "Red bars: under-staffed (transactions per staff-hour above 125% of the median hour); "
        "amber: over-staffed (below 75%). " + ". ".join(verdicts) + "."
    )
    return section(heading, fragment(fig, "staffing-by-hour"), note=note)


def _staffing_by_store(hourly: pd.DataFrame) -> Markup:
    """Transactions per staff-hour for each store and hour of day as a heat map."""
    heading = "Transactions per staff-hour by store"
    if hourly.empty:
        return section(heading, remark("No hourly rows for this period."))
    cells = hourly.groupby(["store_code", "hour"])[["transactions", "staff_on_clock"]].sum()
    transactions = cells["transactions"].unstack("hour")
    staff = cells["staff_on_clock"].unstack("hour")
    per_staff = divide(transactions, staff)
    rows = zip(per_staff.index, transactions.to_numpy(), staff.to_numpy(), per_staff.to_numpy(),
               strict=True)
    texts = [
        [
            hover(f"{store} {fmt.hour_label(hour)}", ("Transactions", fmt.count(count)),
                  ("Staff-hours", fmt.number(on_clock)),
                  ("Transactions per staff-hour", fmt.number(rate)))
            for hour, count, on_clock, rate in zip(per_staff.columns, *row, strict=True)
        ]
        for store, *row in rows
    ]
    median = per_staff.stack().median()
    scale = {"zmin": 0.0, "zmax": 2 * float(median)} if median > 0 else {}
    fig = figure(xaxis={"type": "category"}, yaxis={"type": "category", "autorange": "reversed"})
    fig.add(
        "heatmap", z=per_staff.round(2).to_numpy(),
        x=[fmt.hour_label(hour) for hour in per_staff.columns],
        y=labels(per_staff.index), colorscale=DIVERGING, **scale,
        hovertext=texts, hovertemplate=HOVER, colorbar={"title": {"text": "per staff-h"}},
    )
    note = (
        "White: the median hour; red: more transactions per person on the clock (consider more "
        "staff); blue: fewer."
    )
    chart = fragment(fig, "staffing-by-store", height=140 + 26 * len(per_staff))
    return section(heading, chart, note=note)


def _employee_table(people: pd.DataFrame) -> Markup:
    rows = people.sort_values(["store_code", "hours_worked", "who"],
                              ascending=[True, False, True])
    return table(rows, [
        Column("store_code", "Store"),
        Column("employee_number", "#"),
        Column("employee_name", "Employee"),
        Column("position", "Position"),
        Column("shifts", "Shifts", fmt.count, numeric=True),
        Column("hours_worked", "Hours", fmt.hours, numeric=True),
        Column("regular_hours", "Regular", fmt.hours, numeric=True),
        Column("overtime_hours", "Overtime", fmt.hours, numeric=True),
        Column("labor_cost", "Labor cost", fmt.money, numeric=True),
        Column("transactions_handled", "Transactions", fmt.count, numeric=True),
        Column("net_sales_handled", "Net sales", fmt.money, numeric=True),
        Column("splh", "SPLH", fmt.money, numeric=True),
    ])
