"""The instance's event log: a range run's events batched, and read back as Dagster reads them."""

import inspect
import sqlite3
from pathlib import Path

import dagster as dg
import pytest
import yaml
from dagster._core.events import DagsterEventType
from dagster._core.storage.event_log import sql_event_log
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._serdes import serialize_value

from store_pipeline.cli.runner import RANGE_END_TAG, RANGE_START_TAG
from store_pipeline.instance.config import POSTGRES_URL_ENV, instance_config, write_instance_config
from store_pipeline.internals import event_log
from store_pipeline.internals.event_log import BatchingSqliteEventLogStorage

DAYS = dg.DailyPartitionsDefinition(start_date="2026-01-01", end_date="2026-02-01")
KEYS = DAYS.get_partition_keys()
ASSET_MATERIALIZATION = DagsterEventType.ASSET_MATERIALIZATION


@dg.asset(partitions_def=DAYS, backfill_policy=dg.BackfillPolicy.single_run())
def counted(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"partitions": len(context.partition_keys)})


@dg.asset(partitions_def=DAYS, backfill_policy=dg.BackfillPolicy.single_run(), deps=[counted])
def downstream(context: dg.AssetExecutionContext) -> None:
    context.log.info(f"{len(context.partition_keys)} partitions")


JOB = dg.Definitions(assets=[counted, downstream],
                     jobs=[dg.define_asset_job("range_job")]).resolve_job_def("range_job")


@dg.asset(partitions_def=DAYS, backfill_policy=dg.BackfillPolicy.single_run(),
          check_specs=[dg.AssetCheckSpec("has_rows", asset="checked")])
def checked(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"partitions": len(context.partition_keys)},
                                check_results=[dg.AssetCheckResult(passed=True)])


CHECKED_JOB = dg.Definitions(
    assets=[checked], jobs=[dg.define_asset_job("checked_job")]).resolve_job_def("checked_job")


