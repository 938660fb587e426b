"""Where each dbt invocation writes its artifacts, and the parse state they share.

Every invocation gets a target folder of its own under ``<home>/dbt/runs`` (artifacts of
runs never collide), seeded with the parse state the previous invocation left in ``<home>/dbt``,
so dbt parses only the files that changed instead of the whole project. The state is kept as
soon as dbt has parsed, so that an invocation killed or failed later still leaves it. Old run
folders are pruned.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

PARSE_STATE = "partial_parse.msgpack"
KEEP_RUNS = 30
Event = TypeVar("Event")


def run_target(folder: Path, label: str) -> Path:
    """A new target folder under ``folder/runs`` for one invocation, holding the parse state
    saved in ``folder``."""
    runs = folder / "runs"
    target = runs / f"{label}-{uuid.uuid4().hex[:6]}"
    target.mkdir(parents=True)
    seed_parse_state(target, folder / PARSE_STATE)
    _prune(runs, keep=KEEP_RUNS)
    return target


def seed_parse_state(target: Path, *saved: Path) -> None:
    """Give ``target``, unless it has a parse state, the first of the ``saved`` states that
    exists."""
    if (target / PARSE_STATE).is_file():
        return
    for state in saved:
        if state.is_file():
            shutil.copyfile(state, target / PARSE_STATE)
            return


def save_parse_state(folder: Path, target: Path) -> None:
    """Keep in ``folder`` the parse state an invocation wrote, for the next one (replaced
    atomically)."""
    written = target / PARSE_STATE
    if not written.is_file():
        return
    handle, temp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    os.close(handle)
    try:
        shutil.copyfile(written, temp)
        os.replace(temp, folder / PARSE_STATE)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def keeping_parse_state(events: Iterable[Event], folder: Path, target: Path) -> Iterator[Event]:
    """``events`` of an invocation writing to ``target``; its parse state is kept in ``folder``
    when the first event arrives (dbt writes the state once parsed, before any node's result),
    or at the end when none does."""
    kept = False
    try:
        for event in events:
            if not kept:
                save_parse_state(folder, target)
                kept = True
            yield event
    finally:
        if not kept:
            save_parse_state(folder, target)


def _prune(runs: Path, keep: int) -> None:
    """Remove all but the ``keep`` newest run folders."""
    folders = sorted((p for p in runs.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in folders[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
