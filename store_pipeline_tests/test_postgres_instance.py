"""The instance in PostgreSQL: the CLI, the daemon (schedule, sensor, queue) and the webserver.

Debian's PostgreSQL runs on 127.0.0.1 (``postgres_server``); with
``STORE_PIPELINE_DAGSTER_POSTGRES_URL`` set, runs, the event log and schedules live there for
every process, and its password is written nowhere.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from contextlib import ExitStack
from datetime import date
from pathlib import Path

import dagster as dg
import psycopg2
import pytest
from dagster._core.scheduler.instigation import InstigatorType, ScheduleInstigatorData
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

from store_pipeline.defs.operations.schedules import ACTIVE
from store_pipeline.instance.config import POSTGRES_URL_ENV, write_instance_config
from store_pipeline.instance.dead_runs import process_tags
from store_pipeline.lib.generator import GeneratorConfig, generate_chain
from store_pipeline_tests.postgres_server import postgres_fixtures
from store_pipeline_tests.processes import (
    BIN,
    LAUNCH_BACKFILL,
    LAUNCH_RUN,
    REPO,
    environment,
    graphql,
    repository_selector,
    start,
    start_code_server,
    start_instigator,
    start_webserver,
    wait_for,
)

postgres, postgres_url = postgres_fixtures
DAY = date(2026, 3, 10)
SCHEDULE = "pipeline_health_0630"


@pytest.fixture
def home(tmp_path, postgres_url, monkeypatch) -> Path:
    monkeypatch.setenv(POSTGRES_URL_ENV, postgres_url)
    home = tmp_path / "home"
    write_instance_config(home / "dagster_home")
    generate_chain(GeneratorConfig(stores=1, days=1, end_date=DAY, seed=5,
                                   transactions_per_store_day=60), outbox=tmp_path / "pos")
    return home


def _env(home: Path, url: str) -> dict[str, str]:
    return environment(home) | {POSTGRES_URL_ENV: url, "STORE_PIPELINE_SENSOR_INTERVAL": "3"}


def _instance(home: Path) -> dg.DagsterInstance:
    return dg.DagsterInstance.from_config(str(home / "dagster_home"))


def _password(url: str) -> str:
    return url.split(":")[2].split("@")[0]


def _assert_nowhere(secret: str, home: Path, *texts: str) -> None:
    for path in home.rglob("*"):
        if path.is_file() and path.suffix in {".yaml", ".log", ".txt", ".json", ".html"}:
            assert secret not in path.read_text(errors="replace"), path
    for text in texts:
        assert secret not in text


def test_a_cli_backfill_keeps_its_runs_and_events_in_postgres(home, postgres_url, tmp_path):
    shutil.copytree(tmp_path / "pos", home / "pos_outbox")
    done = subprocess.run([str(BIN / "store-pipeline"), "backfill", "--start", DAY.isoformat(),
                           "--end", DAY.isoformat(), "--only", "daily"], cwd=REPO,
                          env=_env(home, postgres_url), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    with _instance(home) as instance:
        assert isinstance(instance.run_storage, PostgresRunStorage)
        assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
        assert isinstance(instance.schedule_storage, PostgresScheduleStorage)
        runs = instance.get_run_records()
        assert {(r.dagster_run.job_name, r.dagster_run.status) for r in runs} == {
            ("ingestion_job", dg.DagsterRunStatus.SUCCESS),
            ("analytics_job", dg.DagsterRunStatus.SUCCESS)}
        run = next(r for r in runs if r.dagster_run.job_name == "analytics_job")
        exported = instance.get_materialized_partitions(dg.AssetKey(["exports",
                                                                     "daily_sales_summary"]))
        assert exported == {DAY.isoformat()}
    connection = psycopg2.connect(postgres_url)
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM runs")
        assert cursor.fetchone() == (2,)
        cursor.execute("SELECT count(*) FROM event_logs WHERE run_id = %s",
                       (run.dagster_run.run_id,))
        assert cursor.fetchone()[0] > 10
    connection.close()
    assert not list((home / "dagster_home").rglob("*.db"))  # nothing in SQLite
    config = (home / "dagster_home" / "dagster.yaml").read_text()
    assert f"env: {POSTGRES_URL_ENV}" in config
    _assert_nowhere(_password(postgres_url), home, done.stdout, done.stderr)


def _launch_run(port: int, params: dict) -> str:
    launched = graphql(port, LAUNCH_RUN, {"params": params})["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    return launched["run"]["runId"]


def _backdate_schedule(instance: dg.DagsterInstance, name: str) -> None:
    """Let the schedule's last tick (within the past day) be due as soon as the daemon looks."""
    [state] = [s for s in instance.all_instigator_state(instigator_type=InstigatorType.SCHEDULE)
               if s.name == name]
    data = state.instigator_data
    instance.update_instigator_state(state.with_data(ScheduleInstigatorData(
        data.cron_schedule, start_timestamp=time.time() - 86_400)))


