"""KPI tiles: a value and its change against comparison periods (green good, red bad)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from store_pipeline.lib.reports import fmt
from store_pipeline.lib.reports.kpis import KPIS, Kpi, relative_change
from store_pipeline.lib.reports.page import exact
from store_pipeline.lib.templates import macro

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


@dataclass(frozen=True)
class Delta:
    """A change shown on a tile: its text, CSS class and what it compares against."""

    text: str
    css: str
    against: str


@dataclass(frozen=True)
class Tile:
    """A KPI tile: the value as shown, the exact number (``data-value``) and its changes."""

    key: str
    label: str
    number: float | None
    text: str
    deltas: tuple[Delta, ...] = ()


def tile(
    key: str,
    label: str,
    value: float | None,
    show: Callable[[float | None], str] = fmt.number,
    deltas: Sequence[tuple[str, str, str]] = (),
) -> Tile:
    """One tile showing ``show(value)``; ``deltas`` holds (text, CSS class, comparison) triples."""
    return Tile(key, label, exact(value), show(value), tuple(Delta(*d) for d in deltas))


def tiles(items: Sequence[Tile]) -> Markup:
    """Tiles in a responsive row."""
    return macro("tiles")(items)


def kpi_tiles(current: Values, comparisons: Sequence[tuple[str, Values]]) -> Markup:
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
