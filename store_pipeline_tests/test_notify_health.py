"""The pipeline-health report from an instance with real successful and failed runs."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg
import pytest

from store_pipeline.defs.ingestion.assets import pos_backup, raw_pos
from store_pipeline.defs.ingestion.jobs import ingestion_job
from store_pipeline.defs.operations.assets import pipeline_health
from store_pipeline.defs.operations.catalog import watched_assets
from store_pipeline.defs.operations.health import collect_health
from store_pipeline.defs.operations.jobs import health_job
from store_pipeline.defs.resources.data_home import DataHome
from store_pipeline.defs.resources.outbox import LocalOutbox
from store_pipeline.defs.resources.warehouse import DuckDBWarehouse

DAYS = ("2026-01-05", "2026-01-06", "2026-01-07")
OUTBOX = "out<b>box&co"  # shows up in the error message: the page must escape it


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[tuple[dg.DagsterInstance, dg.Definitions, Path]]:
    """Ingestion of three days whose middle backup is missing: two successes, one failure."""
    from store_pipeline.lib.generator import GeneratorConfig, generate_chain

    home = tmp_path_factory.mktemp("health")
    outbox = home / OUTBOX
    generate_chain(GeneratorConfig(stores=1, days=3, end_date=date(2026, 1, 7), seed=5, items=50,
                                   transactions_per_store_day=20, customers_per_store=20),
                   outbox=outbox)
    (outbox / "pos_20260106.duckdb").unlink()
    defs = dg.Definitions(
        assets=[pos_backup, raw_pos, pipeline_health], jobs=[ingestion_job, health_job],
        resources={"outbox": LocalOutbox(path=str(outbox)), "data_home": DataHome(home=str(home)),
                   "warehouse": DuckDBWarehouse(path=str(home / "warehouse.duckdb"))})
    with dg.instance_for_test() as instance:
        job = defs.resolve_job_def("ingestion_job")
        outcomes = [job.execute_in_process(instance=instance, partition_key=day,
                                           raise_on_error=False).success for day in DAYS]
        assert outcomes == [True, False, True]
        yield instance, defs, home


def test_runs_failures_gaps_and_freshness(world):
    instance, defs, _ = world
    health = collect_health(instance, watched_assets(defs.resolve_asset_graph()),
                            datetime.now(UTC))
    [ingestion] = health.jobs
    assert (ingestion.job, ingestion.runs, ingestion.succeeded, ingestion.failed) == (
        "ingestion_job", 3, 2, 1)
    assert ingestion.median_seconds > 0 and ingestion.max_seconds >= ingestion.median_seconds
    [failure] = health.failures
    assert (failure.job, failure.partition) == ("ingestion_job", "2026-01-06")
    [step] = failure.steps
    assert step.step == "pos_backup" and step.error.startswith("no backup for 2026-01-06")
    gaps = {g.asset: g for g in health.gaps}
    assert gaps["pos_backup"].missing == ("2026-01-06",)
    assert (gaps["pos_backup"].first, gaps["pos_backup"].last) == (DAYS[0], DAYS[2])
    assert gaps["raw_pos/transaction"].materialized == 2
    states = {f.asset: f.state for f in health.freshness}
    assert states["pos_backup"] == "PASS" and states["raw_pos/transaction"] == "PASS"


def test_the_health_asset_writes_an_escaped_page(world):
    instance, defs, home = world
    result = _run_in_repository(defs, "health_job", instance)
    assert result.success
    page = (home / "reports" / "health.html").read_text(encoding="utf-8")
    assert "<h2" in page and "Pipeline health" in page
    assert "ingestion_job" in page and "no backup for 2026-01-06" in page
    assert html.escape(OUTBOX) in page and OUTBOX not in page
    assert "pos_backup" in page and "2026-01-06" in page  # the gap
    assert "<script" not in page


def _run_in_repository(defs: dg.Definitions, job_name: str,
                       instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    """Run ``job_name`` in this process as a code location runs it: with its repository."""
    from dagster._core.definitions.job_base import RepoBackedJob
    from dagster._core.execution.execute_in_process import core_execute_in_process

    in_process = {"execution": {"config": {"in_process": {}}}}
    return core_execute_in_process(run_config=in_process,
                                   job=RepoBackedJob(job_name, defs.get_repository_def()),
                                   instance=instance, output_capturing_enabled=True,
                                   raise_on_error=True)


def test_the_health_command_writes_the_report(capsys):
    from store_pipeline.cli.main import main
    from store_pipeline.lib.settings import load_settings

    assert main(["health"]) == 0
    path = load_settings().reports / "health.html"
    assert f"Pipeline health: {path}" in capsys.readouterr().out
    assert "Freshness:" in path.read_text(encoding="utf-8")
