"""The instance's PostgreSQL storage keeps its connections open, survives a dropped one and
does not share its sockets with a forked child (a real PostgreSQL on 127.0.0.1)."""

from __future__ import annotations

import os
import uuid

import dagster as dg
import pytest
import sqlalchemy

from store_pipeline.instance.config import POSTGRES_URL_ENV, write_instance_config
from store_pipeline.internals.postgres_storage import PooledPostgresStorage
from store_pipeline_tests.postgres_server import postgres_fixtures

postgres, postgres_url = postgres_fixtures
RUNS = 30


@pytest.fixture
def instance(tmp_path, postgres_url, monkeypatch):
    monkeypatch.setenv(POSTGRES_URL_ENV, postgres_url)
    home = tmp_path / "dagster_home"
    write_instance_config(home)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        yield instance


def _database(url: str) -> str:
    return url.rsplit("/", 1)[1]


def _add_run(instance: dg.DagsterInstance) -> str:
    run_id = str(uuid.uuid4())
    instance.add_run(dg.DagsterRun(job_name="a_job", run_id=run_id))
    instance.report_engine_event("started", instance.get_run_by_id(run_id))
    return run_id


def _backend_pid(instance: dg.DagsterInstance) -> int:
    with instance.event_log_storage._connect() as connection:
        return connection.execute(sqlalchemy.text("SELECT pg_backend_pid()")).scalar_one()


def test_the_instance_keeps_a_connection_per_storage(instance, postgres, postgres_url):
    assert instance.get_ref().storage_data.class_name == PooledPostgresStorage.__name__
    _add_run(instance)  # the storages' first connections
    before = postgres.sessions(_database(postgres_url))
    run_ids = [_add_run(instance) for _ in range(RUNS)]
    assert len(instance.get_run_records(dg.RunsFilter(run_ids=run_ids))) == RUNS
    assert all(instance.all_logs(run_id) for run_id in run_ids)
    # Dagster's own storage connects once per statement: some 180 sessions here.
    assert postgres.sessions(_database(postgres_url)) - before <= 3


def test_a_dropped_connection_is_replaced_unseen(instance, postgres, postgres_url):
    kept = _backend_pid(instance)
    with postgres.superuser() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = %s", (_database(postgres_url),))
    run_id = _add_run(instance)
    assert instance.get_run_by_id(run_id) is not None
    assert _backend_pid(instance) != kept


def test_a_forked_child_opens_its_own_connection(instance):
    parent = _backend_pid(instance)
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child: report its connection's server process, then leave at once
        try:
            os.write(write, str(_backend_pid(instance)).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        in_child = int(pipe.read() or 0)
    os.waitpid(child, 0)
    assert in_child not in {0, parent}
    assert _backend_pid(instance) == parent  # the parent's connection is intact
