"""The ingestion job: the night's backup from the POS outbox, landed in raw_pos."""

import dagster as dg

from store_pipeline.defs.ingestion.assets import pos_backup, raw_pos

INGESTION = dg.AssetSelection.assets(pos_backup, raw_pos)

ingestion_job = dg.define_asset_job(
    "ingestion_job", selection=INGESTION,
    description="Take the night's backup from the POS outbox and land it in raw_pos.",
)
