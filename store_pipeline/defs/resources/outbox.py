"""The POS outbox: where nightly backups appear. A local folder here; SFTP in ``sftp.py``."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import dagster as dg

from store_pipeline.lib.ingest.files import (
    DEFAULT_PATTERN,
    FetchResult,
    OutboxFile,
    check_file_name,
    with_markers,
)
from store_pipeline.lib.ingest.transfer import TransferError, finish_landing, read_sidecar_sha256
from store_pipeline.lib.threads import map_in_order


class Outbox(dg.ConfigurableResource):
    """Where backups are listed and fetched from: a local folder or an SFTP server."""

    pattern: str = DEFAULT_PATTERN
    ready_marker: str = ""  # e.g. ".done": a backup with this companion file is complete

    def list_files(self) -> list[OutboxFile]:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    def fetch(self, name: str, landing: Path, expected_size: int | None = None) -> FetchResult:
        raise NotImplementedError

    def fetch_all(self, files: Sequence[OutboxFile], landing: Path) -> Iterator[FetchResult]:
        """Fetch each listed file into ``landing``, yielding results in order."""
        for listed in files:
            yield self.fetch(listed.name, landing, expected_size=listed.size)


class LocalOutbox(Outbox):
    """Backups written by the POS (or the simulator) into a local folder."""

    path: str
    # Copies at once: one copy is bound by hashing and the page cache, not by the disk.
    workers: int = 2

    def fetch_all(self, files: Sequence[OutboxFile], landing: Path) -> Iterator[FetchResult]:
        return map_in_order(lambda listed: self.fetch(listed.name, landing, listed.size),
                            files, self.workers, name="fetch")

    def list_files(self) -> list[OutboxFile]:
        """Matching files with their size and modification time, by name."""
        folder = Path(self.path)
        if not folder.is_dir():
            return []
        regex = re.compile(self.pattern)
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
        files = [OutboxFile(e.name, e.stat().st_size, e.stat().st_mtime)
                 for e in entries if e.is_file() and regex.match(e.name)]
        return with_markers(files, {e.name for e in entries}, self.ready_marker)

    def describe(self) -> str:
        return str(Path(self.path).resolve())

    def fetch(self, name: str, landing: Path, expected_size: int | None = None) -> FetchResult:
        """Copy ``name`` to ``landing/<name>`` through ``.part``; verify size and sidecar hash."""
        source = Path(self.path) / check_file_name(name)
        if not source.is_file():
            raise TransferError(f"no backup {name} in {self.describe()}")
        size = source.stat().st_size
        if expected_size is not None and expected_size != size:
            raise TransferError(f"{name} is still being written ({expected_size} -> {size} bytes)")
        sidecar = source.with_name(name + ".sha256")
        expected_sha = read_sidecar_sha256(sidecar.read_text()) if sidecar.is_file() else None
        landing.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        part = landing / f"{name}.part"
        shutil.copyfile(source, part)
        return finish_landing(part, landing / name, size, expected_sha, started)
