"""Store alerts: the three rules on hand-made marts, and each alert e-mailed once to its store's
managers and IT through a real SMTP server on 127.0.0.1 (and posted once to a webhook), even
when the day runs again; the health page lists them."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from store_pipeline.defs.notifications.assets import alert_log, store_alerts
from store_pipeline.defs.operations.health_page import health_page
from store_pipeline.defs.resources.data_home import DataHome
from store_pipeline.defs.resources.notifications import Notifications
from store_pipeline.defs.resources.warehouse import DuckDBWarehouse
from store_pipeline.defs.resources.webhook import AlertWebhook
from store_pipeline.lib.notify.store_alerts import (
    forecast_alerts,
    refund_spike_alerts,
    register_down_alerts,
)
from store_pipeline_tests.notify_servers import (
    SmtpServer,
    smtp_fixture,  # noqa: F401  (provides the ``smtp`` fixture)
    webhook_server,
)

DAY = date(2026, 3, 10)
SUBSCRIPTIONS = """
subscribers:
  - {email: dana@example.com, role: store_manager, stores: [S001]}
  - {email: sam@example.com, role: store_manager, stores: [S002]}
  - {email: it-ops@example.com, role: it_operations}
  - {email: cfo@example.com, role: c_suite}
"""


def _daily() -> pd.DataFrame:
    """Five weeks of ordinary days for S001 and S002; on DAY, S001 sells three times its usual
    and S002 refunds 900.00 (its usual: 20.00 a day)."""
    rows = []
    for k in range(35, -1, -1):
        day = DAY - timedelta(days=k)
        weekday_bump = 10.0 * day.weekday()
        for store, sales in (("S001", 1000.0), ("S002", 2000.0)):
            rows.append({"business_date": day, "store_code": store,
                         "net_sales": sales + weekday_bump + (k % 3), "transactions": 50 + k % 2,
                         "returns": 20.0})
    frame = pd.DataFrame(rows)
    today = frame.business_date == DAY
    frame.loc[today & (frame.store_code == "S001"), "net_sales"] *= 3
    frame.loc[today & (frame.store_code == "S002"), "returns"] = 900.0
    return frame


def _hourly() -> pd.DataFrame:
    """On DAY, S001 rings from 09:00, S002 only from 13:00."""
    return pd.DataFrame([(DAY, store, hour, 5) for store, first in (("S001", 9), ("S002", 13))
                         for hour in range(first, 20)],
                        columns=["business_date", "store_code", "hour", "transactions"])


def test_sales_far_above_the_same_weekdays_fall_outside_the_interval():
    [alert] = forecast_alerts(_daily(), DAY)
    assert (alert.store_code, alert.kind) == ("S001", "forecast_net_sales")
    assert "above the forecast interval" in alert.detail
    ordinary = _daily()[_daily().business_date < DAY]
    assert forecast_alerts(ordinary, DAY - timedelta(days=1)) == []


def test_the_chains_first_day_has_no_history_and_no_forecast_alert():
    first = _daily().business_date.min()
    assert forecast_alerts(_daily(), first) == []


def test_no_sale_before_the_configured_hour_is_a_register_down():
    daily, hourly = _daily(), _hourly()
    assert [a.store_code for a in register_down_alerts(daily, hourly, DAY, 11)] == ["S002"]
    assert [a.store_code for a in register_down_alerts(daily, hourly, DAY, 13)] == ["S002"]
    assert register_down_alerts(daily, hourly, DAY, 14) == []  # hour 13 is before 14
    assert [a.store_code for a in register_down_alerts(daily, hourly, DAY, 9)] == ["S001",
                                                                                   "S002"]
    no_hours = hourly[hourly.store_code == "S001"]
    [down] = register_down_alerts(daily, no_hours, DAY, 11)
    assert down.store_code == "S002" and "no sale all day" in down.detail


def test_refunds_three_times_the_trailing_mean_are_a_spike():
    [spike] = refund_spike_alerts(_daily(), DAY)
    assert spike.store_code == "S002" and "900.00" in spike.detail
    small = _daily()
    small.loc[small.business_date == DAY, "returns"] = 110.0  # 5.5 x the mean, +90.00 only
    assert refund_spike_alerts(small, DAY) == []


@pytest.fixture
def home(tmp_path: Path) -> Path:
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("CREATE SCHEMA marts")
    for name, frame in (("rpt_daily_sales", _daily()), ("rpt_hourly_sales", _hourly())):
        con.register("frame", frame)
        con.execute(f"CREATE TABLE marts.{name} AS SELECT * FROM frame")
        con.unregister("frame")
    con.execute("ALTER TABLE marts.rpt_daily_sales ALTER business_date TYPE DATE")
    con.execute("ALTER TABLE marts.rpt_hourly_sales ALTER business_date TYPE DATE")
    con.close()
    (tmp_path / "subscriptions.yaml").write_text(SUBSCRIPTIONS, encoding="utf-8")
    return tmp_path


def test_each_alert_goes_once_to_its_managers_and_it(home, smtp: SmtpServer, monkeypatch):
    monkeypatch.setenv("STORE_PIPELINE_REGISTER_DOWN_HOUR", "11")
    with webhook_server() as hook:
        resources = {"warehouse": DuckDBWarehouse(path=str(home / "warehouse.duckdb")),
                     "data_home": DataHome(home=str(home)), "mailer": smtp.mailer(),
                     "alert_webhook": AlertWebhook(url=hook.url),
                     "notifications": Notifications(
                         subscriptions_file=str(home / "subscriptions.yaml"))}
        for _ in range(2):
            result = dg.materialize([store_alerts], partition_key=DAY.isoformat(),
                                    resources=resources)
        posts = list(hook.posts)
    [metadata] = [m.metadata for m in result.asset_materializations_for_node(
        store_alerts.op.name)]
    subjects = sorted((r.rcpt_tos[0], " ".join(r.message["Subject"].split()))
                      for r in smtp.received)
    assert subjects == [
        ("dana@example.com", "[store-pipeline] ALERT S001 2026-03-10: net sales outside the "
                             "forecast"),
        ("it-ops@example.com", "[store-pipeline] ALERT S001 2026-03-10: net sales outside the "
                               "forecast"),
        ("it-ops@example.com", "[store-pipeline] ALERT S002 2026-03-10: refund spike"),
        ("it-ops@example.com", "[store-pipeline] ALERT S002 2026-03-10: register down"),
        ("sam@example.com", "[store-pipeline] ALERT S002 2026-03-10: refund spike"),
        ("sam@example.com", "[store-pipeline] ALERT S002 2026-03-10: register down"),
    ]
    assert len(posts) == 3 and all("ALERT" in p["text"] for p in posts)
    assert metadata["alerts"].value == 3
    assert metadata["sent"].value == 0 and metadata["already_sent"].value == 9
    logged = alert_log(DataHome(home=str(home))).since(DAY)
    assert [(a.store_code, a.kind) for a in logged] == [
        ("S001", "forecast_net_sales"), ("S002", "refund_spike"), ("S002", "register_down")]


def test_the_health_page_lists_the_alerts(home):
    from datetime import UTC, datetime

    from store_pipeline.defs.operations.health import Health
    from store_pipeline.lib.notify.store_alerts import StoreAlert

    now = datetime(2026, 3, 11, 6, tzinfo=UTC)
    health = Health(generated=now, since=now - timedelta(days=30), jobs=(), failures=(),
                    partitioned_assets=0, gaps=(), freshness=())
    alert = StoreAlert(DAY, "S002", "refund_spike", "returns <b>900.00</b>")
    page = health_page(health, [alert])
    assert "Store alerts: 1" in page and "refund_spike" in page
    assert "returns &lt;b&gt;900.00&lt;/b&gt;" in page
    assert "Store alerts: none in the window." in health_page(health)
