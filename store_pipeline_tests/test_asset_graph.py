"""The asset graph as a committed snapshot: keys, deps, groups, partitions, checks, freshness,
jobs, schedules and sensors. A change to any of them shows as a diff of asset_graph.json;
``STORE_PIPELINE_UPDATE_SNAPSHOT=1 pytest store_pipeline_tests/test_asset_graph.py`` writes
the new graph for review and commit."""

import json
import os
from pathlib import Path

import dagster as dg
import pytest

from store_pipeline.definitions import defs

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.json"
UPDATE = "STORE_PIPELINE_UPDATE_SNAPSHOT"


def _partitions(partitions: dg.PartitionsDefinition | None) -> dict | None:
    """A partitions definition by its cadence, not its first date (which settings choose)."""
    if partitions is None:
        return None
    assert isinstance(partitions, dg.TimeWindowPartitionsDefinition)
    return {"cron": partitions.cron_schedule, "timezone": partitions.timezone,
            "end_offset": partitions.end_offset}


def _asset(graph, key: dg.AssetKey) -> dict:
    node = graph.get(key)
    return {
        "group": node.group_name,
        "deps": sorted(k.to_user_string() for k in node.parent_keys),
        "partitions": _partitions(node.partitions_def),
        "checks": sorted(k.name for k in node.check_keys),
        "freshness": str(node.freshness_policy) if node.freshness_policy else None,
        "automation": node.automation_condition.get_label() if node.automation_condition
        else None,
        "pools": sorted(node.pools or ()),
        "kinds": sorted(node.kinds),
    }


def _graph() -> dict:
    definitions = defs()
    graph = definitions.resolve_asset_graph()
    repository = definitions.get_repository_def()
    return {
        "assets": {k.to_user_string(): _asset(graph, k)
                   for k in sorted(graph.get_all_asset_keys())},
        "jobs": {j.name: {"assets": sorted(k.to_user_string()
                                           for k in j.asset_layer.selected_asset_keys),
                          "checks": len(j.asset_layer.asset_graph.asset_check_keys),
                          "partitions": _partitions(j.partitions_def)}
                 for j in repository.get_all_jobs() if not j.name.startswith("__")},
        "schedules": {s.name: {"cron": s.cron_schedule, "timezone": s.execution_timezone,
                               "job": s.job_name, "default": s.default_status.value}
                      for s in repository.schedule_defs},
        "sensors": {s.name: {"jobs": sorted(t.job_name for t in s.targets),
                             "interval_seconds": s.minimum_interval_seconds,
                             "default": s.default_status.value}
                    for s in repository.sensor_defs},
    }


def test_the_asset_graph_matches_its_snapshot():
    graph = _graph()
    if os.environ.get(UPDATE):
        SNAPSHOT.write_text(json.dumps(graph, indent=1, sort_keys=True) + "\n")
        pytest.skip(f"wrote {SNAPSHOT}")
    assert graph == json.loads(SNAPSHOT.read_text()), (
        f"the asset graph changed; if intended, rerun with {UPDATE}=1 and commit the diff")
