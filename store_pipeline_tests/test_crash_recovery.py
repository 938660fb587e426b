"""A backfill killed with SIGKILL in each stage: the next one carries on as if nothing happened.

A real ``store-pipeline backfill`` is killed with its whole session (as a reboot would) once
its event log shows it inside a stage; the killed run stays STARTED, holding the warehouse
pool's slot. The same backfill again fails that run and frees the slot, and is itself killed in
the next stage, landing, dbt, exports and reports in turn (one backfill of the tiny chain is
some 25 s); the last one finishes with exports byte-identical to an uninterrupted backfill's
and leaves no temporary file behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
from contextlib import ExitStack
from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from store_pipeline.instance.config import write_instance_config
from store_pipeline.lib.generator import GeneratorConfig, generate_chain
from store_pipeline_tests.processes import BIN, REPO, environment, start, wait_for

START, END = date(2026, 3, 1), date(2026, 3, 5)
BACKFILL = ["backfill", "--start", START.isoformat(), "--end", END.isoformat(), "--only", "daily"]
LEFTOVER_PATTERNS = ("*.part", "*.tmp")


def _in_step(step: str, event_type: dg.DagsterEventType | None = None, message: str = ""):
    """A test of an event log entry: of ``step``, of ``event_type``, its message starting so."""
    def test(entry) -> bool:
        return (entry.step_key == step and entry.user_message.startswith(message)
                and (event_type is None or entry.dagster_event_type == event_type))
    return test


STAGES = {  # in the order a backfill reaches them
    "landing": _in_step("raw_pos", dg.DagsterEventType.STEP_START),
    "dbt": _in_step("store_dbt_models", dg.DagsterEventType.ASSET_MATERIALIZATION),
    "exports": _in_step("csv_exports", message=f"exports {START}: written"),
    "reports": _in_step("daily_reports", dg.DagsterEventType.STEP_START),
}


@pytest.fixture(scope="module")
def outbox(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pos_outbox")
    generate_chain(GeneratorConfig(stores=2, days=5, end_date=END, seed=3,
                                   transactions_per_store_day=80), outbox=folder)
    return folder


def _env(home: Path, outbox: Path) -> dict[str, str]:
    return environment(home) | {"STORE_PIPELINE_OUTBOX": str(outbox)}


def _backfill(home: Path, outbox: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "store-pipeline"), *BACKFILL], cwd=REPO,
                          env=_env(home, outbox), capture_output=True, text=True, timeout=300)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory, outbox) -> dict[str, bytes]:
    home = tmp_path_factory.mktemp("uninterrupted")
    done = _backfill(home, outbox)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return _files(home / "exports")


def _visible(name: str) -> bool:
    return not any(part.startswith(".") for part in Path(name).parts)


def _leftovers(home: Path) -> list[Path]:
    return [p for folder in ("landing", "exports", "reports")
            for pattern in LEFTOVER_PATTERNS for p in (home / folder).rglob(pattern)]


def _kill_inside(stage: str, home: Path, outbox: Path, log: Path) -> str:
    """Start the backfill, SIGKILL its session once it is inside ``stage``; the run's id."""
    if not (home / "dagster_home" / "dagster.yaml").exists():
        write_instance_config(home / "dagster_home")
    with ExitStack() as stack:
        instance = stack.enter_context(dg.DagsterInstance.from_config(str(home / "dagster_home")))
        earlier = {r.dagster_run.run_id for r in instance.get_run_records()}
        process = start(stack, [str(BIN / "store-pipeline"), *BACKFILL], _env(home, outbox), log)

        seen: dict[str, str | None] = {}  # new run -> cursor of the events read so far

        def inside() -> str | None:
            """The new run once one of its events shows it in ``stage`` (events read once)."""
            for record in instance.get_run_records(limit=1):
                run_id = record.dagster_run.run_id
                if run_id in earlier:
                    continue
                events = instance.get_records_for_run(run_id, cursor=seen.get(run_id))
                seen[run_id] = events.cursor
                if any(STAGES[stage](r.event_log_entry) for r in events.records):
                    return run_id
            return None

        run_id = wait_for(f"the backfill to reach {stage}", inside, [log], every=0.1)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.STARTED
        [slot] = instance.event_log_storage.get_concurrency_info("warehouse").claimed_slots
        assert slot.run_id == run_id
    return run_id


def test_a_backfill_killed_in_each_stage_is_finished_by_the_next(tmp_path, outbox,
                                                                  uninterrupted):
    home = tmp_path / "home"
    killed = []
    for stage in STAGES:
        killed.append(_kill_inside(stage, home, outbox, tmp_path / f"killed_in_{stage}.log"))
        # What a reader sees is complete: a file the killed run wrote is the finished one.
        visible = {k: v for k, v in _files(home / "exports").items() if _visible(k)}
        assert all(uninterrupted[name] == data for name, data in visible.items()), stage
        assert all(_complete_page(p) for p in _pages(home)), stage
        if len(killed) > 1:  # the backfill just killed began by failing the one before
            assert _status(home, killed[-2]) == dg.DagsterRunStatus.FAILURE
        if stage == "dbt":  # dbt's parse state was kept before its first result
            assert (home / "dbt" / "partial_parse.msgpack").is_file()

    again = _backfill(home, outbox)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert f"run {killed[-1]} (analytics_job) was left STARTED" in again.stdout
    assert _status(home, killed[-1]) == dg.DagsterRunStatus.FAILURE
    assert _files(home / "exports") == uninterrupted
    assert _leftovers(home) == []
    pages = _pages(home)
    assert {p.name for p in pages} >= {"sales_dashboard.html", "employee_productivity.html"}
    assert all(_complete_page(p) for p in pages)


def _pages(home: Path) -> list[Path]:
    return [p for p in (home / "reports").rglob("*.html") if _visible(p.name)]


def _complete_page(page: Path) -> bool:
    return page.read_text().rstrip().endswith("</html>")


def _status(home: Path, run_id: str) -> dg.DagsterRunStatus:
    with dg.DagsterInstance.from_config(str(home / "dagster_home")) as instance:
        return instance.get_run_by_id(run_id).status
