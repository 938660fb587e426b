"""The code location loads, validates, and forms one lineage graph from backup to report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from store_pipeline.definitions import defs

REPO = Path(__file__).resolve().parents[1]


def test_dg_check_defs_from_a_virtual_environment_not_activated():
    """``dg check defs`` loads the code location as ``dg dev`` does, preparing the dbt project
    with the dbt beside the interpreter although the venv's bin/ is not on PATH."""
    bin_dir = str(Path(sys.executable).parent)
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p != bin_dir)
    result = subprocess.run([str(Path(bin_dir) / "dg"), "check", "defs"], capture_output=True,
                            text=True, cwd=REPO, env=os.environ | {"PATH": path}, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All definitions loaded successfully" in result.stdout + result.stderr


def _upstream_closure(graph, key: dg.AssetKey) -> set[dg.AssetKey]:
    seen, todo = set(), [key]
    while todo:
        for parent in graph.get(todo.pop()).parent_keys:
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def test_one_lineage_graph_from_backup_to_every_report():
    graph = defs().resolve_asset_graph()
    assert dg.AssetKey(["raw_pos", "transaction"]) in graph.get(
        dg.AssetKey(["staging", "stg_pos__transaction"])).parent_keys
    for report in ("sales_dashboard", "employee_productivity", "inventory_analysis",
                   "employee_weekly", "business_review"):
        upstream = _upstream_closure(graph, dg.AssetKey(["reports", report]))
        assert dg.AssetKey("pos_backup") in upstream, report
    for export in ("daily_sales_summary", "employee_hours", "product_performance",
                   "inventory_status"):
        upstream = _upstream_closure(graph, dg.AssetKey(["exports", export]))
        assert dg.AssetKey("pos_backup") in upstream, export


def test_schedules_run_at_two_and_three_in_the_chain_timezone():
    names = ("ingestion_0200", "analytics_0300", "weekly_reports_monday_0400",
             "monthly_reports_first_0430")
    schedules = {name: defs().resolve_schedule_def(name) for name in names}
    assert schedules["ingestion_0200"].cron_schedule == "0 2 * * *"
    assert schedules["analytics_0300"].cron_schedule == "0 3 * * *"
    assert {s.execution_timezone for s in schedules.values()} == {"America/New_York"}


def test_dbt_tests_are_asset_checks_and_marts_have_freshness():
    graph = defs().resolve_asset_graph()
    checks = graph.asset_check_keys
    assert any(c.asset_key == dg.AssetKey(["marts", "fct_sales"]) for c in checks)
    for key in (dg.AssetKey(["marts", "rpt_daily_sales"]), dg.AssetKey(["raw_pos", "transaction"]),
                dg.AssetKey(["exports", "daily_sales_summary"]),
                dg.AssetKey(["reports", "business_review"])):
        assert graph.get(key).freshness_policy is not None, key


def test_only_incremental_dbt_models_are_daily_partitioned():
    """Dimensions, views and full-rebuild tables describe the newest landed state: the UI must
    not show them as daily partitions (issue: POS data over time)."""
    import json

    from dagster_dbt import get_asset_key_for_model

    from store_pipeline.defs.dbt.assets import dbt_project, store_dbt_models

    manifest = json.loads(dbt_project.manifest_path.read_text())
    graph = defs().resolve_asset_graph()
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    assert len(models) > 50
    for node in models:
        key = get_asset_key_for_model([store_dbt_models], node["name"])
        incremental = node["config"]["materialized"] == "incremental"
        assert (graph.get(key).partitions_def is not None) == incremental, key
    assert graph.get(dg.AssetKey(["marts", "dim_products"])).partitions_def is None
    assert graph.get(dg.AssetKey(["marts", "fct_sales"])).partitions_def is not None
