"""Runs whose process died (killed, out of memory, machine lost): found, failed, slots freed.

A run killed with SIGKILL stays STARTED for ever and keeps the pool slot of the step it was
running, which blocks every later run of the pool. A run of this host names its process: a
run of the command line by its tags (``store_pipeline/pid``), a run launched by the daemon by
the engine event in which its run worker reports its pid. The process is alive when that pid
is a live process that started no later than the run was known to have it (``/proc``), so a
reused pid (after a reboot, say) does not pass for the run's.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

PID_TAG = "store_pipeline/pid"
HOST_TAG = "store_pipeline/host"
# Statuses of a run that has (or had) a process of its own; QUEUED runs have none yet.
LIVE_STATUSES = [dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
                 dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]
# /proc gives a process's start in clock ticks since boot, and the boot time in whole seconds.
START_TIME_SLACK_SECONDS = 2.0
PID_EVENTS_LOOKED_AT = 20


@dataclass(frozen=True)
class RunProcess:
    """The process of a run on this host, and a time at which the run knew it was alive."""

    pid: int
    known_alive_at: float


def process_tags() -> dict[str, str]:
    """Tags naming this process as the run's process (for runs executed in this process)."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def host_tags() -> dict[str, str]:
    """Tags naming this host as the one whose processes run the run."""
    return {HOST_TAG: socket.gethostname()}


def run_process(instance: dg.DagsterInstance, record: dg.RunRecord) -> RunProcess | None:
    """The run's process on this host; None when it ran elsewhere or has not named one yet."""
    tags = record.dagster_run.tags
    if tags.get(HOST_TAG) != socket.gethostname():
        return None
    if PID_TAG in tags:
        return RunProcess(int(tags[PID_TAG]), record.create_timestamp.timestamp())
    events = instance.get_records_for_run(record.dagster_run.run_id,
                                          of_type=dg.DagsterEventType.ENGINE_EVENT,
                                          limit=PID_EVENTS_LOOKED_AT).records
    for event in events:
        pid = event.event_log_entry.dagster_event.engine_event_data.metadata.get("pid")
        if pid is not None:
            return RunProcess(int(pid.value), event.timestamp)
    return None


def is_alive(process: RunProcess) -> bool:
    """Whether the process runs (not a zombie) and started before the run knew it."""
    try:
        stat = Path(f"/proc/{process.pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    fields = stat.rsplit(")", 1)[1].split()  # after "pid (command)": state is field 3
    if fields[0] in ("Z", "X"):
        return False
    started = _boot_time() + int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22
    return started <= process.known_alive_at + START_TIME_SLACK_SECONDS


def _boot_time() -> float:
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("btime "):
            return float(line.split()[1])
    raise RuntimeError("/proc/stat has no btime line")


def is_dead(instance: dg.DagsterInstance, record: dg.RunRecord) -> bool:
    """A run of this host whose process is gone; False when that cannot be told."""
    process = run_process(instance, record)
    return process is not None and not is_alive(process)


def fail_dead_runs(instance: dg.DagsterInstance,
                   announce: Callable[[str], None] = print) -> list[str]:
    """Mark every dead run of this host failed and free its pool slots; their run ids."""
    dead = []
    for record in instance.get_run_records(dg.RunsFilter(statuses=LIVE_STATUSES)):
        if is_dead(instance, record):
            fail_dead_run(instance, record.dagster_run)
            announce(f"run {record.dagster_run.run_id} ({record.dagster_run.job_name}) was left "
                     f"{record.dagster_run.status.value} by a process that is gone: marked "
                     "failed, its pool slots freed")
            dead.append(record.dagster_run.run_id)
    return dead


def fail_dead_run(instance: dg.DagsterInstance, run: dg.DagsterRun) -> None:
    """Fail the run and give back the pool slots its steps held or waited for."""
    instance.report_run_failed(run, "The run's process is gone (killed, or its machine "
                                    "stopped): marked failed, its pool slots freed.")
    instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
