"""A step waiting for a pool slot: logged, checked with backoff, stopped by SIGTERM."""

from __future__ import annotations

import inspect
import os
import signal
import threading
import time
import uuid

import dagster as dg
import pytest
from dagster._core.execution.plan.active import ActiveExecution
from dagster._core.execution.plan.execute_plan import inner_plan_execution_iterator
from dagster._core.execution.plan.instance_concurrency_context import InstanceConcurrencyContext
from dagster._core.storage.event_log.sql_event_log import SqlEventLogStorage

from store_pipeline.instance.config import write_instance_config
from store_pipeline.instance.dead_runs import process_tags
from store_pipeline.internals import slot_wait

POOL = "shared"


@dg.asset(pool=POOL)
def pooled() -> None:
    """Needs the pool's only slot."""


JOB = dg.Definitions(assets=[pooled], jobs=[dg.define_asset_job("pooled_job")]).resolve_job_def(
    "pooled_job")


@pytest.fixture
def instance(tmp_path):
    slot_wait.install()
    write_instance_config(tmp_path)
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        yield instance


def _hold_the_slot(instance: dg.DagsterInstance) -> str:
    """A live run (this process) holding the pool's only slot."""
    run_id = str(uuid.uuid4())
    instance.add_run(dg.DagsterRun(job_name="holder_job", run_id=run_id,
                                   status=dg.DagsterRunStatus.STARTED, tags=process_tags()))
    instance.event_log_storage.set_concurrency_slots(POOL, 1)
    claimed = instance.event_log_storage.claim_concurrency_slot(POOL, run_id, "holding")
    assert claimed.is_claimed
    return run_id


def _count_calls(monkeypatch, owner, name: str) -> list:
    calls = []
    original = getattr(owner, name)

    def counted(*args, **kwargs):
        calls.append(time.monotonic())
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def _terminate_after(checks: list, count: int) -> threading.Thread:
    """SIGTERM this process once the storage has been asked ``count`` times for the slot."""
    def watch():
        while len(checks) < count:
            time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_a_blocked_step_says_why_backs_off_and_stops_on_sigterm(instance, monkeypatch):
    holder = _hold_the_slot(instance)
    loops = _count_calls(monkeypatch, InstanceConcurrencyContext, "claim")
    checks = _count_calls(monkeypatch, SqlEventLogStorage, "claim_concurrency_slot")
    watcher = _terminate_after(checks, 3)
    result = JOB.execute_in_process(instance=instance, raise_on_error=False)
    watcher.join()

    assert not result.success
    assert instance.get_run_by_id(result.run_id).status == dg.DagsterRunStatus.FAILURE
    # Each pass of the executor's loop claims once: without backoff, thousands per check.
    assert len(checks) >= 3
    assert len(loops) <= 2 * len(checks) + 2
    messages = [e.user_message for e in instance.all_logs(result.run_id)]
    said = [m for m in messages if "waits for a slot" in m]
    assert said[0] == (f"pooled waits for a slot of pool {POOL} (limit 1), held by run {holder} "
                       "(holder_job, STARTED, step holding); 1 step(s) waiting")
    info = instance.event_log_storage.get_concurrency_info(POOL)
    assert [s.run_id for s in info.claimed_slots] == [holder]
    assert not [s for s in info.pending_steps if s.run_id == result.run_id]


def test_a_step_runs_once_the_slot_is_free(instance):
    holder = _hold_the_slot(instance)
    instance.event_log_storage.free_concurrency_slots_for_run(holder)
    assert JOB.execute_in_process(instance=instance).success


def test_what_the_module_relies_on_in_dagster():
    """A Dagster upgrade that changes any of this needs slot_wait.py looked at again."""
    signatures = {
        slot_wait.DAGSTERS["interval_to_next_pending_claim_check"]: "(self) -> float",
        ActiveExecution.sleep_interval: "(self)",
        ActiveExecution.get_step_by_key: "(self, step_key: str) -> "
                                         "dagster._core.execution.plan.step.ExecutionStep",
        slot_wait.DAGSTERS["sleep_til_ready"]: "(self) -> None",
        slot_wait.DAGSTERS["concurrency_event_iterator"]:
            "(self, plan_context: dagster._core.execution.context.system.PlanExecutionContext | "
            "dagster._core.execution.context.system.PlanOrchestrationContext) -> "
            "collections.abc.Iterator[dagster._core.events.DagsterEvent]",
    }
    for function, signature in signatures.items():
        assert str(inspect.signature(function)) == signature, function.__qualname__
    # The in-process executor sleeps only here when no step can start.
    assert "active_execution.sleep_til_ready()" in inspect.getsource(
        inner_plan_execution_iterator)
    # Dagster's interval is never positive (the busy wait this module replaces).
    context = InstanceConcurrencyContext.__new__(InstanceConcurrencyContext)
    context._pending_claims = {"step"}
    context._pending_timeouts = {"step": time.time() + 60}
    assert slot_wait.DAGSTERS["interval_to_next_pending_claim_check"](context) <= 0
    assert 50 < slot_wait.seconds_to_next_check(context) <= 60
