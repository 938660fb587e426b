"""Scoped pages: one page per period holding every store's (or region's) figures once, as JSON,
and a selector that redraws it offline for the store or region named in the address.

``daily/<D>/store_day.html#store=S001`` shows store S001's day; e-mails link straight there.
The figures are computed here, in Python, from the report marts; ``scoped.js`` only lays them
out, so a page per store and day is never written, and a page grows with its stores' rows.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import pandas as pd

from store_pipeline.lib.reports.page import escape, page

SCRIPT = Path(__file__).with_name("scoped.js")
# JSON inside <script> must not close the element or open a comment.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})
Columns = Sequence[tuple[str, str, str]]  # (key, header, format name in scoped.js)
CSS = """<style>
.picker{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;margin-bottom:12px}
.picker select{font:inherit;padding:4px 6px;max-width:100%}
#scope-name{font-weight:600}#scope-note{color:var(--neg)}
tr.flagged td{background:#fff8c5}
</style>"""


def link(report: str, param: str, key: str) -> str:
    """The address of ``key``'s view: ``store_day.html#store=S001``."""
    return f"{report}#{urlencode({param: key})}"


def json_values(values: pd.Series) -> list:
    """A column as JSON values: None for NaN, dates as ISO text."""
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return [None if _missing(v) else (v.isoformat() if hasattr(v, "isoformat") else v)
                for v in values]
    return [None if np.isnan(v) else float(v) for v in values.to_numpy(dtype=float)]


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def as_columns(frame: pd.DataFrame, columns: Iterable[str]) -> dict[str, list]:
    """The rows of ``frame`` as JSON lists per column."""
    return {column: json_values(frame[column]) for column in columns}


def by_store(frame: pd.DataFrame, columns: Iterable[str], key: str = "store_code"
             ) -> dict[str, dict[str, list]]:
    """Per ``key`` value, the rows of ``frame`` as lists per column, in ``frame``'s order
    within each value."""
    columns = list(columns)
    ordered = frame.sort_values(key, kind="stable")
    keys = ordered[key].to_numpy()
    values = as_columns(ordered, columns)
    starts = [0, *(np.flatnonzero(keys[1:] != keys[:-1]) + 1).tolist()]
    ends = [*starts[1:], len(keys)]
    return {keys[start]: {column: values[column][start:end] for column in columns}
            for start, end in zip(starts, ends, strict=True) if start < end}


def empty_rows(columns: Iterable[str]) -> dict[str, list]:
    """No rows, in the shape ``by_store`` gives."""
    return {column: [] for column in columns}


def column_keys(columns: Columns) -> list[str]:
    return [key for key, _, _ in columns]


def script_json(value: object) -> str:
    """``value`` as JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(value, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    return text.translate(_SCRIPT_SAFE)


def embedded(data: dict) -> str:
    """``data`` as a JSON script element the page's script reads."""
    return f'<script type="application/json" id="scope-data">{script_json(data)}</script>'


@functools.cache
def _script() -> str:
    return SCRIPT.read_text(encoding="utf-8")


def picker(label: str, extra: str = "") -> str:
    """The selector row: ``label`` and its select, the chosen scope's name, any note."""
    return (f'<div class="picker"><label>{escape(label)} <select id="scope"></select></label>'
            f'{extra}<span id="scope-name"></span><span id="scope-note"></span></div>')


def chart_div(div_id: str) -> str:
    """An empty chart that ``scoped.js`` draws into."""
    return f'<div id="{escape(div_id)}" class="plotly-graph-div"></div>'


def slot(div_id: str) -> str:
    """An empty element ``scoped.js`` fills (a table, a note)."""
    return f'<div id="{escape(div_id)}"></div>'


def scoped_page(title: str, subtitle: str, body: str, data: dict, *,
                links: Sequence[tuple[str, str]], sources: Sequence[str]) -> str:
    """A page whose ``body`` is laid out by ``scoped.js`` from ``data``.

    ``data`` holds ``kind`` (the layout), ``param`` (``store`` or ``region``), ``scopes``
    ([key, label, group] in selector order), ``items`` (figures by key) and ``columns``.
    """
    script = f"{CSS}\n{body}\n{embedded({**data, 'title': title})}\n<script>{_script()}</script>"
    return page(title, subtitle, script, links=links, sources=sources)