def _succeeded(instance: dg.DagsterInstance, **filters) -> list[dg.RunRecord]:
    return instance.get_run_records(dg.RunsFilter(statuses=[dg.DagsterRunStatus.SUCCESS],
                                                  **filters))


def _hold_warehouse_slot(instance: dg.DagsterInstance) -> str:
    """A live run (this test's process) holding the warehouse pool's only slot."""
    run_id = str(uuid.uuid4())
    instance.add_run(dg.DagsterRun(job_name="holder_job", run_id=run_id,
                                   status=dg.DagsterRunStatus.STARTED, tags=process_tags()))
    instance.event_log_storage.set_concurrency_slots("warehouse", 1)
    assert instance.event_log_storage.claim_concurrency_slot("warehouse", run_id,
                                                             "holding").is_claimed
    return run_id


def _step_window(instance: dg.DagsterInstance, run_id: str, step: str) -> tuple[float, float]:
    events = [e for e in instance.all_logs(run_id) if e.step_key == step and e.is_dagster_event]
    start = min(e.timestamp for e in events if e.dagster_event_type.value == "STEP_START")
    end = max(e.timestamp for e in events if e.dagster_event_type.value == "STEP_SUCCESS")
    return start, end


def test_the_daemon_and_webserver_on_postgres(home, postgres_url, tmp_path):
    env = _env(home, postgres_url)
    logs = [tmp_path / "daemon.log", tmp_path / "webserver.log", tmp_path / "code_server.log"]
    with ExitStack() as stack:
        instance = stack.enter_context(_instance(home))
        # Turned on in the UI before the daemon starts, so its first look finds the tick due.
        workspace = start_code_server(stack, env, logs[2])
        port = start_webserver(stack, env, logs[1], workspace)
        start_instigator(port, "sensor", "new_backup_sensor")
        start_instigator(port, "schedule", SCHEDULE)
        _backdate_schedule(instance, SCHEDULE)
        start(stack, [str(BIN / "store-pipeline"), "daemon", "--workspace", workspace], env,
              logs[0])

        # The schedule's tick, and the sensor's run for a backup renamed into the outbox.
        [backup] = (tmp_path / "pos").glob("*.duckdb")
        outbox = home / "pos_outbox"
        outbox.mkdir(exist_ok=True)
        shutil.copyfile(backup, outbox / (backup.name + ".part"))
        os.replace(outbox / (backup.name + ".part"), outbox / backup.name)
        wait_for("the schedule's run to succeed",
                 lambda: _succeeded(instance, tags={"dagster/schedule_name": SCHEDULE}), logs)
        [ingested] = wait_for("the sensor's run to succeed", lambda: _succeeded(
            instance, tags={"dagster/sensor_name": "new_backup_sensor"}), logs)
        assert ingested.dagster_run.tags["dagster/partition"] == DAY.isoformat()
        # Analytics follows the landing by itself (the landed-data sensor runs by default).
        [built] = wait_for("analytics to follow the landing", lambda: _succeeded(
            instance, tags={"dagster/sensor_name": "landed_data_sensor"}), logs)
        assert built.dagster_run.tags["dagster/partition"] == DAY.isoformat()

        # A backfill through the webserver's GraphQL API, run by the daemon.
        launched = graphql(port, LAUNCH_BACKFILL, {"params": {
            "assetSelection": [{"path": ["pos_backup"]}], "partitionNames": [DAY.isoformat()]}})
        backfill_id = launched["launchPartitionBackfill"]["backfillId"]
        wait_for("the backfill's run to succeed",
                 lambda: _succeeded(instance, tags={"dagster/backfill": backfill_id}), logs)

        # Two runs launched together queue behind a run holding the warehouse slot, then
        # take it one after the other.
        wait_for("every run to finish", lambda: not instance.get_run_records(
            dg.RunsFilter(statuses=list(ACTIVE))), logs)
        holder = _hold_warehouse_slot(instance)
        params = {"selector": repository_selector(port) | {"jobName": "ingestion_job"},
                  "executionMetadata": {"tags": [{"key": "dagster/partition",
                                                  "value": DAY.isoformat()}]}}
        runs = [_launch_run(port, params) for _ in range(2)]

        def both_wait() -> bool:
            said = [[e for e in instance.all_logs(r) if "waits for a slot of pool warehouse"
                     in e.user_message and holder in e.user_message] for r in runs]
            return all(said)

        wait_for("both runs to wait for the warehouse slot", both_wait, logs)
        instance.event_log_storage.free_concurrency_slots_for_run(holder)
        wait_for("both runs to succeed", lambda: len(_succeeded(instance, run_ids=runs)) == 2,
                 logs)
        first, second = sorted(_step_window(instance, r, "raw_pos") for r in runs)
        assert first[1] <= second[0]
    _assert_nowhere(_password(postgres_url), home, *(p.read_text() for p in logs))
