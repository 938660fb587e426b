"""Values a process computes that the next one can read back: a marshal file in the data home.

``jinja_code.py`` keeps dbt's compiled templates this way and ``dbt_schemas.py`` dbt's JSON
schemas. The file holds the versions the values were computed with and the values by key;
one written by other versions, or damaged, reads as empty. It is written once, atomically,
and only when something was added.
"""

from __future__ import annotations

import marshal
import os
import tempfile
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Kept entries the runs no longer use are dropped once they outnumber the used ones this much.
STALE_FACTOR = 4


class KeptValues:
    """Values by key, as read from ``path`` (when written by ``versions``) and added to since."""

    def __init__(self, path: Path, versions: tuple[str | None, ...]) -> None:
        self.path = path
        self.versions = versions
        self.values = _read(path, versions)
        self.used: set[Hashable] = set()
        self.added = 0

    def get(self, key: Hashable) -> Any:
        value = self.values.get(key)
        if value is not None:
            self.used.add(key)
        return value

    def add(self, key: Hashable, value: Any) -> None:
        self.values[key] = value
        self.used.add(key)
        self.added += 1

    def save(self) -> None:
        """Write the file (atomically) when values were added; drop the entries no longer
        used once they dominate."""
        if not self.added:
            return
        kept = self.values
        if len(kept) > STALE_FACTOR * len(self.used):
            kept = {key: kept[key] for key in self.used}
        handle, temp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                marshal.dump((self.versions, kept), out)
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise


class KeptFile:
    """A file of kept values in a folder: ``open(folder)`` routes their computation through it
    (``install``, once per process is up to it), reads it for a block during which ``current``
    holds the values, and saves it when the block ends without an error."""

    def __init__(self, name: str, versions: Callable[[], tuple[str | None, ...]],
                 install: Callable[[], None]) -> None:
        self.name = name
        self.versions = versions
        self.install = install
        self.current: KeptValues | None = None

    @contextmanager
    def open(self, folder: Path) -> Iterator[KeptValues]:
        self.install()
        values = KeptValues(folder / self.name, self.versions())
        self.current = values
        try:
            yield values
        finally:
            self.current = None
        values.save()


def _read(path: Path, versions: tuple[str | None, ...]) -> dict:
    try:
        with path.open("rb") as handle:
            written_by, values = marshal.load(handle)
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return values if written_by == versions and isinstance(values, dict) else {}
