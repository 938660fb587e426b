"""IT alerts: a run that really fails reaches IT by e-mail (and webhook); freshness misses are
alerted once each."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest

from store_pipeline.defs.ingestion.assets import pos_backup, raw_pos
from store_pipeline.defs.ingestion.jobs import ingestion_job
from store_pipeline.defs.operations import sensors as monitoring
from store_pipeline.defs.operations.alerts import AlertError, freshness_email, send_alert
from store_pipeline.defs.operations.sensors import freshness_alert, it_failure_alert
from store_pipeline.defs.resources.data_home import DataHome
from store_pipeline.defs.resources.notifications import Notifications
from store_pipeline.defs.resources.outbox import LocalOutbox
from store_pipeline.defs.resources.warehouse import DuckDBWarehouse
from store_pipeline.defs.resources.webhook import AlertWebhook
from store_pipeline.internals.freshness import FAIL, PASS, UNKNOWN, Freshness, evaluate
from store_pipeline_tests.notify_servers import (
    SmtpServer,
    free_port,
    smtp_fixture,  # noqa: F401  (provides the ``smtp`` fixture)
    webhook_server,
)

SUBSCRIPTIONS = """
subscribers:
  - {email: it-ops@example.com, role: it_operations}
  - {email: oncall@example.com, name: On Call, role: it_operations}
  - {email: cfo@example.com, role: c_suite}
"""


@pytest.fixture(scope="module")
def instance() -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test() as instance:
        yield instance


@pytest.fixture
def notifications(tmp_path: Path) -> Notifications:
    path = tmp_path / "subscriptions.yaml"
    path.write_text(SUBSCRIPTIONS, encoding="utf-8")
    return Notifications(subscriptions_file=str(path))


def _failed_ingestion(instance: dg.DagsterInstance, home: Path) -> dg.ExecuteInProcessResult:
    """ingestion_job for a date whose backup is not in the (empty) outbox."""
    (home / "outbox").mkdir()
    defs = dg.Definitions(assets=[pos_backup, raw_pos], jobs=[ingestion_job], resources={
        "outbox": LocalOutbox(path=str(home / "outbox")), "data_home": DataHome(home=str(home)),
        "warehouse": DuckDBWarehouse(path=str(home / "warehouse.duckdb"))})
    result = defs.resolve_job_def("ingestion_job").execute_in_process(
        instance=instance, partition_key="2026-01-02", raise_on_error=False)
    assert not result.success
    return result


def test_a_failed_run_reaches_it_operations(tmp_path, instance, smtp: SmtpServer, notifications):
    with webhook_server() as hook:
        result = _failed_ingestion(instance, tmp_path)
        context = dg.build_run_status_sensor_context(
            sensor_name="it_failure_alert", dagster_event=result.get_run_failure_event(),
            dagster_instance=instance, dagster_run=result.dagster_run,
            resources={"mailer": smtp.mailer(), "notifications": notifications,
                       "alert_webhook": AlertWebhook(url=hook.url)},
        )
        it_failure_alert(context)
    [alert] = smtp.received
    assert sorted(alert.rcpt_tos) == ["it-ops@example.com", "oncall@example.com"]
    assert alert.message["Subject"] == (
        "[store-pipeline] FAILED ingestion_job 2026-01-02: pos_backup")
    text = alert.message.get_body(("plain",)).get_content()
    html = alert.message.get_body(("html",)).get_content()
    error = "no backup for 2026-01-02: expected pos_YYYYMMDD files (e.g. pos_20260102.duckdb)"
    for part in (text, html):
        assert "ingestion_job" in part and "2026-01-02" in part and result.run_id in part
        assert "pos_backup" in part and error in part
        assert "dagster._core" not in part  # the message, not the exception's module path
    [post] = hook.posts
    assert "FAILED ingestion_job 2026-01-02" in post["text"] and error in post["text"]


def test_a_dead_webhook_does_not_stop_the_email_and_keeps_its_token(smtp: SmtpServer,
                                                                   notifications):
    dead = f"http://127.0.0.1:{free_port()}/hooks/T000/secret-token"
    email = freshness_email([Freshness("raw_pos/item", FAIL, None, None)])
    with pytest.raises(AlertError) as raised:
        send_alert(email, notifications.subscribers(), smtp.mailer(), AlertWebhook(url=dead))
    assert len(smtp.received) == 1
    assert "sent by ['e-mail to 2 recipient(s)']" in str(raised.value)
    assert "alert webhook at 127.0.0.1" in str(raised.value)
    assert "secret-token" not in str(raised.value)


@dg.asset(freshness_policy=dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=1)))
def hourly_figures() -> None:
    """An asset due every hour."""


@dg.asset(freshness_policy=dg.FreshnessPolicy.cron(deadline_cron="0 5 * * *",
                                                   lower_bound_delta=timedelta(hours=24)))
def never_built() -> None:
    """An asset never materialised: its freshness is unknown, not a miss."""


def _evaluate(instance, cursor, smtp: SmtpServer, notifications):
    defs = dg.Definitions(assets=[hourly_figures, never_built])
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, definitions=defs,
        resources={"mailer": smtp.mailer(), "notifications": notifications,
                   "alert_webhook": AlertWebhook()})
    result = freshness_alert(context)
    return result, context.cursor


def test_a_freshness_miss_is_alerted_once(instance, smtp: SmtpServer, notifications,
                                          monkeypatch):
    dg.materialize([hourly_figures], instance=instance)
    result, cursor = _evaluate(instance, None, smtp, notifications)
    assert result.skip_message == "no new freshness misses" and smtp.received == []
    monkeypatch.setattr(monitoring, "_now", lambda: datetime.now(UTC) + timedelta(hours=2))
    result, cursor = _evaluate(instance, cursor, smtp, notifications)
    assert result.skip_message.startswith("1 new freshness miss(es): e-mail to 2")
    result, cursor = _evaluate(instance, cursor, smtp, notifications)
    assert result.skip_message == "no new freshness misses"
    [alert] = smtp.received
    assert alert.message["Subject"] == "[store-pipeline] 1 asset(s) missed their freshness deadline"
    text = alert.message.get_body(("plain",)).get_content()
    assert "hourly_figures" in text and "never_built" not in text


def test_cron_freshness_follows_the_deadline_and_lower_bound():
    policy = dg.FreshnessPolicy.cron(deadline_cron="0 5 * * *",
                                     lower_bound_delta=timedelta(hours=24),
                                     timezone="America/New_York")
    now = datetime(2026, 3, 11, 12, tzinfo=UTC)  # 08:00 in New York, after the 05:00 deadline
    deadline = datetime(2026, 3, 11, 9, tzinfo=UTC)
    assert evaluate(policy, deadline - timedelta(hours=2), now) == (PASS, deadline)
    assert evaluate(policy, deadline - timedelta(hours=25), now) == (FAIL, deadline)
    assert evaluate(policy, None, now) == (UNKNOWN, deadline)
