"""Stakeholder e-mails through a real SMTP server on 127.0.0.1: recipients, subjects, numbers,
attachments, the ledger, backfills, escaping, STARTTLS and a password that never shows."""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from store_pipeline.cli.runner import RANGE_END_TAG, RANGE_START_TAG
from store_pipeline.defs.notifications.assets import daily_emails, monthly_emails, weekly_emails
from store_pipeline.defs.notifications.delivery import partitions_to_email
from store_pipeline.defs.partitions import daily_partitions, weekly_partitions
from store_pipeline.defs.resources.data_home import DataHome
from store_pipeline.defs.resources.notifications import Notifications
from store_pipeline.defs.resources.smtp import MailError
from store_pipeline.defs.resources.warehouse import DuckDBWarehouse
from store_pipeline.lib.reports.page import page
from store_pipeline_tests.notify_servers import (
    SmtpServer,
    self_signed_cert,
    smtp_fixture,  # noqa: F401  (provides the ``smtp`` fixture)
    smtp_server,
)

XSS = "<script>alert(1)</script>"
DAY = "2026-03-10"
WEEK = "2026-03-09"
MONTH = "2026-03-01"
URL = "https://reports.example.com/store/"
SHARED_PLOTLY = re.compile(r'<script[^>]*src="[^"]*plotly[^"]*"')
SALES = [  # business_date, store_code, store_name, region, net_sales, transactions, margin
    ("2026-02-10", "S001", "Downtown", "North", 2000.0, 80, 700.0),
    ("2026-03-03", "S001", "Downtown", "North", 1000.0, 50, 300.0),
    ("2026-03-09", "S001", "Downtown", "North", 900.0, 45, 300.0),
    ("2026-03-10", "S001", "Downtown", "North", 1200.0, 48, 480.0),
    ("2026-03-10", "S002", XSS, "South", 800.0, 40, 320.0),
]
INVENTORY = [  # date, store, sku, on_hand_value, below_reorder_point, is_stockout, is_dead_stock
    ("2026-03-09", "S001", "P1", 10.0, 1, 1, 1),
    ("2026-03-10", "S001", "P1", 0.0, 1, 1, 0),
    ("2026-03-10", "S001", "P2", 40.0, 1, 0, 0),
    ("2026-03-10", "S001", "P3", 150.25, 0, 0, 1),
    ("2026-03-10", "S002", "P1", 99.0, 0, 0, 1),
]
CASHIERS = [  # date, store, number, name, transactions, void, return, discount flags
    ("2026-03-10", "S001", "104", "Eli", 30, 1, 0, 1),
    ("2026-03-10", "S001", "105", "Fay", 40, 0, 0, 0),
    ("2026-03-10", "S002", "201", "Gus", 25, 0, 1, 0),
]
BATCHES = [  # date, store, register, batch, over_short, flagged
    ("2026-03-10", "S001", 2, 17, -35.0, 1),
    ("2026-03-10", "S001", 1, 16, 1.5, 0),
]
SUBSCRIPTIONS = """
subscribers:
  - {email: dana@example.com, name: Dana Reyes, role: store_manager, stores: [S001, S999]}
  - {email: xss.manager@example.com, role: store_manager, stores: [S002]}
  - {email: north@example.com, role: regional_director, regions: [North]}
  - {email: cfo@example.com, role: c_suite}
  - {email: it@example.com, role: it_operations}
"""


