"""Analytics that follows the data: the landed-data sensor, the period sensor and the deadlines,
evaluated against a real Dagster instance holding real runs."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from store_pipeline.cli.runner import DEPENDENTS_HANDLED_TAG, RANGE_END_TAG, RANGE_START_TAG
from store_pipeline.defs.automation import Landing, plan_rebuilds
from store_pipeline.defs.operations.schedules import analytics_deadline_skip, analytics_schedule
from store_pipeline.defs.operations.sensors import landed_data_sensor
from store_pipeline.defs.partitions import daily_partitions, weekly_partitions
from store_pipeline.defs.reports.sensors import period_reports_sensor
from store_pipeline.lib.rebuild import dependent_dates, rebuild_ranges

D = date(2026, 3, 10)
NY = ZoneInfo("America/New_York")


def _stub(key: list[str], partitions_def=daily_partitions) -> dg.AssetsDefinition:
    """An asset under one of the pipeline's keys that reports what a test tells it."""

    @dg.asset(key=key, partitions_def=partitions_def)
    def stub(context) -> dg.MaterializeResult:
        changed = context.run.tags.get("test/changed", "")
        return dg.MaterializeResult(
            metadata={"changed_dates": dg.MetadataValue.json(changed.split() if changed else [])})

    return stub


RAW, BUILT = _stub(["raw_pos", "transaction"]), _stub(["marts", "rpt_daily_sales"])
DAILY_REPORT = _stub(["reports", "sales_dashboard"])
WEEKLY_REPORT = _stub(["reports", "inventory_analysis"], weekly_partitions)


def _land(instance, day: date, changed=(), tags=None) -> None:
    tags = {"test/changed": " ".join(d.isoformat() for d in changed), **(tags or {})}
    assert dg.materialize([RAW], partition_key=day.isoformat(), instance=instance,
                          tags=tags).success


@pytest.fixture
def instance():
    with dg.instance_for_test() as instance:
        yield instance


def _sensor(sensor, instance, cursor=None):
    with dg.build_sensor_context(instance=instance, cursor=cursor) as context:
        return sensor(context), context.cursor


def test_a_change_reaches_the_trailing_windows_and_the_same_day_a_year_later():
    changed = date(2025, 3, 10)
    reached = dependent_dates([changed])
    assert changed + timedelta(days=90) in reached and changed + timedelta(days=91) not in reached
    assert changed + timedelta(days=364) in reached
    landed = {changed + timedelta(days=n) for n in range(0, 400)} - {changed + timedelta(days=3)}
    assert rebuild_ranges([changed], landed) == [
        (changed, changed + timedelta(days=2)), (changed + timedelta(days=4),
                                                  changed + timedelta(days=90)),
        (changed + timedelta(days=364), changed + timedelta(days=364))]


def test_the_lookbacks_match_the_dbt_project():
    import yaml

    from store_pipeline.lib.dbt_manifest import DBT_PROJECT_DIR
    from store_pipeline.lib.rebuild import LONGEST_LOOKBACK_DAYS, SAME_DAY_LAST_YEAR_DAYS

    variables = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    # Dates a figure of date X reads: X - 59 .. X (dead stock), X - 27 .. X (trailing) and
    # X - 90 .. X (a return's matching sale).
    assert max(variables["dead_stock_days"], variables["trailing_days"],
               variables["unmatched_return_days"] + 1) == LONGEST_LOOKBACK_DAYS
    cashier_days = (DBT_PROJECT_DIR / "models" / "marts" / "fct_cashier_daily.sql").read_text()
    assert "lookback_days=unmatched_days" in cashier_days
    daily_sales = (DBT_PROJECT_DIR / "models" / "marts" / "rpt_daily_sales.sql").read_text()
    assert f"-{SAME_DAY_LAST_YEAR_DAYS})" in daily_sales


def test_what_a_run_built_itself_is_rebuilt_only_if_it_read_a_date_changed_outside_it():
    landed = {D - timedelta(days=n) for n in range(10)}
    itself = Landing("r", frozenset({D}), frozenset({D}))
    assert plan_rebuilds([itself], landed) == []
    late = Landing("r", frozenset({D - timedelta(days=2), D}), frozenset({D}))
    assert plan_rebuilds([late], landed) == [(D - timedelta(days=2), D)]


