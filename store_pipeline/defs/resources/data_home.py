"""The data home: landing folder, exports and reports under one root."""

from __future__ import annotations

import dagster as dg

from store_pipeline.lib.data_folders import DataFolders


class DataHome(dg.ConfigurableResource, DataFolders):
    """Folders under ``STORE_PIPELINE_HOME`` that assets write to."""

    home: str
