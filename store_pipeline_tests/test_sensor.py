"""The new-backup sensor: one run per complete new backup, none for a file being written."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from store_pipeline.defs.ingestion.sensors import new_backup_sensor
from store_pipeline.defs.resources.outbox import LocalOutbox


def _tick(outbox: LocalOutbox, cursor: str | None):
    with dg.build_sensor_context(cursor=cursor, resources={"outbox": outbox}) as context:
        result = new_backup_sensor(context)
        return result, context.cursor


def _requests(result) -> list[dg.RunRequest]:
    return result if isinstance(result, list) else []


def test_one_run_per_complete_backup(tmp_path: Path):
    outbox = LocalOutbox(path=str(tmp_path))
    backup = tmp_path / "pos_20260310.duckdb"
    backup.write_bytes(b"x" * 100)

    first, cursor = _tick(outbox, None)
    assert isinstance(first, dg.SkipReason)
    assert "waiting for pos_20260310.duckdb" in first.skip_message

    second, cursor = _tick(outbox, cursor)
    [request] = _requests(second)
    assert request.partition_key == "2026-03-10"
    assert request.run_key.startswith("pos_20260310.duckdb:100:")

    third, cursor = _tick(outbox, cursor)
    assert isinstance(third, dg.SkipReason) and "already taken" in third.skip_message


def test_a_file_still_being_written_is_not_taken(tmp_path: Path):
    outbox = LocalOutbox(path=str(tmp_path))
    backup = tmp_path / "pos_20260311.duckdb"
    backup.write_bytes(b"x" * 10)
    _, cursor = _tick(outbox, None)
    with backup.open("ab") as fh:  # the POS is still writing
        fh.write(b"y" * 10)
    result, cursor = _tick(outbox, cursor)
    assert isinstance(result, dg.SkipReason) and "waiting" in result.skip_message
    result, cursor = _tick(outbox, cursor)
    assert [r.partition_key for r in _requests(result)] == ["2026-03-11"]


def test_partial_and_foreign_files_are_ignored(tmp_path: Path):
    outbox = LocalOutbox(path=str(tmp_path))
    (tmp_path / "pos_20260312.duckdb.part").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("hello")
    result, _ = _tick(outbox, None)
    assert isinstance(result, dg.SkipReason) and "no backup matching" in result.skip_message


def test_a_replaced_backup_is_taken_again(tmp_path: Path):
    outbox = LocalOutbox(path=str(tmp_path))
    backup = tmp_path / "pos_20260310.duckdb"
    backup.write_bytes(b"x" * 100)
    _, cursor = _tick(outbox, None)
    _, cursor = _tick(outbox, cursor)
    backup.write_bytes(b"z" * 120)
    os.utime(backup, (1_900_000_000, 1_900_000_000))
    _, cursor = _tick(outbox, cursor)
    result, _ = _tick(outbox, cursor)
    [request] = _requests(result)
    assert request.run_key.startswith("pos_20260310.duckdb:120:")


def test_a_ready_marker_makes_a_backup_complete_at_once(tmp_path: Path):
    outbox = LocalOutbox(path=str(tmp_path), ready_marker=".done")
    (tmp_path / "pos_20260313.duckdb").write_bytes(b"x" * 10)
    result, _ = _tick(outbox, None)
    assert isinstance(result, dg.SkipReason) and "waiting" in result.skip_message
    (tmp_path / "pos_20260313.duckdb.done").touch()
    (tmp_path / "pos_20260314.duckdb").write_bytes(b"x" * 10)
    (tmp_path / "pos_20260314.duckdb.done").touch()
    result, _ = _tick(outbox, None)
    assert sorted(r.partition_key for r in _requests(result)) == ["2026-03-13", "2026-03-14"]