def test_a_landing_starts_analytics_over_the_dates_it_changed(instance):
    for n in range(5, 0, -1):
        _land(instance, D - timedelta(days=n), changed=[D - timedelta(days=n)])
    first, cursor = _sensor(landed_data_sensor, instance)
    [request] = first
    assert (request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG]) == (
        (D - timedelta(days=5)).isoformat(), (D - timedelta(days=1)).isoformat())
    # The next night: D lands and its backup also changed D - 2 (a register uploaded late).
    _land(instance, D, changed=[D - timedelta(days=2), D])
    second, cursor = _sensor(landed_data_sensor, instance, cursor)
    [request] = second
    assert (request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG]) == (
        (D - timedelta(days=2)).isoformat(), D.isoformat())
    third, _ = _sensor(landed_data_sensor, instance, cursor)
    assert isinstance(third, dg.SkipReason)


def test_runs_whose_launcher_rebuilt_their_dependents_are_left_to_it(instance):
    _land(instance, D, changed=[D], tags={DEPENDENTS_HANDLED_TAG: "true"})
    result, _ = _sensor(landed_data_sensor, instance)
    assert isinstance(result, dg.SkipReason)


def test_the_deadline_waits_for_ingestion_and_runs_once_per_landing(instance):
    day = D.isoformat()
    assert "has not landed" in analytics_deadline_skip(instance, day)
    ingestion = instance.create_run_for_job(
        dg.define_asset_job("ingestion_job", selection=[RAW]).resolve(
            asset_graph=dg.Definitions(assets=[RAW]).resolve_asset_graph()),
        tags={"dagster/partition": day}, status=dg.DagsterRunStatus.STARTED)
    assert "still running" in analytics_deadline_skip(instance, day)
    instance.report_run_failed(ingestion)
    _land(instance, D, changed=[D])
    assert analytics_deadline_skip(instance, day) is None
    assert dg.materialize([BUILT], partition_key=day, instance=instance).success
    assert "built after it landed" in analytics_deadline_skip(instance, day)


def test_on_the_spring_forward_night_analytics_waits_for_that_nights_ingestion(instance):
    """2026-03-08: 02:00 does not exist in New York, so 02:00 ingestion and 03:00 analytics of
    03-07 fire together; analytics skips while ingestion runs."""
    day = "2026-03-07"
    instance.create_run_for_job(
        dg.define_asset_job("ingestion_job", selection=[RAW]).resolve(
            asset_graph=dg.Definitions(assets=[RAW]).resolve_asset_graph()),
        tags={"dagster/partition": day}, status=dg.DagsterRunStatus.STARTED)
    tick = datetime(2026, 3, 8, 3, 0, tzinfo=NY)
    with dg.build_schedule_context(instance=instance, scheduled_execution_time=tick) as context:
        result = analytics_schedule(context)
    assert isinstance(result, dg.SkipReason) and day in result.skip_message


def test_a_week_is_rendered_once_its_sunday_is_built_and_again_when_a_day_is_rebuilt(instance):
    monday, sunday = date(2026, 3, 2), date(2026, 3, 8)
    for day in (monday, monday + timedelta(days=1)):
        assert dg.materialize([DAILY_REPORT], partition_key=day.isoformat(),
                              instance=instance).success
    waiting, cursor = _sensor(period_reports_sensor, instance)
    assert isinstance(waiting, dg.SkipReason)  # the week's Sunday is not built yet
    assert dg.materialize([DAILY_REPORT], partition_key=sunday.isoformat(),
                          instance=instance).success
    due, cursor = _sensor(period_reports_sensor, instance, cursor)
    assert [(r.job_name, r.partition_key) for r in due] == [("weekly_reports_job",
                                                             monday.isoformat())]
    assert dg.materialize([WEEKLY_REPORT], partition_key=monday.isoformat(),
                          instance=instance).success
    # A late backup rebuilt Tuesday: the week is rendered again.
    assert dg.materialize([DAILY_REPORT], partition_key=(monday + timedelta(days=1)).isoformat(),
                          instance=instance).success
    again, _ = _sensor(period_reports_sensor, instance, cursor)
    assert [r.partition_key for r in again] == [monday.isoformat()]
