"""What a run was for and why it failed, read from the Dagster instance."""

from __future__ import annotations

from dataclasses import dataclass

import dagster as dg
from dagster_shared.error import SerializableErrorInfo

from store_pipeline.defs.automation import RANGE_END_TAG, RANGE_START_TAG

PARTITION_TAG = "dagster/partition"


@dataclass(frozen=True)
class StepError:
    """A failed step (or the run itself, when no step failed) and its error message."""

    step: str
    error: str


def partition_label(run: dg.DagsterRun) -> str:
    """``2026-03-10``, ``2026-03-01 .. 2026-03-10`` for a range, or ``-`` when unpartitioned."""
    tags = run.tags
    if PARTITION_TAG in tags:
        return tags[PARTITION_TAG]
    if RANGE_START_TAG in tags:
        return f"{tags[RANGE_START_TAG]} .. {tags.get(RANGE_END_TAG, '?')}"
    return "-"


def error_text(error: SerializableErrorInfo | None) -> str:
    """The error's message without the exception's module path, with its causes appended."""
    texts = []
    while error is not None:
        message = error.message.strip()
        prefix, sep, rest = message.partition(": ")
        texts.append(rest if sep and prefix.endswith(error.cls_name or "\0") else message)
        error = error.cause
    return " (caused by: ".join(texts) + ")" * (len(texts) - 1)


def failed_steps(instance: dg.DagsterInstance, run: dg.DagsterRun) -> list[StepError]:
    """Each failed step with its error; the run's own failure when no step failed."""
    records = instance.get_records_for_run(
        run.run_id, of_type={dg.DagsterEventType.STEP_FAILURE, dg.DagsterEventType.RUN_FAILURE}
    ).records
    events = [r.event_log_entry.dagster_event for r in records if r.event_log_entry.dagster_event]
    steps = [StepError(e.step_key or "-", error_text(e.event_specific_data.error))
             for e in events if e.event_type == dg.DagsterEventType.STEP_FAILURE]
    if steps:
        return steps
    runs = [e for e in events if e.event_type == dg.DagsterEventType.RUN_FAILURE]
    return [StepError("(run)", _run_error(e)) for e in runs[-1:]]


def _run_error(event: dg.DagsterEvent) -> str:
    data = event.event_specific_data
    error = getattr(data, "error", None)
    return error_text(error) if error is not None else event.message or "run failed"