@pytest.fixture
def dagster_home(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("DAGSTER_EVENT_BATCH_SIZE", "1000")
    home = tmp_path / "dagster_home"
    write_instance_config(home)
    return home


def _run_range(dagster_home: Path, job: dg.JobDefinition = JOB) -> str:
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        result = job.execute_in_process(
            instance=instance, tags={RANGE_START_TAG: KEYS[0], RANGE_END_TAG: KEYS[-1]})
        assert result.success
        return result.run_id


def _dagsters_own_home(tmp_path: Path) -> Path:
    """A Dagster home with Dagster's default storages."""
    home = tmp_path / "dagster_default"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return home


def _what_the_ui_reads(dagster_home: Path, run_id: str) -> dict:
    """Partitions, the asset's latest events and its check's executions, run ids left out."""
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        entry = instance.get_asset_records([checked.key])[0].asset_entry
        executions = instance.event_log_storage.get_asset_check_execution_history(
            dg.AssetCheckKey(checked.key, "has_rows"), limit=1000)
        return {
            "materialized": instance.get_materialized_partitions(checked.key),
            "latest": (entry.last_materialization.dagster_event.partition,
                       entry.last_run_id == run_id),
            "checks": sorted((e.partition or "", e.status.value, e.event is not None)
                             for e in executions if e.run_id == run_id),
        }


def test_the_instance_uses_the_batching_storage(dagster_home):
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        assert isinstance(instance.event_log_storage, BatchingSqliteEventLogStorage)


def test_a_range_run_stores_each_assets_materialisations_as_one_batch(dagster_home, monkeypatch):
    batches = []
    store = BatchingSqliteEventLogStorage.store_event_batch
    monkeypatch.setattr(BatchingSqliteEventLogStorage, "store_event_batch",
                        lambda self, events: (batches.append(len(events)), store(self, events)))
    _run_range(dagster_home)
    # The plan (one event per asset), then the materialisations of each asset.
    assert batches == [2, len(KEYS), len(KEYS)]


def test_a_runs_plan_of_assets_and_checks_is_stored_as_one_batch(dagster_home, monkeypatch):
    one_by_one = []
    store = SqliteEventLogStorage.store_event
    monkeypatch.setattr(SqliteEventLogStorage, "store_event", lambda self, event: (
        one_by_one.append(event.dagster_event_type), store(self, event))[1])
    _run_range(dagster_home, CHECKED_JOB)
    planned = {DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
               DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED}
    assert one_by_one and not planned & set(one_by_one)


def test_a_checked_range_reads_back_as_from_dagsters_own_storage(dagster_home, tmp_path):
    ours = _what_the_ui_reads(dagster_home, _run_range(dagster_home, CHECKED_JOB))
    default_home = _dagsters_own_home(tmp_path)
    theirs = _what_the_ui_reads(default_home, _run_range(default_home, CHECKED_JOB))
    assert ours == theirs
    assert ours["materialized"] == set(KEYS)
    assert ours["latest"] == (KEYS[-1], True)
    planned = [partition for partition, status, _ in ours["checks"] if status == "PLANNED"]
    assert planned == KEYS


def test_a_ranges_materialisations_are_written_as_dagster_serialises_each(dagster_home):
    run_id = _run_range(dagster_home, CHECKED_JOB)
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        storage = instance.event_log_storage
        events = [record.event_log_entry for record in storage.get_records_for_run(run_id).records]
        materialised = [e for e in events if e.dagster_event_type == ASSET_MATERIALIZATION]
        assert len(materialised) == len(KEYS)
        serialised = []
        with pytest.MonkeyPatch.context() as patch:
            for module in (event_log, sql_event_log):
                patch.setattr(module, "serialize_value",
                              lambda value: (serialised.append(value), serialize_value(value))[1])
            rows = storage._events_to_rows(events)
        assert rows == [storage._event_to_row(event) for event in events]
        # the first materialisation (marked) and every other event, not the other 30
        assert len(serialised) == len(events) - len(KEYS) + 2
        another = materialised[1]._replace(user_message="another message")
        assert storage._events_to_rows([materialised[0], another]) == \
            [storage._event_to_row(materialised[0]), storage._event_to_row(another)]


@pytest.mark.parametrize(("method", "found"), [
    ("has_table", "asset_check_executions"),
    ("has_secondary_index", sql_event_log.ASSET_KEY_INDEX_COLS),
    ("has_asset_key_col", "cached_status_data"),
])
def test_what_the_index_has_is_looked_up_once(dagster_home, monkeypatch, method, found):
    looked_up = []  # (storage, name, found)

    def look_up(self, name: str) -> bool:
        looked_up.append((id(self), name, dagsters(self, name)))
        return looked_up[-1][2]

    dagsters = getattr(SqliteEventLogStorage, method)
    monkeypatch.setattr(SqliteEventLogStorage, method, look_up)
    _run_range(dagster_home, CHECKED_JOB)
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:  # a storage of its own
        storage = instance.event_log_storage
        storage.get_asset_records([checked.key])
        assert not getattr(storage, method)("no_such_name")
        assert not getattr(storage, method)("no_such_name")
        assert getattr(storage, method)(found)
    assert (id(storage), found, True) in looked_up
    present = [asked for asked in looked_up if asked[2]]
    assert len(present) == len(set(present))  # by each storage once
    assert looked_up.count((id(storage), "no_such_name", False)) == 2  # missing: asked again


def test_another_instance_reads_every_partition_back(dagster_home):
    run_id = _run_range(dagster_home)
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        for key in (counted.key, downstream.key):
            assert instance.get_materialized_partitions(key) == set(KEYS)
            records = instance.fetch_materializations(key, limit=100).records
            assert sorted(r.partition_key for r in records) == KEYS
            assert {r.run_id for r in records} == {run_id}
        planned = instance.get_records_for_run(
            run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED).records
        assert len(planned) == 2  # one per asset for the whole range, not one per partition
        status = instance.get_asset_records([counted.key])[0].asset_entry
        assert status.last_materialization.dagster_event.partition == KEYS[-1]


def test_a_second_range_run_replaces_nothing_it_should_keep(dagster_home):
    first, second = _run_range(dagster_home), _run_range(dagster_home)
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        records = instance.fetch_materializations(counted.key, limit=1000).records
        assert len(records) == 2 * len(KEYS)
        assert {r.run_id for r in records} == {first, second}
        latest = instance.get_latest_materialization_event(counted.key)
        assert latest.run_id == second


def test_commits_are_not_flushed_to_disk_one_by_one(dagster_home):
    run_id = _run_range(dagster_home)
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        storage = instance.event_log_storage
        for shard in (run_id, "index"):
            with storage._connect(shard) as conn:
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def _schema(path: Path) -> tuple:
    with sqlite3.connect(path) as conn:
        return (conn.execute("PRAGMA journal_mode").fetchone(),
                conn.execute("SELECT version_num FROM alembic_version").fetchall(),
                sorted(conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()))


def test_a_runs_database_is_copied_from_one_made_as_dagster_makes_it(tmp_path):
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    storage = BatchingSqliteEventLogStorage(str(ours))
    for run_id in ("first", "second"):
        with storage.run_connection(run_id):
            pass
    with SqliteEventLogStorage(str(theirs)).run_connection("first"):
        pass
    templates = list(ours.glob("*.sqlite"))
    assert [t.name for t in templates] == [event_log.TEMPLATE]
    assert _schema(ours / "first.db") == _schema(ours / "second.db") == \
        _schema(theirs / "first.db") == _schema(templates[0])
    assert _schema(ours / "index.db") == _schema(theirs / "index.db")  # made by Dagster
    assert sorted(storage.get_all_run_ids()) == ["first", "second"]  # not the template


# The SqliteEventLogStorage methods the batching storage overrides or calls, as of Dagster
# 1.13.27: a Dagster upgrade that changes one needs store_pipeline/internals/event_log.py looked
# at again.
DAGSTER_METHODS = {
    "__init__": "(self, base_dir: str, inst_data: dagster._serdes.config_class."
                "ConfigurableClassData | None = None)",
    "_connect": "(self, shard: str) -> collections.abc.Iterator[sqlalchemy.engine.base."
                "Connection]",
    "has_table": "(self, table_name: str) -> bool",
    "has_asset_key_col": "(self, column_name: str) -> bool",
    "has_secondary_index": "(self, name: str) -> bool",
    "store_event_batch": "(self, events: collections.abc.Sequence['EventLogEntry']) -> None",
    "_store_asset_check_evaluation_planned": "(self, event: dagster._core.events.log."
                                             "EventLogEntry, event_id: int | None) -> None",
    "store_asset_check_event": "(self, event: dagster._core.events.log.EventLogEntry, "
                               "event_id: int | None) -> None",
    "_event_to_row": "(self, event: dagster._core.events.log.EventLogEntry) -> dict[str, "
                     "typing.Any]",
    "_store_asset_event_tags": "(self, conn: sqlalchemy.engine.base.Connection, events: "
                               "collections.abc.Sequence[dagster._core.events.log."
                               "EventLogEntry], event_ids: collections.abc.Sequence[int]) "
                               "-> None",
    "_store_asset_event": "(self, conn: sqlalchemy.engine.base.Connection, event: dagster."
                          "_core.events.log.EventLogEntry, event_id: int) -> None",
    "run_connection": "(self, run_id: str | None = None) -> Any",
    "index_transaction": "(self) -> collections.abc.Iterator[sqlalchemy.engine.base."
                         "Connection]",
    "index_connection": "(self) -> ContextManager[sqlalchemy.engine.base.Connection]",
    "conn_string_for_shard": "(self, shard_name: str) -> str",
    "_initdb": "(self, engine: sqlalchemy.engine.base.Engine, for_index_shard=False) -> None",
    "path_for_shard": "(self, run_id: str) -> str",
    "wipe": "(self) -> None",
    "dispose": "(self) -> None",
    "_event_insert_timestamp": "(self, event)",
}


def test_the_dagster_methods_it_relies_on_keep_their_signatures():
    for name, signature in DAGSTER_METHODS.items():
        assert str(inspect.signature(getattr(SqliteEventLogStorage, name))) == signature, name
    for attribute in ("_db_lock", "_initialized_dbs"):  # set by Dagster's constructor
        assert attribute in inspect.getsource(SqliteEventLogStorage.__init__), attribute
    planned = "supports_partition_subset_in_asset_materialization_planned_events"
    assert isinstance(getattr(SqliteEventLogStorage, planned), property)


def test_the_sqlite_speed_ups_serve_the_embedded_storage_only(tmp_path, monkeypatch):
    monkeypatch.setenv(POSTGRES_URL_ENV, "postgresql://pipeline@127.0.0.1:5432/dagster")
    config = yaml.safe_load(instance_config(tmp_path))
    assert "event_log_storage" not in config
    assert config["storage"] == {"custom": {
        "module": "store_pipeline.internals.postgres_storage", "class": "PooledPostgresStorage",
        "config": {"postgres_url": {"env": POSTGRES_URL_ENV}}}}
    monkeypatch.delenv(POSTGRES_URL_ENV)
    config = yaml.safe_load(instance_config(tmp_path))
    assert config["event_log_storage"]["class"] == BatchingSqliteEventLogStorage.__name__
    assert "storage" not in config
