"""The 02:00 ingestion schedule: the newest daily partition at 02:00 is yesterday."""

import dagster as dg

from store_pipeline.defs.ingestion.jobs import ingestion_job

ingestion_schedule = dg.build_schedule_from_partitioned_job(
    ingestion_job, hour_of_day=2, name="ingestion_0200"
)
