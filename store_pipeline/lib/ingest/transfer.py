"""A backup's transfer, whichever the outbox: verified whole (size, sha256 sidecar) before it
is renamed into place."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from store_pipeline.lib.ingest.files import FetchResult, sha256_of


class TransferError(RuntimeError):
    """A backup that could not be landed whole and verified."""


def read_sidecar_sha256(text: str) -> str:
    """The hex digest of a ``sha256sum``-style sidecar (``<hex>  <name>``)."""
    digest = text.strip().split()[0].lower() if text.strip() else ""
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise TransferError(f"malformed sha256 sidecar: {text[:80]!r}")
    return digest


def finish_landing(part: Path, final: Path, expected_size: int, expected_sha256: str | None,
                   started: float) -> FetchResult:
    """Verify a downloaded ``.part`` and rename it into place; remove it when it is wrong."""
    size = part.stat().st_size
    if size != expected_size:
        part.unlink(missing_ok=True)
        raise TransferError(f"{final.name}: got {size} bytes, the outbox lists {expected_size}")
    digest = sha256_of(part)
    if expected_sha256 and digest != expected_sha256:
        part.unlink(missing_ok=True)
        raise TransferError(f"{final.name}: sha256 {digest} differs from its sidecar")
    os.replace(part, final)
    return FetchResult(final, size, digest, time.monotonic() - started)
