"""The freshness state of every watched asset, from its last materialisation."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import dagster as dg

from store_pipeline.defs.operations.catalog import WatchedAsset
from store_pipeline.internals.freshness import Freshness, evaluate


def freshness_states(instance: dg.DagsterInstance, assets: Iterable[WatchedAsset],
                     now: datetime) -> list[Freshness]:
    """The state of every asset with a freshness policy, by asset key."""
    with_policy = [a for a in assets if a.freshness_policy is not None]
    records = {r.asset_entry.asset_key: r
               for r in instance.get_asset_records([a.key for a in with_policy])}
    states = []
    for asset in with_policy:
        record = records.get(asset.key)
        event = record.asset_entry.last_materialization if record else None
        last = datetime.fromtimestamp(event.timestamp, now.tzinfo) if event else None
        state, deadline = evaluate(asset.freshness_policy, last, now)
        states.append(Freshness(asset.name, state, last, deadline))
    return states
