"""The code location, loaded lazily: importing this module builds nothing; Dagster (or a caller
of ``defs()``) builds the assets, checks, jobs, schedules, sensors and resources once.

Each stage's definitions live in ``store_pipeline/defs/<stage>/`` (assets, jobs, schedules,
sensors side by side); the plain logic they call lives in ``store_pipeline/lib/``.
"""

from __future__ import annotations

from functools import cache

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    """Every definition of the pipeline (built on first call, then the same object)."""
    return _build()


@cache
def _build() -> dg.Definitions:
    from store_pipeline.defs import dbt, exports, forecasts, ingestion, notifications, operations
    from store_pipeline.defs import reports as report_stage
    from store_pipeline.defs.resources.select import build_resources
    from store_pipeline.internals.event_log import enable_event_batches
    from store_pipeline.internals.slot_wait import install as install_slot_wait
    from store_pipeline.lib.settings import load_environment, load_settings

    # Every process that runs our steps builds these definitions first.
    enable_event_batches()
    install_slot_wait()
    load_environment()
    stages = (ingestion, dbt, exports, report_stage, forecasts, notifications, operations)
    return dg.Definitions(
        assets=[a for stage in stages for a in stage.ASSETS],
        jobs=[j for stage in stages for j in stage.JOBS],
        schedules=[s for stage in stages for s in stage.SCHEDULES],
        sensors=[s for stage in stages for s in stage.SENSORS],
        resources=build_resources(load_settings()),
        # Every job's steps run in its run's process, one after the other: the warehouse-bound
        # steps run one at a time anyway, and a process per step would build all this again.
        executor=dg.in_process_executor,
    )
