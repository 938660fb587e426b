"""Operations: the jobs that cross stages (a date's analytics, the whole day), the 03:00
deadline, analytics after each landing, and IT's health report and alerts."""

from store_pipeline.defs.operations.assets import pipeline_health
from store_pipeline.defs.operations.jobs import JOBS
from store_pipeline.defs.operations.schedules import SCHEDULES
from store_pipeline.defs.operations.sensors import SENSORS

ASSETS = [pipeline_health]

__all__ = ["ASSETS", "JOBS", "SCHEDULES", "SENSORS"]
