"""Resources chosen by configuration: the outbox, the warehouse, dbt, the data home and
notifications (SMTP, subscriptions, alert webhook)."""

from __future__ import annotations

import os

import dagster as dg

from store_pipeline.defs.resources.data_home import DataHome
from store_pipeline.defs.resources.dbt import build_dbt
from store_pipeline.defs.resources.mssql import SqlServerWarehouse
from store_pipeline.defs.resources.notifications import Notifications
from store_pipeline.defs.resources.outbox import LocalOutbox, Outbox
from store_pipeline.defs.resources.sftp import SftpOutbox
from store_pipeline.defs.resources.smtp import SmtpMailer
from store_pipeline.defs.resources.warehouse import DuckDBWarehouse, Warehouse
from store_pipeline.defs.resources.webhook import AlertWebhook
from store_pipeline.lib.ingest.files import DEFAULT_PATTERN
from store_pipeline.lib.ingest.landing_plan import DEFAULT_RETENTION_DAYS
from store_pipeline.lib.settings import Settings


def build_warehouse(settings: Settings) -> Warehouse:
    """DuckDB unless ``STORE_PIPELINE_WAREHOUSE=sqlserver``."""
    landing = {"first_date": settings.start_date.isoformat(),
               "retention_days": int(os.environ.get("STORE_PIPELINE_POS_RETENTION_DAYS",
                                                    DEFAULT_RETENTION_DAYS))}
    if settings.warehouse == "sqlserver":
        return SqlServerWarehouse.from_env(**landing)
    memory = os.environ.get("STORE_PIPELINE_DUCKDB_MEMORY_LIMIT")  # as dbt's profile reads it
    return DuckDBWarehouse(path=str(settings.warehouse_path), **landing,
                           **({"memory_limit": memory} if memory else {}))


def build_outbox(settings: Settings) -> Outbox:
    """The POS host over SFTP when ``STORE_PIPELINE_SFTP_HOST`` is set, else a local folder;
    either way with the file-name pattern and ready marker of ``STORE_PIPELINE_OUTBOX_*``."""
    naming = {"pattern": os.environ.get("STORE_PIPELINE_OUTBOX_PATTERN") or DEFAULT_PATTERN,
              "ready_marker": os.environ.get("STORE_PIPELINE_OUTBOX_READY_MARKER", "")}
    if os.environ.get("STORE_PIPELINE_SFTP_HOST"):
        return SftpOutbox.from_env().model_copy(update=naming)
    return LocalOutbox(path=str(settings.outbox), **naming)


def build_resources(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    """The resources for the configuration in force."""
    return {
        "outbox": build_outbox(settings),
        "warehouse": build_warehouse(settings),
        "data_home": DataHome(home=str(settings.home)),
        "dbt": build_dbt(),
        "mailer": SmtpMailer.from_env(),
        "notifications": Notifications.from_env(),
        "alert_webhook": AlertWebhook.from_env(),
    }
