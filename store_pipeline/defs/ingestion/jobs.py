"""The ingestion job: the night's backup from the POS outbox, landed in raw_pos."""

import dagster as dg

from store_pipeline.defs.ingestion.assets import pos_backup, raw_pos

INGESTION = dg.AssetSelection.assets(pos_backup, raw_pos)
# dbt's tests of the raw_pos sources are checks of raw_pos, but they run with the models that
# read raw_pos (analytics): here they would start a dbt process of their own for nothing.
RAW_POS_CHECKS = dg.AssetSelection.checks_for_assets(raw_pos)

ingestion_job = dg.define_asset_job(
    "ingestion_job", selection=INGESTION - RAW_POS_CHECKS,
    description="Take the night's backup from the POS outbox and land it in raw_pos.",
)
