"""Dagster's SQLite event log, with connections kept open and a range run's events batched.

A run over a range of daily partitions records one materialisation per asset and partition
(about 30,000 for a year of every asset). Dagster's SQLite storage opens a new engine and
connection for every write, so recording a long range's events can cost more than the work
they describe. This storage keeps the same files, tables and rows, and

- keeps one open connection per database file (the most recently used ones), committing
  without a disk flush per commit (WAL, synchronous = NORMAL);
- writes a batch of one asset's materialisations, or of a run's planned materialisations and
  checks (Dagster hands them over as a batch when DAGSTER_EVENT_BATCH_SIZE is set), with one
  multi-row insert per database, and updates each asset's latest-event row once for the batch
  instead of once per event;
- makes a new run's database by copying an empty one rather than by creating its tables
  and stamping their revision with alembic;
- remembers which tables, columns and completed data migrations the index database has
  (Dagster looks them up for every asset and check event, and for every read of an asset's
  latest records, each time with a query of its own);
- serialises a planned asset check once for all of its partitions (Dagster serialises the
  event again for each of the range's partitions);
- serialises one materialisation of an asset per batch: the range's others differ from it
  only in their partition and timestamp, which are written into its JSON (``SerialisedLike``);
- plans a range run with one event per asset instead of one per partition. What Dagster gives
  up for that: the partitions of a failed range run show as missing, not as failed.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress

import sqlalchemy as db
from dagster._core.events import (
    ASSET_CHECK_EVENTS,
    ASSET_EVENTS,
    DagsterEventType,
    StepMaterializationData,
)
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus
from dagster._core.storage.event_log.schema import (
    AssetCheckExecutionsTable,
    SqlEventLogStorageTable,
)
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._serdes import ConfigurableClassData, serialize_value
from dagster.version import __version__ as dagster_version
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

# An empty run database as Dagster makes one (its name does not end in .db, which Dagster
# takes for a run's).
TEMPLATE = f"run-template-dagster-{dagster_version}-sqlalchemy-{db.__version__}.sqlite"
# Events of one batch that Dagster buffers before handing them to the storage.
EVENT_BATCH_SIZE = "1000"
OPEN_DATABASES = 8


def enable_event_batches() -> None:
    """Let Dagster hand range materialisations to the storage in batches (unless configured)."""
    os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", EVENT_BATCH_SIZE)


class BatchingSqliteEventLogStorage(SqliteEventLogStorage):
    """SQLite event log (one database per run plus an index) that stores batches at once."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        # Set first: the parent's constructor already connects (to the index database).
        self._engines: OrderedDict[str, Engine] = OrderedDict()  # most recently used last
        self._found: set[tuple[str, str]] = set()  # (what, name) the index has
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None,
                          config_value: dict) -> BatchingSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    @property
    def supports_partition_subset_in_asset_materialization_planned_events(self) -> bool:
        return True

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _engine(self, shard: str) -> Engine:
        """The shard's engine (one connection kept open), created and initialised on first use."""
        engines = self._engines
        if shard in engines:
            engines.move_to_end(shard)
            return engines[shard]
        engine = db.create_engine(self.conn_string_for_shard(shard), poolclass=QueuePool,
                                  pool_size=1, max_overflow=-1,
                                  connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
                                                "check_same_thread": False})
        db.event.listen(engine, "connect", _commit_without_fsync)
        if shard not in self._initialized_dbs:
            if not self._copied_from_template(shard):
                self._initdb(engine)
            self._initialized_dbs.add(shard)
        engines[shard] = engine
        while len(engines) > OPEN_DATABASES:
            engines.popitem(last=False)[1].dispose()
        return engine

    def _copied_from_template(self, shard: str) -> bool:
        """Whether a new run's database was made by copying an empty one, written once per
        Dagster and SQLAlchemy version, rather than by creating its tables and stamping their
        revision (alembic reads every migration script for that, some 0.1 s a run)."""
        path = self.path_for_shard(shard)
        if shard == INDEX_SHARD_NAME or os.path.exists(path):
            return False
        template = os.path.join(self._base_dir, TEMPLATE)
        if not os.path.exists(template):
            self._write_template(template)
        temp = f"{path}.{os.getpid()}.tmp"
        try:
            shutil.copyfile(template, temp)
            os.link(temp, path)  # never over a database another process made meanwhile
        except OSError:
            return False
        finally:
            with suppress(FileNotFoundError):
                os.unlink(temp)
        return True

    def _write_template(self, template: str) -> None:
        temp = f"{template}.{os.getpid()}.tmp"
        engine = db.create_engine(f"sqlite:///{temp}")
        try:
            self._initdb(engine)
        finally:
            engine.dispose()
        os.replace(temp, template)

    def has_table(self, table_name: str) -> bool:
        return self._found_once("table", table_name, super().has_table)

    def has_asset_key_col(self, column_name: str) -> bool:
        return self._found_once("asset key column", column_name, super().has_asset_key_col)

    def has_secondary_index(self, name: str) -> bool:
        return self._found_once("secondary index", name, super().has_secondary_index)

    def _found_once(self, what: str, name: str, look_up: Callable[[str], bool]) -> bool:
        """Whether the index database has ``name``: what a migration added stays, so a name
        found once is not looked up again (one missing is, until a migration adds it)."""
        if (what, name) not in self._found:
            if not look_up(name):
                return False
            self._found.add((what, name))
        return True

    def _close_all(self) -> None:
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()

    def wipe(self) -> None:
        self._close_all()
        self._found.clear()
        super().wipe()

    def dispose(self) -> None:
        self._close_all()
        super().dispose()

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        if not _one_run_of_indexed_events(events):
            super().store_event_batch(events)
            return
        rows = self._events_to_rows(events)
        with self.run_connection(events[0].run_id) as conn:
            conn.execute(SqlEventLogStorageTable.insert(), rows)
        with self.index_transaction() as conn:
            inserted = conn.execute(
                SqlEventLogStorageTable.insert().returning(
                    SqlEventLogStorageTable.c.id, sort_by_parameter_order=True),
                rows,
            )
            event_ids = list(inserted.scalars())
            assets = [i for i, e in enumerate(events) if e.dagster_event_type in ASSET_EVENTS]
            self._store_asset_event_tags(conn, [events[i] for i in assets],
                                         [event_ids[i] for i in assets])
            for index in _last_of_each_kind(events, assets):
                self._store_asset_event(conn, events[index], event_ids[index])
        for index, event in enumerate(events):
            if event.dagster_event_type in ASSET_CHECK_EVENTS:
                self.store_asset_check_event(event, event_ids[index])

    def _events_to_rows(self, events: Sequence[EventLogEntry]) -> list[dict]:
        """``_event_to_row`` of each event; a materialisation like the one before it but for
        its partition and timestamp gets that one's row with those two written in."""
        rows = []
        like: SerialisedLike | None = None
        for event in events:
            if like is not None and (row := like.row_of(event)) is not None:
                rows.append({**row, "timestamp": self._event_insert_timestamp(event)})
                continue
            row = self._event_to_row(event)
            like = SerialisedLike.of(event, row)
            rows.append(row)
        return rows

    def _store_asset_check_evaluation_planned(self, event: EventLogEntry,
                                              event_id: int | None) -> None:
        """One PLANNED row per partition of the check, sharing one serialised event."""
        planned = event.get_dagster_event().event_specific_data
        subset = planned.partitions_subset
        row = {
            "asset_key": planned.asset_key.to_string(),
            "check_name": planned.check_name,
            "run_id": event.run_id,
            "execution_status": AssetCheckExecutionRecordStatus.PLANNED.value,
            "evaluation_event": serialize_value(event),
            "evaluation_event_timestamp": self._event_insert_timestamp(event),
            "evaluation_event_storage_id": event_id,
        }
        keys = subset.get_partition_keys() if subset else [None]
        with self.index_connection() as conn:
            conn.execute(AssetCheckExecutionsTable.insert(),
                         [{**row, "partition": key} for key in keys])


