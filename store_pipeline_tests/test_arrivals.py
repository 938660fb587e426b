"""POS data over time: late rows, corrections, closed days and re-issued backups converge.

Landing backups in any order, again, late or re-issued leaves raw_pos exactly as landing the
final outbox from scratch does, and each arrival pattern of the generator is corrected by the
following backup.
"""

from __future__ import annotations

import random
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from store_pipeline.lib.generator import GeneratorConfig, generate_chain
from store_pipeline.lib.generator.arrivals import ARRIVALS_MANIFEST, REISSUED_FOLDER
from store_pipeline.lib.ingest.landing import land_snapshots, landed_dates
from store_pipeline.lib.pos_schema import POS_TABLES, snapshot_file_name

END = date(2026, 3, 14)
CLOSED = date(2026, 3, 8)
REISSUED = date(2026, 3, 10)
CONFIG = GeneratorConfig(stores=3, days=10, end_date=END, transactions_per_store_day=60,
                         items=60, customers_per_store=20, closed_dates=(CLOSED,),
                         reissued_date=REISSUED)
FIRST = CONFIG.first_date


@pytest.fixture(scope="module")
def outbox(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("arrivals") / "outbox"
    generate_chain(CONFIG, folder)
    return folder


def _backup(outbox: Path, day: date) -> Path:
    return outbox / snapshot_file_name(day)


def _land(con: duckdb.DuckDBPyConnection, path: Path, day: date):
    [landed] = land_snapshots(con, [(path, day)], first_date=FIRST)
    return landed


def _raw(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {t.raw_name: con.execute(f'SELECT * FROM raw_pos."{t.raw_name}" ORDER BY ALL')
            .fetchall() for t in POS_TABLES}


def _from_scratch(outbox: Path, path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path))
    days = [FIRST + timedelta(days=n) for n in range(CONFIG.days)]
    list(land_snapshots(con, [(_backup(outbox, d), d) for d in days], per_transaction=4,
                        workers=2, first_date=FIRST))
    raw = _raw(con)
    con.close()
    return raw


def test_the_generator_lists_every_pattern(outbox):
    manifest = pd.read_csv(outbox / ARRIVALS_MANIFEST)
    assert {"open_shift", "open_batch", "next_day_void", "holiday_closure",
            "reissued_backup"} <= set(
        manifest["pattern"])
    assert (outbox / REISSUED_FOLDER / snapshot_file_name(REISSUED)).is_file()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_any_sequence_of_nightly_runs_converges_to_a_from_scratch_landing(outbox, tmp_path,
                                                                          seed):
    """Nights in order, each sometimes re-running an earlier date, landing the next backup
    first, or taking the first issue of the re-issued backup: raw_pos ends as from scratch."""
    rng = random.Random(seed)
    con = duckdb.connect(str(tmp_path / "nightly.duckdb"))
    days = [FIRST + timedelta(days=n) for n in range(CONFIG.days)]
    for index, day in enumerate(days):
        if day == REISSUED:
            _land(con, outbox / REISSUED_FOLDER / snapshot_file_name(day), day)
        if rng.random() < 0.3 and index + 1 < len(days):  # tomorrow's backup re-run first
            _land(con, _backup(outbox, days[index + 1]), days[index + 1])
        _land(con, _backup(outbox, day), day)
        if rng.random() < 0.4 and index:  # an operator re-runs an earlier date
            earlier = rng.choice(days[:index])
            _land(con, _backup(outbox, earlier), earlier)
    nightly = _raw(con)
    assert landed_dates(con, FIRST, END) == set(days)  # the closed day is landed too
    con.close()
    assert nightly == _from_scratch(outbox, tmp_path / "scratch.duckdb")


def test_each_pattern_is_corrected_by_the_following_backup(outbox, tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    manifest = pd.read_csv(outbox / ARRIVALS_MANIFEST, parse_dates=["business_date"])
    day = next(d.date() for d in manifest.loc[manifest["pattern"] == "open_shift",
                                              "business_date"] if d.date() < END)
    open_now = 'SELECT count(*) FROM raw_pos.time_clock WHERE business_date = ? AND TimeOut IS NULL'
    voided = 'SELECT sum(Voided) FROM raw_pos."transaction" WHERE business_date = ?'
    open_batches = ('SELECT count(*) FROM raw_pos.batch WHERE business_date = ? '
                    'AND ClosingTotal IS NULL AND ClosingTime IS NULL')
    first = _land(con, _backup(outbox, day), day)
    assert con.execute(open_now, [day]).fetchone()[0] >= 1
    assert con.execute(open_batches, [day]).fetchone()[0] >= 1
    voids_before = con.execute(voided, [day]).fetchone()[0]
    landed = _land(con, _backup(outbox, day + timedelta(days=1)), day + timedelta(days=1))
    assert day in landed.changed and first.changed
    assert con.execute(open_now, [day]).fetchone()[0] == 0
    assert con.execute(open_batches, [day]).fetchone()[0] == 0
    late_voids = (manifest["pattern"] == "next_day_void") & (manifest["business_date"] == str(day))
    assert con.execute(voided, [day]).fetchone()[0] == voids_before + late_voids.sum()
    con.close()


def test_a_reissued_backup_is_taken_again_and_a_closed_day_lands_empty(outbox, tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    count = 'SELECT count(*) FROM raw_pos."transaction" WHERE business_date = ?'
    first_issue = tmp_path / snapshot_file_name(REISSUED)
    shutil.copy(outbox / REISSUED_FOLDER / first_issue.name, first_issue)
    _land(con, first_issue, REISSUED)
    before = con.execute(count, [REISSUED]).fetchone()[0]
    assert _land(con, _backup(outbox, REISSUED), REISSUED).changed[-1] == REISSUED
    assert con.execute(count, [REISSUED]).fetchone()[0] > before
    closed = _land(con, _backup(outbox, CLOSED), CLOSED)
    assert closed.rows["transaction"] == 0 and CLOSED in landed_dates(con, CLOSED, CLOSED)
    con.close()
