"""Where each dbt invocation writes its artifacts, and the parse state they share.

Every invocation gets a target folder of its own under ``<home>/dbt/runs`` (artifacts of
runs never collide), seeded with the parse state the previous invocation left in ``<home>/dbt``,
so dbt parses only the files that changed instead of the whole project. Old run folders are
pruned.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

PARSE_STATE = "partial_parse.msgpack"
KEEP_RUNS = 30


def run_target(folder: Path, label: str) -> Path:
    """A new target folder under ``folder/runs`` for one invocation, holding the parse state
    saved in ``folder``."""
    runs = folder / "runs"
    target = runs / f"{label}-{uuid.uuid4().hex[:6]}"
    target.mkdir(parents=True)
    saved = folder / PARSE_STATE
    if saved.is_file():
        shutil.copyfile(saved, target / PARSE_STATE)
    _prune(runs, keep=KEEP_RUNS)
    return target


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


def _prune(runs: Path, keep: int) -> None:
    """Remove all but the ``keep`` newest run folders."""
    folders = sorted((p for p in runs.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in folders[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
