"""Asset keys of dbt models, looked up in the manifest rather than spelled by hand."""

from collections.abc import Sequence

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from store_pipeline.defs.dbt.assets import store_dbt_models


def model_key(name: str) -> dg.AssetKey:
    """The asset key of dbt model ``name``; a name the manifest lacks raises."""
    return get_asset_key_for_model([store_dbt_models], name)


def model_keys(names: Sequence[str]) -> list[dg.AssetKey]:
    """``model_key`` of each name, in order."""
    return [model_key(name) for name in names]
