"""Ingestion: the night's backup from the POS outbox, landed in raw_pos (02:00, or as soon as
a complete backup is in the outbox)."""

from store_pipeline.defs.ingestion.assets import pos_backup, raw_pos
from store_pipeline.defs.ingestion.jobs import ingestion_job
from store_pipeline.defs.ingestion.schedules import ingestion_schedule
from store_pipeline.defs.ingestion.sensors import new_backup_sensor

ASSETS = [pos_backup, raw_pos]
JOBS = [ingestion_job]
SCHEDULES = [ingestion_schedule]
SENSORS = [new_backup_sensor]
