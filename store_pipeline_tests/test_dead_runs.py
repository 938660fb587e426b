"""Runs whose process is gone are found, failed and their pool slots freed; live ones are not."""

from __future__ import annotations

import os
import subprocess
import time
import uuid

import dagster as dg
import pytest
from dagster._core.events import EngineEventData
from dagster._core.launcher import WorkerStatus

from store_pipeline.instance.config import write_instance_config
from store_pipeline.instance.dead_runs import (
    HOST_TAG,
    PID_TAG,
    RunProcess,
    fail_dead_runs,
    host_tags,
    is_alive,
    process_tags,
)
from store_pipeline.internals.run_launcher import HostRunLauncher

POOL = "warehouse"


@pytest.fixture
def instance(tmp_path):
    write_instance_config(tmp_path)
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        instance.event_log_storage.set_concurrency_slots(POOL, 1)
        yield instance


@pytest.fixture(scope="module")
def gone_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def _started_run(instance: dg.DagsterInstance, tags: dict[str, str], slot: bool = True) -> str:
    run_id = str(uuid.uuid4())
    instance.add_run(dg.DagsterRun(job_name="daily_pipeline_job", run_id=run_id,
                                   status=dg.DagsterRunStatus.STARTED, tags=tags))
    if slot:
        assert instance.event_log_storage.claim_concurrency_slot(POOL, run_id, "raw_pos").is_claimed
    return run_id


def _status(instance: dg.DagsterInstance, run_id: str) -> dg.DagsterRunStatus:
    return instance.get_run_by_id(run_id).status


def test_a_process_is_alive_only_if_it_started_before_the_run_knew_it(gone_pid):
    assert is_alive(RunProcess(os.getpid(), time.time()))
    assert not is_alive(RunProcess(os.getpid(), 0.0))  # a reused pid: started after the run
    assert not is_alive(RunProcess(gone_pid, time.time()))


def test_a_dead_run_is_failed_and_its_slot_freed(instance, gone_pid):
    dead = _started_run(instance, {PID_TAG: str(gone_pid), **host_tags()})
    said = []
    assert fail_dead_runs(instance, said.append) == [dead]
    assert _status(instance, dead) == dg.DagsterRunStatus.FAILURE
    assert instance.event_log_storage.get_concurrency_info(POOL).claimed_slots == []
    assert said == [f"run {dead} (daily_pipeline_job) was left STARTED by a process that is "
                    "gone: marked failed, its pool slots freed"]


def test_live_runs_and_runs_of_other_hosts_are_left_alone(instance, gone_pid):
    live = _started_run(instance, process_tags())
    elsewhere = _started_run(instance, {PID_TAG: str(gone_pid), HOST_TAG: "another-host"},
                             slot=False)
    untagged = _started_run(instance, {}, slot=False)
    assert fail_dead_runs(instance, lambda _: None) == []
    for run_id in (live, elsewhere, untagged):
        assert _status(instance, run_id) == dg.DagsterRunStatus.STARTED
    [slot] = instance.event_log_storage.get_concurrency_info(POOL).claimed_slots
    assert slot.run_id == live


@pytest.mark.parametrize(("alive", "status"), [(True, WorkerStatus.RUNNING),
                                                (False, WorkerStatus.FAILED)])
def test_the_launcher_reports_a_daemon_runs_worker_by_its_recorded_pid(instance, gone_pid,
                                                                       alive, status):
    run_id = _started_run(instance, host_tags(), slot=False)
    run = instance.get_run_by_id(run_id)
    pid = os.getpid() if alive else gone_pid
    instance.report_engine_event(f"Started process for run (pid: {pid}).", run,
                                 EngineEventData.in_process(pid))
    assert isinstance(instance.run_launcher, HostRunLauncher)
    assert instance.run_launcher.check_run_worker_health(run).status == status
