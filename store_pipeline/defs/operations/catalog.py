"""The assets IT operations watches: key, partitioning and freshness policy of each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import dagster as dg


@dataclass(frozen=True)
class WatchedAsset:
    key: dg.AssetKey
    partitions_def: dg.PartitionsDefinition | None
    freshness_policy: dg.FreshnessPolicy | None

    @property
    def name(self) -> str:
        return self.key.to_user_string()


def watched_assets(asset_graph: Any) -> list[WatchedAsset]:
    """Every materialisable asset of an asset graph (``Definitions.resolve_asset_graph()`` or a
    repository's ``asset_graph``), by key."""
    nodes = sorted(asset_graph.asset_nodes, key=lambda node: node.key.to_user_string())
    return [WatchedAsset(node.key, node.partitions_def, node.freshness_policy)
            for node in nodes if node.is_materializable]
