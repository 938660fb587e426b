"""dbt: the staging, intermediate and mart models and their tests, as assets."""

from store_pipeline.defs.dbt.assets import store_dbt_models

ASSETS = [store_dbt_models]
JOBS = []
SCHEDULES = []
SENSORS = []
