"""A step waiting for a pool slot says what it waits for, sleeps between checks, stops on SIGTERM.

Dagster 1.13's in-process executor (the one the command line's runs use) checks a blocked
step's claim again in a tight loop: ``interval_to_next_pending_claim_check`` never returns
more than 0, so ``sleep_til_ready`` never sleeps; the wait is logged at DEBUG only; and SIGTERM
and SIGINT are held back until a step's own code runs, so a waiting run cannot be stopped.
``install`` changes three methods of Dagster's, for every executor that uses them:

- the interval is the time until the first blocked step is due to be checked again (Dagster
  backs off from 1 s to 15 s between checks);
- ``sleep_til_ready`` sleeps that long in short naps, and raises Dagster's interruption error
  when SIGTERM or SIGINT arrived, which fails the run and gives its pending claims back;
- each blocked step's wait is logged at INFO, when it starts and every minute, naming the pool,
  its limit and the runs holding its slots.

``store_pipeline_tests/test_slot_wait.py`` pins what this relies on in Dagster.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from dagster._core.errors import DagsterExecutionInterruptedError
from dagster._core.execution.plan.active import ActiveExecution, _pool_key_for_step
from dagster._core.execution.plan.instance_concurrency_context import InstanceConcurrencyContext
from dagster._utils.interrupts import check_captured_interrupt

NAP_SECONDS = 0.5
REPORT_EVERY_SECONDS = 60.0

# Dagster's own methods, as imported (before ``install``).
DAGSTERS = {
    "interval_to_next_pending_claim_check":
        InstanceConcurrencyContext.interval_to_next_pending_claim_check,
    "sleep_til_ready": ActiveExecution.sleep_til_ready,
    "concurrency_event_iterator": ActiveExecution.concurrency_event_iterator,
}


def install() -> None:
    """Replace Dagster's methods with this module's (idempotent)."""
    InstanceConcurrencyContext.interval_to_next_pending_claim_check = seconds_to_next_check
    ActiveExecution.sleep_til_ready = sleep_til_ready
    ActiveExecution.concurrency_event_iterator = concurrency_events


def seconds_to_next_check(self: InstanceConcurrencyContext) -> float:
    """Seconds until the first blocked step's claim is due to be checked again (0 if none)."""
    if not self._pending_claims:
        return 0.0
    due = [self._pending_timeouts[key] for key in self._pending_claims
           if key in self._pending_timeouts]
    return max(0.0, min(due, default=time.time()) - time.time())


def sleep_til_ready(self: ActiveExecution) -> None:
    """Sleep until a step may be ready, in naps; raise when an interrupt was received."""
    deadline = time.monotonic() + self.sleep_interval()
    while True:
        if check_captured_interrupt():
            raise DagsterExecutionInterruptedError("interrupted while waiting for a pool slot")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        time.sleep(min(remaining, NAP_SECONDS))


def concurrency_events(self: ActiveExecution, plan_context) -> Iterator:
    """Dagster's blocked-step events, and an INFO line per blocked step now and then."""
    yield from DAGSTERS["concurrency_event_iterator"](self, plan_context)
    context = self._instance_concurrency_context
    if context is None:
        return
    reported = self.__dict__.setdefault("_store_pipeline_wait_reported", {})
    now = time.monotonic()
    for step_key in context.pending_claim_steps():
        if now - reported.get(step_key, -REPORT_EVERY_SECONDS) < REPORT_EVERY_SECONDS:
            continue
        reported[step_key] = now
        pool = _pool_key_for_step(self.get_step_by_key(step_key))
        if pool is not None:
            plan_context.log.info(describe_wait(plan_context.instance, step_key, pool))


def describe_wait(instance, step_key: str, pool: str) -> str:
    """``<step> waits for a slot of pool <pool> (limit n), held by run <id> (<job>, step s)...``"""
    info = instance.event_log_storage.get_concurrency_info(pool)
    holders = []
    for slot in info.claimed_slots:
        run = instance.get_run_by_id(slot.run_id)
        what = f"{run.job_name}, {run.status.value}" if run else "unknown run"
        holders.append(f"run {slot.run_id} ({what}, step {slot.step_key})")
    held = ", held by " + "; ".join(holders) if holders else ""
    return (f"{step_key} waits for a slot of pool {pool} (limit {info.limit}){held}; "
            f"{info.pending_step_count} step(s) waiting")
