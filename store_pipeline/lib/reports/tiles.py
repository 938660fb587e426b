"""KPI tiles: a value and its change against comparison periods (green good, red bad)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from store_pipeline.lib.reports import fmt
from store_pipeline.lib.reports.kpis import KPIS, Kpi, relative_change
from store_pipeline.lib.reports.page import data_value, escape

Values = Mapping[str, float | None]


def delta(kpi: Kpi, current: float | None, previous: float | None) -> tuple[str, str]:
    """The change as text and a CSS class: ``pos`` (good), ``neg`` (bad), ``flat`` or ``na``."""
    if kpi.share:
        change = None if fmt.missing(current) or fmt.missing(previous) else current - previous
        show = fmt.points
    else:
        change = relative_change(current, previous)
        show = fmt.signed_pct
    if change is None:
        return fmt.NA, "na"
    if round(change * 100, 1) == 0:
        return show(0.0), "flat"
    good = (change > 0) != kpi.lower_is_better
    arrow = "▲" if change > 0 else "▼"
    return f"{arrow} {show(change)}", "pos" if good else "neg"


def tile(
    key: str,
    label: str,
    value: float | None,
    show: Callable[[float | None], str] = fmt.number,
    deltas: Sequence[tuple[str, str, str]] = (),
) -> str:
    """One tile showing ``show(value)``; ``deltas`` holds (text, CSS class, comparison) triples.

    The tile carries the unformatted value in ``data-value``.
    """
    lines = "".join(
        f'<div class="delta {css}">{escape(text)} <span>{escape(against)}</span></div>'
        for text, css, against in deltas
    )
    return (
        f'<div class="tile" data-kpi="{escape(key)}"{data_value(value)}>'
        f'<div class="label">{escape(label)}</div>'
        f'<div class="value">{escape(show(value))}</div>{lines}</div>'
    )


def tiles(items: Sequence[str]) -> str:
    """Tiles in a responsive row."""
    return '<div class="tiles">' + "\n".join(items) + "</div>"


def kpi_tiles(current: Values, comparisons: Sequence[tuple[str, Values]]) -> str:
    """A tile per KPI with its change against each (label, values) comparison."""
    return tiles([
        tile(
            kpi.key,
            kpi.label,
            current[kpi.key],
            kpi.format,
            [(*delta(kpi, current[kpi.key], values[kpi.key]), against)
             for against, values in comparisons],
        )
        for kpi in KPIS
    ])
