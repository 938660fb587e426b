"""``SqlServerWarehouse``: the production warehouse, and the server that restores POS backups.

pyodbc is imported only when a connection is opened, so the embedded default runs without
unixODBC. The password is a ``dagster.EnvVar``: it is left out of every repr and log, and joins
the connection string only at connect time.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd
from pydantic import Field

from store_pipeline.defs.resources.warehouse import Fetch, Warehouse, WriteDays
from store_pipeline.lib.csv_export import write_rows_days
from store_pipeline.lib.dbt_views import existing_views
from store_pipeline.lib.forecast_tables import SCHEMA, ForecastTable
from store_pipeline.lib.ingest import mssql_restore
from store_pipeline.lib.ingest.landing import LandedDate
from store_pipeline.lib.ingest.tsql import IdentifierError, check_identifier, join_server_path

ENV_PREFIX = "STORE_PIPELINE_MSSQL_"
PASSWORD_ENV = ENV_PREFIX + "PASSWORD"
DEFAULT_DRIVER = "ODBC Driver 18 for SQL Server"
# The same defaults as the dbt profile's sqlserver target, so both reach one warehouse.
DEFAULT_DATABASE = "store_analytics"
DEFAULT_USER = "sa"
DEFAULT_RESTORE_DATABASE = "pos_restore"
_TEXT_ENV = {"server": "SERVER", "database": "DATABASE", "user": "USER", "driver": "DRIVER",
             "restore_database": "RESTORE_DATABASE", "backup_dir": "BACKUP_DIR",
             "data_dir": "DATA_DIR", "log_dir": "LOG_DIR"}
_FLAG_ENV = {"encrypt": "ENCRYPT", "trust_cert": "TRUST_CERT"}
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}
_ODBC_SPECIAL = set(";{}=")
_logger = dg.get_dagster_logger(__name__)


class SqlServerConfigError(ValueError):
    """A missing or malformed ``STORE_PIPELINE_MSSQL_*`` setting."""


def _flag(var: str, text: str) -> bool:
    value = text.strip().lower()
    if value not in _TRUE | _FALSE:
        raise SqlServerConfigError(f"{var}={text!r}: use true or false")
    return value in _TRUE


def _braced(value: str) -> str:
    return "{" + value.replace("}", "}}") + "}"


def _odbc_value(value: str) -> str:
    """An ODBC connection-string value, braced (``}`` doubled) when it needs to be."""
    return _braced(value) if _ODBC_SPECIAL & set(value) or value != value.strip() else value


class SqlServerWarehouse(Warehouse):
    """The SQL Server warehouse (schema raw_pos and the dbt models) and its restore settings.

    ``restore_database`` is a scratch database each backup replaces; ``backup_dir`` is the
    landing folder as the SQL Server host sees it (default: the landing path itself);
    ``data_dir``/``log_dir`` receive the restored files (default: the instance's folders).
    """

    server: str
    port: int = 1433
    database: str = DEFAULT_DATABASE
    user: str = DEFAULT_USER
    password: str = Field(repr=False, description=f"give as EnvVar({PASSWORD_ENV!r})")
    driver: str = DEFAULT_DRIVER
    encrypt: bool = True
    trust_cert: bool = False
    restore_database: str = DEFAULT_RESTORE_DATABASE
    backup_dir: str | None = None
    data_dir: str | None = None
    log_dir: str | None = None
    login_timeout: int = 30

    @classmethod
    def from_env(cls, **landing: Any) -> SqlServerWarehouse:
        """Configure from ``STORE_PIPELINE_MSSQL_*``; the password stays an ``EnvVar``;
        ``landing`` sets the landing fields of every warehouse."""
        missing = [var for var in (ENV_PREFIX + "SERVER", PASSWORD_ENV) if not os.environ.get(var)]
        if missing:
            raise SqlServerConfigError(f"the SQL Server warehouse needs {', '.join(missing)}")
        values: dict[str, Any] = {
            field: os.environ[ENV_PREFIX + var] for field, var in _TEXT_ENV.items()
            if os.environ.get(ENV_PREFIX + var)}
        values |= {field: _flag(ENV_PREFIX + var, os.environ[ENV_PREFIX + var])
                   for field, var in _FLAG_ENV.items() if os.environ.get(ENV_PREFIX + var)}
        if port := os.environ.get(ENV_PREFIX + "PORT"):
            if not port.isdigit():
                raise SqlServerConfigError(f"{ENV_PREFIX}PORT={port!r} is not a port number")
            values["port"] = int(port)
        try:
            check_identifier(values.get("restore_database", DEFAULT_RESTORE_DATABASE))
        except IdentifierError as error:
            raise SqlServerConfigError(f"{ENV_PREFIX}RESTORE_DATABASE: {error}") from None
        return cls(password=dg.EnvVar(PASSWORD_ENV), **values, **landing)

    def connection_string(self) -> str:
        """The ODBC connection string without the password (safe to show)."""
        parts = {
            "DRIVER": _braced(self.driver),
            "SERVER": _odbc_value(f"{self.server},{self.port}"),
            "DATABASE": _odbc_value(self.database),
            "UID": _odbc_value(self.user),
            "Encrypt": "yes" if self.encrypt else "no",
            "TrustServerCertificate": "yes" if self.trust_cert else "no",
            "APP": "store-pipeline",
        }
        return ";".join(f"{key}={value}" for key, value in parts.items())

    def _password(self) -> str:
        if isinstance(self.password, dg.EnvVar):
            return self.password.get_value() or ""
        return self.password

    @contextlib.contextmanager
    def connect(self, timeout: int | None = None) -> Iterator[Any]:
        """An autocommit pyodbc connection (RESTORE refuses to run in a transaction); closed
        on exit. ``timeout`` bounds the login, in seconds."""
        import pyodbc

        secret = f"{self.connection_string()};PWD={_odbc_value(self._password())}"
        connection = pyodbc.connect(secret, autocommit=True,
                                    timeout=timeout or self.login_timeout)
        try:
            yield connection
        finally:
            connection.close()

    def restore_target(self, path: Path) -> mssql_restore.RestoreTarget:
        """Where SQL Server reads ``path`` and restores it."""
        backup = (join_server_path(self.backup_dir, path.name) if self.backup_dir
                  else str(path.resolve()))
        return mssql_restore.RestoreTarget(backup=backup, label=path.name,
                                           database=self.restore_database,
                                           data_dir=self.data_dir, log_dir=self.log_dir)

    def land_backups(self, backups: Sequence[tuple[Path, date]],
                     log: Callable[[str], None]) -> Iterator[LandedDate]:
        """Restore each backup, validate it and land its business date in raw_pos, one
        transaction per date (each restore replaces the scratch database)."""
        with self.connect() as connection:
            cursor = connection.cursor()
            for path, business_date in backups:
                yield mssql_restore.land_backup(cursor, self.restore_target(path),
                                                business_date, log, *self.landing_rules())

    def landed_dates(self, start: date, end: date) -> set[date]:
        with self.connect() as connection:
            return mssql_restore.landed_dates(connection.cursor(), start, end)

    def views(self) -> set[tuple[str, str]]:
        with self.connect() as connection:
            return existing_views(connection.cursor())

    @contextlib.contextmanager
    def reader(self, log: Callable[[str], None] | None = None) -> Iterator[Fetch]:
        with self.connect() as connection:
            yield partial(read_window, connection)

    @contextlib.contextmanager
    def exporter(self, log: Callable[[str], None] | None = None) -> Iterator[WriteDays]:
        with self.connect() as connection:
            yield partial(write_rows_days, partial(read_day, connection))

    def replace_forecast(self, table: ForecastTable, frame: pd.DataFrame,
                         forecast_date: date) -> None:
        with self.connect() as connection:
            replace_forecast_rows(connection.cursor(), table, frame, forecast_date)

    def verify_backup(self, path: Path) -> None:
        """RESTORE VERIFYONLY on ``path``; a RestoreError says what is wrong with it."""
        with self.connect() as connection:
            mssql_restore.verify(connection.cursor(), self.restore_target(path), _logger.info)


def replace_forecast_rows(cursor: Any, table: ForecastTable, frame: pd.DataFrame,
                          forecast_date: date) -> None:
    """Create schema and table when missing, then swap ``forecast_date``'s rows in one
    transaction."""
    name = f"{SCHEMA}.{table.name}"
    columns = ", ".join(f"[{c}]" for c in table.column_names)
    rows = [tuple(None if pd.isna(v) else v for v in row)
            for row in frame[table.column_names].itertuples(index=False)]
    cursor.execute(f"IF SCHEMA_ID(N'{SCHEMA}') IS NULL EXEC(N'CREATE SCHEMA {SCHEMA}')")
    cursor.execute(f"IF OBJECT_ID(N'{name}', N'U') IS NULL {table.create_sql('[')}")
    cursor.execute("BEGIN TRANSACTION")
    try:
        cursor.execute(f"DELETE FROM {name} WHERE forecast_date = ?", forecast_date)
        if rows:
            cursor.fast_executemany = True
            cursor.executemany(f"INSERT INTO {name} ({columns}) VALUES "
                               f"({', '.join('?' * len(table.columns))})", rows)
        cursor.execute("COMMIT TRANSACTION")
    except Exception:
        cursor.execute("ROLLBACK TRANSACTION")
        raise


def select_window(connection: Any, table: str, start: date, end: date,
                  date_column: str = "business_date") -> tuple[list[str], list[Any]]:
    """Column names and rows of ``[marts].[<table>]`` with ``start <= date_column <= end``,
    as pyodbc returns them (Decimal, date, datetime, bool, None)."""
    sql = (f"SELECT * FROM [marts].[{check_identifier(table)}] "
           f"WHERE {check_identifier(date_column)} BETWEEN ? AND ?")
    cursor = connection.cursor()
    cursor.execute(sql, start, end)
    return [d[0] for d in cursor.description], cursor.fetchall()


def read_day(connection: Any, table: str, day: date) -> tuple[list[str], list[Any]]:
    """One business date of ``select_window``: what an export writes."""
    return select_window(connection, table, day, day)


def read_window(connection: Any, table: str, start: date, end: date,
                date_column: str = "business_date") -> pd.DataFrame:
    """``select_window`` as the frame DuckDB gives for the same rows: decimals as floats,
    dates as datetime64, so the reports compute alike on both warehouses."""
    columns, rows = select_window(connection, table, start, end, date_column)
    frame = pd.DataFrame.from_records([tuple(row) for row in rows], columns=columns)
    for column in frame.columns:
        values = frame[column].dropna()
        if len(values) and all(isinstance(v, Decimal) for v in values):
            frame[column] = frame[column].astype("float64")
        elif len(values) and all(type(v) is date for v in values):
            frame[column] = pd.to_datetime(frame[column])
    return frame
