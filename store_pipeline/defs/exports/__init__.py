"""Exports: the CSV files store managers open in Excel."""

from store_pipeline.defs.exports.assets import csv_exports

ASSETS = [csv_exports]
JOBS = []
SCHEDULES = []
SENSORS = []
