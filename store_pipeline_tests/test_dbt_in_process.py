"""dbt run in the step's process (internals/dbt_in_process.py), on a warehouse with the raw
layer's shape: its events, its exit codes, its environment, the warehouse it lets go, Ctrl-C."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import duckdb
import orjson
import pytest
from dagster._core.errors import DagsterExecutionInterruptedError
from dagster._utils.interrupts import raise_interrupts_as

from store_pipeline.defs.resources.dbt import build_dbt
from store_pipeline.internals import dbt_events
from store_pipeline.internals.dbt_in_process import DbtThread
from store_pipeline.lib.dbt_manifest import DBT_EXECUTABLE, DBT_PROJECT_DIR
from store_pipeline.lib.ingest.landing import create_raw_tables

MARKER = "STORE_PIPELINE_TEST_ONLY_IN_DBT"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    create_raw_tables(con)
    con.close()
    return tmp_path


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "STORE_PIPELINE_HOME": str(home), "DBT_PROJECT_DIR": str(DBT_PROJECT_DIR),
            "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR), "DBT_TARGET_PATH": str(home / "target"),
            "DBT_LOG_PATH": str(home / "target")}


def _dbt(home: Path, *args: str) -> tuple[DbtThread, list[dict]]:
    dbt = DbtThread([DBT_EXECUTABLE, *args], env={**_env(home), MARKER: "1"})
    return dbt, [orjson.loads(line) for line in dbt.stdout]


def _results(events: list[dict], name: str) -> list[str]:
    return [e["data"]["node_info"]["node_name"] for e in events if e["info"]["name"] == name]


def test_a_run_gives_the_clis_json_events_and_lets_the_warehouse_go(home: Path):
    dbt, events = _dbt(home, "run", "--select", "stg_pos__store stg_pos__register")
    assert dbt.wait() == 0
    assert sorted(_results(events, "LogModelResult")) == ["stg_pos__register", "stg_pos__store"]
    assert {e["info"]["level"] for e in events} <= {"info", "warn", "error"}
    assert MARKER not in os.environ  # dbt's environment was put back
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)  # a second config
    assert con.execute("select count(*) from information_schema.tables "
                       "where table_name = 'stg_pos__store'").fetchone() == (1,)
    con.close()


def test_events_are_the_messages_protobufs_json_reader_builds(home: Path, monkeypatch):
    """Every message of a real invocation, envelopes too, is the one ``ParseDict`` builds from
    the same dict, and the constructors built the common ones."""
    from dbt_common.events import base_types
    from google.protobuf.json_format import ParseDict

    monkeypatch.setattr(base_types, "ParseDict", base_types.ParseDict)  # put back afterwards
    build, construct = dbt_events.build_message, dbt_events._construct
    differing, constructed = [], set()

    def both(values, message):
        ours = build(values, message)
        if ours != ParseDict(values, type(message)()):
            differing.append((type(message).__name__, values))
        return ours

    def counted(cls, values):
        message = construct(cls, values)
        constructed.add(cls.__name__)
        return message

    monkeypatch.setattr(dbt_events, "build_message", both)
    monkeypatch.setattr(dbt_events, "_construct", counted)
    dbt, _events = _dbt(home, "run", "--select", "stg_pos__store stg_pos__register")
    assert dbt.wait() == 0
    assert differing == []
    assert {"SQLQuery", "SQLQueryMsg", "NodeFinishedMsg", "LogModelResultMsg"} <= constructed


def test_a_failed_node_exits_1_with_its_error_logged(home: Path):
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    con.execute("drop table raw_pos.store")
    con.close()
    dbt, events = _dbt(home, "run", "--select", "stg_pos__store")
    assert dbt.wait() == 1
    assert any(e["info"]["level"] == "error" and "store" in e["info"]["msg"] for e in events)


def test_an_error_that_stops_dbt_exits_2_with_its_message(home: Path):
    dbt, events = _dbt(home, "run", "--no-such-flag")
    assert dbt.wait() == 2
    [error] = [e["info"]["msg"] for e in events if e["info"]["level"] == "error"]
    assert error.startswith("dbt stopped: DbtUsageException: ") and "--no-such-flag" in error


def test_ctrl_c_stops_dbt_before_the_rest_of_its_nodes(home: Path):
    dbt = DbtThread([DBT_EXECUTABLE, "run", "--empty", "--threads", "1"], env=_env(home))
    events, signalled = [], False
    for line in dbt.stdout:  # read to the end: the stop is the signal's alone
        events.append(orjson.loads(line))
        if events[-1]["info"]["name"] == "LogModelResult" and not signalled:
            dbt.send_signal(signal.SIGINT)
            signalled = True
    assert dbt.wait(timeout=120) == 2 and dbt.poll() == 2
    built = _results(events, "LogModelResult")
    assert 1 <= len(built) < 10, built  # the project has 68 models
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    con.close()


def test_a_run_stopped_by_dagster_stops_its_dbt(home: Path, tmp_path: Path, monkeypatch):
    """Terminating a run interrupts the step's main thread, inside dagster-dbt's reading loop
    or between its events: either way dbt stops within its current node."""
    monkeypatch.setenv("STORE_PIPELINE_HOME", str(home))
    first_model, forward, built = threading.Event(), DbtThread._event, []

    def watched(self, msg):
        forward(self, msg)
        if msg.info.name == "LogModelResult":
            built.append(msg.data.node_info.node_name)
            first_model.set()

    monkeypatch.setattr(DbtThread, "_event", watched)
    interrupter = threading.Thread(
        target=lambda: first_model.wait(120) and os.kill(os.getpid(), signal.SIGINT))
    invocation = build_dbt().cli(["run", "--empty", "--threads", "1"], raise_on_error=False,
                                 target_path=tmp_path / "target")
    with raise_interrupts_as(DagsterExecutionInterruptedError):
        interrupter.start()
        with pytest.raises(DagsterExecutionInterruptedError):
            list(invocation.stream_raw_events())
    interrupter.join()
    # Interrupted in dagster-dbt's reading loop, dagster-dbt passed the signal on and waited;
    # anywhere else, the loop was left and DbtLines stopped dbt and waited: either way dbt
    # had returned before the step's error went on.
    assert invocation.process.poll() == 2
    assert 1 <= len(built) < 10, built
    duckdb.connect(str(home / "warehouse.duckdb"), read_only=True).close()


def test_the_dbt_resource_runs_its_commands_in_this_process(tmp_path: Path):
    invocation = build_dbt().cli(["parse", "--quiet"], target_path=tmp_path)
    assert isinstance(invocation.process, DbtThread)
    assert invocation.is_successful()


def test_a_reader_that_leaves_early_stops_dbt_and_waits_for_it(home: Path):
    dbt, events = DbtThread([DBT_EXECUTABLE, "run", "--empty", "--threads", "1"],
                            env=_env(home)), []
    for line in dbt.stdout:
        events.append(orjson.loads(line))
        if events[-1]["info"]["name"] == "LogModelResult":
            break  # the loop's iterator is closed here, as a failed step's is
    assert dbt.poll() == 2
    events += [orjson.loads(line) for line in dbt.stdout]
    assert 1 <= len(_results(events, "LogModelResult")) < 10


def test_invocations_run_one_at_a_time_each_with_its_own_events(home: Path):
    first = DbtThread([DBT_EXECUTABLE, "run", "--select", "stg_pos__store"], env=_env(home))
    second = DbtThread([DBT_EXECUTABLE, "run", "--select", "stg_pos__register"], env=_env(home))
    assert _results([orjson.loads(line) for line in second.stdout],
                    "LogModelResult") == ["stg_pos__register"]
    assert _results([orjson.loads(line) for line in first.stdout],
                    "LogModelResult") == ["stg_pos__store"]
    assert first.wait() == second.wait() == 0
