"""Dagster's PostgreSQL storage, with a connection kept open per storage and process.

Dagster's PostgreSQL storages open a new connection for every statement (SQLAlchemy's
``NullPool``): a TCP handshake, a password exchange (SCRAM's key derivation on both ends) and a
new server process each time. A daily run writes a few hundred events and looks up the latest
record of each asset it materialises, so on the command line, in the run worker and in the
daemon the connections cost more than the statements. This storage keeps the same tables and
rows, and gives the run and schedule storages a pool that keeps one connection open, the event
log one that keeps two (it writes an asset's event while it holds a connection for the run's);
connections beyond those (threads at once) open and close as before.

- A kept connection is checked (``pre_ping``) each time it is taken, so a server that
  restarted or dropped it costs one reconnect, not an error.
- It is replaced after ``POOL_RECYCLE_SECONDS``, ahead of servers and proxies that close idle
  connections.
- A forked child (the report workers) forgets the connections it inherited instead of sharing
  its parent's sockets.

The webserver replaces these pools with its own (Dagster's ``optimize_for_webserver``).
"""

from __future__ import annotations

import os
import weakref

import sqlalchemy
from dagster._core.storage.config import PostgresStorageConfig
from dagster._serdes import ConfigurableClassData
from dagster_postgres import DagsterPostgresStorage
from dagster_postgres.utils import (
    create_pg_engine,
    get_token_provider_from_config,
    pg_url_from_config,
)

POOL_RECYCLE_SECONDS = 1800
_engines: weakref.WeakSet[sqlalchemy.engine.Engine] = weakref.WeakSet()


class PooledPostgresStorage(DagsterPostgresStorage):
    """Runs, event log and schedules in PostgreSQL over kept-open connections."""

    def __init__(self, postgres_url: str, should_autocreate_tables: bool = True,
                 inst_data: ConfigurableClassData | None = None, token_provider=None):
        super().__init__(postgres_url, should_autocreate_tables, inst_data, token_provider)
        for storage, kept in ((self._run_storage, 1), (self._event_log_storage, 2),
                              (self._schedule_storage, 1)):
            storage._engine.dispose()
            storage._engine = pooled_engine(postgres_url, token_provider, kept)

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None,
                          config_value: PostgresStorageConfig) -> PooledPostgresStorage:
        return cls(pg_url_from_config(config_value),
                   config_value.get("should_autocreate_tables", True), inst_data,
                   get_token_provider_from_config(config_value))


def pooled_engine(postgres_url: str, token_provider, kept: int) -> sqlalchemy.engine.Engine:
    """An engine keeping ``kept`` connections open, checked on each use; unbounded beyond."""
    engine = create_pg_engine(postgres_url, token_provider, isolation_level="AUTOCOMMIT",
                              pool_size=kept, max_overflow=-1, pool_pre_ping=True,
                              pool_recycle=POOL_RECYCLE_SECONDS)
    _engines.add(engine)
    return engine


def _forget_inherited_connections() -> None:
    for engine in list(_engines):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_inherited_connections)
