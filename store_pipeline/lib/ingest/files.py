"""File facts shared by every outbox: what a listing returns, what a fetch returns, name checks."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

DEFAULT_PATTERN = r"^pos_(?P<date>\d{8})\.(?:duckdb|bak)$"
DEFAULT_DATE_FORMAT = "%Y%m%d"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")


class UnsafeFileName(ValueError):
    """A remote or outbox file name that could escape the landing folder."""


@dataclass(frozen=True)
class OutboxFile:
    """One file as an outbox lists it."""

    name: str
    size: int
    mtime: float
    ready: bool = False  # its ready-marker file is present: complete without waiting


def with_markers(files: list[OutboxFile], names: set[str], marker: str) -> list[OutboxFile]:
    """Flag the files whose ``<name><marker>`` exists among ``names`` (no marker: no flags)."""
    if not marker:
        return files
    return [replace(f, ready=f.name + marker in names) for f in files]


@dataclass(frozen=True)
class FetchResult:
    """A file landed and verified."""

    path: Path
    size: int
    sha256: str
    seconds: float

    @property
    def mib_per_second(self) -> float:
        return self.size / 1048576 / self.seconds if self.seconds > 0 else 0.0


def check_file_name(name: str) -> str:
    """Return ``name`` if it is a plain file name that stays inside a folder, else raise."""
    if not _SAFE_NAME.match(name) or ".." in name:
        raise UnsafeFileName(f"refusing file name {name!r}: not a plain file name")
    return name


def business_date_of(name: str, pattern: str = DEFAULT_PATTERN,
                     date_format: str = DEFAULT_DATE_FORMAT) -> date | None:
    """The business date a backup's name encodes, or None when the name does not match."""
    match = re.match(pattern, name)
    if not match:
        return None
    try:
        return datetime.strptime(match.group("date"), date_format).date()
    except ValueError:
        return None


def sha256_of(path: Path, chunk: int = 4 << 20) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()