def _warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.rpt_daily_sales (business_date DATE, store_code VARCHAR, "
                "store_name VARCHAR, region VARCHAR, net_sales DECIMAL(19,4), "
                "transactions INTEGER, gross_margin DECIMAL(19,4))")
    con.executemany("INSERT INTO marts.rpt_daily_sales VALUES (?, ?, ?, ?, ?, ?, ?)", SALES)
    con.execute("CREATE TABLE marts.rpt_inventory_status (business_date DATE, store_code VARCHAR,"
                " sku VARCHAR, on_hand_value DECIMAL(19,4), below_reorder_point INTEGER, "
                "is_stockout INTEGER, is_dead_stock INTEGER)")
    con.executemany("INSERT INTO marts.rpt_inventory_status VALUES (?, ?, ?, ?, ?, ?, ?)",
                    INVENTORY)
    con.execute("CREATE TABLE marts.rpt_cashier_exceptions (business_date DATE, "
                "store_code VARCHAR, employee_number VARCHAR, employee_name VARCHAR, "
                "transactions INTEGER, void_flag INTEGER, return_flag INTEGER, "
                "discount_flag INTEGER)")
    con.executemany("INSERT INTO marts.rpt_cashier_exceptions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    CASHIERS)
    con.execute("CREATE TABLE marts.rpt_cash_over_short (business_date DATE, store_code VARCHAR,"
                " register_number INTEGER, batch_number INTEGER, over_short DECIMAL(19,2), "
                "flagged INTEGER)")
    con.executemany("INSERT INTO marts.rpt_cash_over_short VALUES (?, ?, ?, ?, ?, ?)", BATCHES)
    con.close()


def _report(reports: Path, relative: str, title: str) -> None:
    """A report page in the renderer's own shell (which loads the shared plotly.js)."""
    path = reports / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page(title, "a test page", "<p>charts</p>"), encoding="utf-8")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A data home with report marts, rendered reports and a subscriptions file."""
    _warehouse(tmp_path / "warehouse.duckdb")
    reports = tmp_path / "reports"
    for day in ("2026-03-09", DAY):
        _report(reports, f"daily/{day}/store_day.html", f"Store day {day}")
    _report(reports, f"weekly/{WEEK}/region_week.html", "Region week")
    _report(reports, "monthly/2026-03/business_review.html", "Business review")
    (tmp_path / "subscriptions.yaml").write_text(SUBSCRIPTIONS, encoding="utf-8")
    return tmp_path


def _resources(home: Path, mailer, **notifications: str) -> dict:
    settings = {"subscriptions_file": str(home / "subscriptions.yaml")} | notifications
    return {"warehouse": DuckDBWarehouse(path=str(home / "warehouse.duckdb")),
            "data_home": DataHome(home=str(home)), "mailer": mailer,
            "notifications": Notifications(**settings)}


def _run(asset, resources: dict, partition: str | None = None, config: dict | None = None,
         tags: dict | None = None, instance: dg.DagsterInstance | None = None):
    run_config = {"ops": {asset.op.name: {"config": config}}} if config else None
    result = dg.materialize([asset], partition_key=partition, resources=resources,
                            run_config=run_config, tags=tags, instance=instance)
    materializations = result.asset_materializations_for_node(asset.op.name)
    return result, materializations[-1].metadata  # one per partition, the same metadata


def _parts(received) -> tuple[str, str, list]:
    message = received.message
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html, list(message.iter_attachments())


def test_store_managers_get_their_stores_day_with_their_stores_page(home, smtp: SmtpServer):
    _, metadata = _run(daily_emails, _resources(home, smtp.mailer()), DAY)
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == [
        "dana@example.com", "xss.manager@example.com"]
    [dana] = smtp.to("dana@example.com")
    assert dana.message["Subject"] == "Daily sales 2026-03-10: S001 Downtown"
    assert dana.message["To"] == "Dana Reyes <dana@example.com>"
    assert dana.message["From"] == "pipeline@example.com"
    text, html, [attachment] = _parts(dana)
    for part in (text, html):
        assert "S001 Downtown" in part and "region North" in part
        assert "1,200.00" in part and "+20.0%" in part  # net sales vs 1,000.00 a week before
        assert "48" in part and "-4.0%" in part  # transactions vs 50
        assert "25.00" in part and "+25.0%" in part  # ATV vs 20.00
        assert "Cashier exceptions: #104 Eli (voids, discounts)." in part  # not Fay, not Gus
        assert "Drawers over or short: register 2 batch 17: -35.00." in part
    assert attachment.get_filename() == "store_day_2026-03-10.html"
    attached = attachment.get_content()
    attached = attached.decode() if isinstance(attached, bytes) else attached
    original = (home / "reports" / "daily" / DAY / "store_day.html").read_text()
    assert SHARED_PLOTLY.search(original) and not SHARED_PLOTLY.search(attached)
    assert "Store day 2026-03-10" in attached
    assert 'if (!location.hash) location.hash = "store=S001";' in attached  # opens on S001
    assert len(attached) > 1_000_000 and "Plotly" in attached  # plotly.js inlined
    assert metadata["sent"].value == 2
    assert "dana@example.com: unknown store 'S999'" in str(metadata["details"].value["warnings"])


def test_pos_text_shows_as_text_in_the_html(home, smtp: SmtpServer):
    _run(daily_emails, _resources(home, smtp.mailer(), reports_url=URL), DAY)
    [received] = smtp.to("xss.manager@example.com")
    text, html, _ = _parts(received)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()
    assert XSS in text  # plain text is never rendered
    assert "n/a" in text  # no row a week before: no change shown
    assert "Cashier exceptions: #201 Gus (returns)." in text
    assert "Drawers over or short: none." in text


def test_a_rerun_sends_nothing_twice_unless_asked(home, smtp: SmtpServer):
    resources = _resources(home, smtp.mailer(), reports_url=URL)
    _run(daily_emails, resources, DAY)
    _, again = _run(daily_emails, resources, DAY)
    assert len(smtp.received) == 2
    assert again["sent"].value == 0 and again["already_sent"].value == 2
    _, forced = _run(daily_emails, resources, DAY, config={"resend": True})
    assert forced["sent"].value == 2 and len(smtp.received) == 4
    assert (home / "notifications" / "sent.sqlite").is_file()


def test_regional_directors_get_their_regions_stock(home, smtp: SmtpServer):
    _run(weekly_emails, _resources(home, smtp.mailer()), WEEK)
    [north] = smtp.received
    assert north.rcpt_tos == ["north@example.com"]
    assert north.message["Subject"] == "Weekly inventory, week of 2026-03-09: North"
    text, html, [attachment] = _parts(north)
    for part in (text, html):
        assert "stock as of 2026-03-10" in part
        assert "Stockouts" in part and "At or below reorder point" in part
        assert "150.25" in part  # dead stock of the last day only, South's not included
        assert "190.25" in part  # on-hand value
    rows = {line.rsplit(None, 1)[0]: line.rsplit(None, 1)[1] for line in text.splitlines()
            if line.startswith(("Stockouts", "At or below"))}
    assert rows == {"Stockouts": "1", "At or below reorder point": "2"}
    assert attachment.get_filename() == "region_week_2026-03-09.html"
    assert 'location.hash = "region=North";' in attachment.get_content()


def test_the_c_suite_gets_the_month(home, smtp: SmtpServer):
    _run(monthly_emails, _resources(home, smtp.mailer()), MONTH)
    [cfo] = smtp.received
    assert cfo.rcpt_tos == ["cfo@example.com"]
    assert cfo.message["Subject"] == "Business review March 2026"
    text, html, [attachment] = _parts(cfo)
    for part in (text, html):
        assert "3,900.00" in part  # net sales of March
        assert "+95.0%" in part  # vs 2,000.00 in February
        assert "1,400.00" in part and "35.9%" in part  # gross margin and margin %
    assert attachment.get_filename() == "business_review_2026-03.html"


def test_a_reports_url_links_straight_to_the_readers_store_or_region(home, smtp: SmtpServer):
    _run(daily_emails, _resources(home, smtp.mailer(), reports_url=URL), DAY)
    for reader, store in (("dana@example.com", "S001"), ("xss.manager@example.com", "S002")):
        [received] = smtp.to(reader)
        text, html, attachments = _parts(received)
        link = f"https://reports.example.com/store/daily/2026-03-10/store_day.html#store={store}"
        assert attachments == []
        assert f'href="{link}"' in html and link in text
    _run(weekly_emails, _resources(home, smtp.mailer(), reports_url=URL), WEEK)
    [north] = smtp.to("north@example.com")
    link = "https://reports.example.com/store/weekly/2026-03-09/region_week.html#region=North"
    assert link in _parts(north)[0]


def test_a_backfill_sends_nothing_by_default(home, smtp: SmtpServer):
    resources = _resources(home, smtp.mailer(), reports_url=URL)
    tags = {RANGE_START_TAG: "2026-03-08", RANGE_END_TAG: DAY}
    _, metadata = _run(daily_emails, resources, tags=tags)
    assert smtp.received == []
    assert metadata["status"].value.startswith("skipped: backfill of 3 partitions")
    _, metadata = _run(daily_emails, resources, tags=tags, config={"range_policy": "all"})
    assert sorted((r.rcpt_tos[0], r.message["Subject"][12:22]) for r in smtp.received) == [
        ("dana@example.com", "2026-03-09"), ("dana@example.com", "2026-03-10"),
        ("xss.manager@example.com", "2026-03-10")]


def test_newest_sends_only_a_catch_up_of_the_latest_period():
    keys = ["2026-03-08", "2026-03-09", "2026-03-10"]
    morning_after = datetime(2026, 3, 11, 12, tzinfo=UTC)
    assert partitions_to_email(keys, daily_partitions, "newest", morning_after) == (
        ["2026-03-10"], ["2026-03-08", "2026-03-09"])
    assert partitions_to_email(keys, daily_partitions, "newest", datetime(2026, 4, 1, tzinfo=UTC)
                               ) == ([], keys)
    assert partitions_to_email(keys[-1:], daily_partitions, "none", morning_after) == (
        keys[-1:], [])  # one partition: always e-mailed
    weeks = ["2026-02-23", "2026-03-02", "2026-03-09"]  # the last one is still in progress
    assert partitions_to_email(weeks[:2], weekly_partitions, "newest", morning_after)[0] == [
        "2026-03-02"]
    assert partitions_to_email(weeks, weekly_partitions, "newest", morning_after)[0] == []


def test_no_subscriptions_no_email(home, smtp: SmtpServer):
    resources = _resources(home, smtp.mailer(), subscriptions_file="")
    _, metadata = _run(daily_emails, resources, DAY)
    assert smtp.received == []
    assert metadata["status"].value == "no subscriptions for store_manager"


def test_starttls_with_a_login_and_the_password_never_logged(home, tmp_path, caplog,
                                                             monkeypatch):
    password = "s3cret-Pa55word"
    monkeypatch.setenv("STORE_PIPELINE_SMTP_PASSWORD", password)
    cert, key = self_signed_cert(tmp_path)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.WARNING, logger="mail.log")  # aiosmtpd logs every line received
    with smtp_server(cert=cert, key=key, user="pipeline", password=password) as server:
        mailer = server.mailer(starttls=True, ca_file=str(cert), user="pipeline",
                               password=dg.EnvVar("STORE_PIPELINE_SMTP_PASSWORD"))
        with dg.instance_for_test() as instance:
            result, _ = _run(monthly_emails, _resources(home, mailer, reports_url=URL), MONTH,
                             instance=instance)
            logs = "\n".join(str(entry) for entry in instance.all_logs(result.run_id))
        plain = server.mailer(user="pipeline", password=password)  # no STARTTLS: no AUTH
        with pytest.raises(MailError) as refused, plain.session():
            pass
    [received] = server.received
    assert received.tls and received.login == "pipeline"
    assert server.passwords_seen == [password]
    assert "AUTH extension not supported" in str(refused.value)  # nothing sent in clear
    assert "sent 2026-03-01 business_review -> cfo@example.com" in logs
    for text in (logs, caplog.text, str(refused.value), repr(mailer)):
        assert password not in text


def test_mail_settings_come_from_the_environment(monkeypatch):
    from store_pipeline.defs.resources.smtp import SmtpMailer

    monkeypatch.setenv("STORE_PIPELINE_SMTP_HOST", "mail.example.com")
    monkeypatch.setenv("STORE_PIPELINE_SMTP_PORT", "587")
    monkeypatch.setenv("STORE_PIPELINE_SMTP_STARTTLS", "true")
    monkeypatch.setenv("STORE_PIPELINE_SMTP_FROM", "Store reports <reports@example.com>")
    monkeypatch.setenv("STORE_PIPELINE_SMTP_PASSWORD", "hidden")
    mailer = SmtpMailer.from_env()
    assert (mailer.host, mailer.port, mailer.starttls) == ("mail.example.com", 587, True)
    assert mailer.sender == "Store reports <reports@example.com>"
    assert isinstance(mailer.password, dg.EnvVar) and "hidden" not in repr(mailer)
    monkeypatch.setenv("STORE_PIPELINE_SMTP_PORT", "smtp")
    with pytest.raises(MailError, match="not a port number"):
        SmtpMailer.from_env()
    assert date.fromisoformat(DAY).weekday() == 1  # the fixture's day is a Tuesday
