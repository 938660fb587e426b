"""Where reports live and how they are written: atomically, and only when the bytes change."""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

import plotly.offline

PLOTLY_JS = "plotly.min.js"
REPORT_MODE = 0o644  # readable by the web server that serves reports/, as exports are
TITLES = {
    "sales_dashboard": "Sales dashboard",
    "store_day": "Store day",
    "region_week": "Region week",
    "inventory_analysis": "Inventory analysis",
    "employee_productivity": "Employee productivity",
    "business_review": "Business review",
}


def write_atomic(path: Path, content: str | bytes) -> Path:
    """Write ``content`` to ``path`` through a temp file and ``os.replace``; skip equal bytes."""
    data = content.encode() if isinstance(content, str) else content
    if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, REPORT_MODE)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def ensure_plotly_js(reports_dir: Path | str) -> Path:
    """``reports_dir/plotly.min.js`` from the installed plotly, written when missing or stale.

    The file is 4.6 MB: its contents are compared only when its size or modification time
    changed since this process last checked it.
    """
    path = Path(reports_dir).resolve() / PLOTLY_JS
    current = _signature(path)
    if current is None or _checked.get(path) != current:
        write_atomic(path, _plotly_js())
        _checked[path] = _signature(path)
    return path


_checked: dict[Path, tuple[int, int] | None] = {}


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_size, status.st_mtime_ns


@functools.cache
def _plotly_js() -> bytes:
    return plotly.offline.get_plotlyjs().encode()
