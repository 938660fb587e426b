"""Temporary files that a killed run left beside the exports and reports it was writing.

Both writers write ``.<name>[.<random>].tmp`` beside the file, then rename it into place, so a
complete file is all a reader ever sees; a run killed between the two leaves the hidden
temporary file behind. The steps that write a folder remove its leftovers before they start:
no other run writes there meanwhile, since every such step holds the ``warehouse`` pool's slot.
"""

from __future__ import annotations

from pathlib import Path

TEMP_PATTERN = ".*.tmp"


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete every temporary file under ``folder``; the ones deleted."""
    removed = sorted(p for p in Path(folder).rglob(TEMP_PATTERN) if p.is_file())
    for path in removed:
        path.unlink(missing_ok=True)
    return removed
