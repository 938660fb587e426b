"""Scoped pages: one page per period holding every store's (or region's) figures once, as JSON,
and a selector that redraws it offline for the store or region named in the address.

``daily/<D>/store_day.html#store=S001`` shows store S001's day; e-mails link straight there.
The figures are computed here, in Python, from the report marts; ``scoped.js`` only lays them
out, so a page per store and day is never written, and a page grows with its stores' rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import urlencode

import numpy as np
import pandas as pd

from store_pipeline.lib.reports.page import render_page

Columns = Sequence[tuple[str, str, str]]  # (key, header, format name in scoped.js)


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


def scoped_page(template: str, title: str, subtitle: str, data: dict, *,
                links: Sequence[tuple[str, str]], sources: Sequence[str],
                **context: object) -> str:
    """``template`` (a page extending ``scoped.html``, given ``context``), laid out by
    ``scoped.js`` from ``data``.

    ``data`` holds ``kind`` (the layout), ``param`` (``store`` or ``region``), ``scopes``
    ([key, label, group] in selector order), ``items`` (figures by key) and ``columns``.
    """
    return render_page(template, title, subtitle, links=links, sources=sources,
                       data={**data, "title": title}, **context)