class SerialisedLike:
    """A materialisation's row, from which the row of a materialisation that differs from it
    only in its partition and timestamp is written without serialising that one again.

    The events are compared with their partitions and timestamps set to marks; the JSON is the
    marked event's, the marks' JSON replaced by the event's values. An event whose JSON holds
    a mark other than once is serialised as Dagster does.
    """

    PARTITION = "\x00partition\x00"
    TIME = 1.2345678901234567e-300
    PARTITION_JSON = json.dumps(PARTITION)
    TIME_JSON = repr(TIME)  # as json.dumps writes a float

    def __init__(self, shape: EventLogEntry, text: str, row: dict) -> None:
        self.shape = shape
        self.text = text
        self.row = row

    @classmethod
    def of(cls, event: EventLogEntry, row: dict) -> SerialisedLike | None:
        shape = cls._shape(event)
        if shape is None:
            return None
        text = serialize_value(shape)
        if text.count(cls.PARTITION_JSON) != 1 or text.count(cls.TIME_JSON) != 1:
            return None
        return cls(shape, text, row)

    @classmethod
    def _shape(cls, event: EventLogEntry) -> EventLogEntry | None:
        """The event with its partition and timestamp set to the marks; None when it is not
        a materialisation of a partition, timed by a float."""
        dagster_event = event.dagster_event
        if (dagster_event is None
                or dagster_event.event_type_value != DagsterEventType.ASSET_MATERIALIZATION.value
                or type(event.timestamp) is not float):
            return None
        data = dagster_event.event_specific_data
        if not isinstance(data, StepMaterializationData) or \
                not isinstance(data.materialization.partition, str):
            return None
        materialization = data.materialization._replace(partition=cls.PARTITION)
        return event._replace(timestamp=cls.TIME, dagster_event=dagster_event._replace(
            event_specific_data=data._replace(materialization=materialization)))

    def row_of(self, event: EventLogEntry) -> dict | None:
        """The row of ``event`` (but its insert timestamp), or None when it differs from this
        one in more than its partition and timestamp."""
        if self._shape(event) != self.shape:
            return None
        partition = event.dagster_event.event_specific_data.materialization.partition
        # the timestamp first: a float's JSON cannot hold the partition's mark
        text = self.text.replace(self.TIME_JSON, repr(event.timestamp), 1).replace(
            self.PARTITION_JSON, json.dumps(partition), 1)
        return {**self.row, "event": text, "partition": partition}


def _commit_without_fsync(dbapi_connection, _record) -> None:
    """WAL databases synced at checkpoints, not at every commit: a crash of the machine may
    lose the last events, never the file; a commit then costs no disk flush."""
    dbapi_connection.execute("PRAGMA synchronous = NORMAL")


def _one_run_of_indexed_events(events: Sequence[EventLogEntry]) -> bool:
    """True when every event is an asset event (with a key) or an asset check event, all of
    the same run: the events the index mirrors."""
    return bool(events) and len({e.run_id for e in events}) == 1 and all(
        e.is_dagster_event and (
            e.dagster_event_type in ASSET_CHECK_EVENTS
            or (e.dagster_event_type in ASSET_EVENTS and e.dagster_event.asset_key))
        for e in events
    )


def _last_of_each_kind(events: Sequence[EventLogEntry], positions: Sequence[int]) -> list[int]:
    """Of ``positions``, those of the last event of each (asset, event type), in batch order.

    An asset's latest-event row takes, column by column, the values of the last event that sets
    them, and each event type sets the same columns; so these events alone leave the row as all
    of the batch would.
    """
    last = {(events[i].dagster_event.asset_key, events[i].dagster_event_type): i
            for i in positions}
    return sorted(last.values())
