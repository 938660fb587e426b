"""The new-backup sensor: a run of the ingestion job per complete new backup in the POS outbox."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import dagster as dg

from store_pipeline.defs.automation import POLL_SECONDS
from store_pipeline.defs.ingestion.jobs import ingestion_job
from store_pipeline.defs.partitions import daily_partitions
from store_pipeline.defs.resources.outbox import Outbox
from store_pipeline.lib.ingest.files import OutboxFile, business_date_of


@dataclass
class OutboxCursor:
    """What the sensor saw at its last poll and what it has already taken."""

    seen: dict[str, list[float]] = field(default_factory=dict)  # name -> [size, mtime]
    taken: dict[str, list[float]] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str | None) -> OutboxCursor:
        return cls(**json.loads(text)) if text else cls()

    def dump(self) -> str:
        return json.dumps({"seen": self.seen, "taken": self.taken}, sort_keys=True)


@dataclass
class OutboxPlan:
    """Runs to request, the next cursor, and why nothing ran when nothing did."""

    run_requests: list[dg.RunRequest]
    cursor: OutboxCursor
    waiting: list[str]
    skipped: list[str]


def plan_outbox_runs(files: list[OutboxFile], cursor: OutboxCursor, pattern: str,
                     partition_keys: set[str]) -> OutboxPlan:
    """Request a run for each backup that is complete: its ready marker is there, or its size
    and mtime held still since the last poll."""
    requests, waiting, skipped, seen = [], [], [], {}
    for f in files:
        state = [float(f.size), f.mtime]
        day = business_date_of(f.name, pattern)
        if cursor.taken.get(f.name) == state:
            continue
        if day is None or day.isoformat() not in partition_keys:
            skipped.append(f"{f.name} (no partition for its date)")
            continue
        if not f.ready and cursor.seen.get(f.name) != state:
            seen[f.name] = state
            waiting.append(f.name)
            continue
        requests.append(dg.RunRequest(
            run_key=f"{f.name}:{f.size}:{f.mtime}",
            partition_key=day.isoformat(),
            tags={"store_pipeline/backup": f.name},
        ))
        cursor.taken[f.name] = state
    present = {f.name for f in files}
    taken = {n: s for n, s in cursor.taken.items() if n in present}
    return OutboxPlan(requests, OutboxCursor(seen=seen, taken=taken), waiting, skipped)


def _skip_reason(plan: OutboxPlan, outbox: Outbox, listed: int) -> str:
    if plan.waiting:
        return f"waiting for {', '.join(plan.waiting)} to stop changing (checked next poll)"
    if plan.skipped:
        return f"ignored {', '.join(plan.skipped)}"
    if listed:
        return f"all {listed} backup(s) in {outbox.describe()} were already taken"
    return f"no backup matching {outbox.pattern} in {outbox.describe()}"


@dg.sensor(job=ingestion_job, minimum_interval_seconds=POLL_SECONDS,
           default_status=dg.DefaultSensorStatus.STOPPED,
           description="Starts ingestion as soon as a complete new backup is in the outbox.")
def new_backup_sensor(context: dg.SensorEvaluationContext, outbox: Outbox):
    """Poll the outbox; a backup is complete when it did not change between two polls."""
    files = outbox.list_files()
    keys = set(daily_partitions.get_partition_keys())
    plan = plan_outbox_runs(files, OutboxCursor.parse(context.cursor), outbox.pattern, keys)
    context.update_cursor(plan.cursor.dump())
    if plan.run_requests:
        return plan.run_requests
    return dg.SkipReason(_skip_reason(plan, outbox, len(files)))
