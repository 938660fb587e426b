"""Plotly figures as HTML fragments for the page shell, and safe text for chart labels."""

from __future__ import annotations

import html
from collections.abc import Iterable

import plotly.io as pio
from markupsafe import Markup

from store_pipeline.lib.reports.theme import TEMPLATE

CONFIG = {"responsive": True, "displaylogo": False}
HOVER = "%{hovertext}<extra></extra>"
# A right-hand axis for transactions over a chart of amounts or hours.
TRANSACTIONS_AXIS = {
    "title": {"text": "Transactions"}, "overlaying": "y", "side": "right", "showgrid": False,
    "rangemode": "tozero", "tickmode": "auto",
}


def label(text: object, limit: int | None = None) -> str:
    """POS text made safe for a chart: shortened to ``limit`` characters, then escaped.

    plotly.js reads ``<b>``, ``<a>`` and similar tags in chart text and turns ``&lt;`` back into
    ``<`` for display, so escaping shows the text exactly as the POS holds it.
    """
    text = str(text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=False)


def labels(texts: Iterable[object], limit: int | None = None) -> list[str]:
    """``label`` applied to every item."""
    return [label(text, limit) for text in texts]


def hover(title: object, *lines: tuple[str, object]) -> str:
    """Hover text: the title in bold, then one ``name: value`` line each, all escaped."""
    rows = "".join(f"<br>{label(name)}: {label(value)}" for name, value in lines)
    return f"<b>{label(title)}</b>{rows}"


def named_axis(keys: Iterable[object], names: Iterable[object], limit: int) -> dict:
    """A category axis over ``keys`` (unique) that shows ``names`` (which may repeat)."""
    return {"type": "category", "tickvals": labels(keys), "ticktext": labels(names, limit)}


class Figure:
    """A Plotly figure as plain data: its traces and layout, as plotly.js reads them.

    plotly.graph_objects validates every property as it is set, about a third of the CPU of a
    report page; these figures are built from values the reports have typed already.
    """

    def __init__(self, layout: dict) -> None:
        self.data: list[dict] = []
        self.layout = layout

    def add(self, kind: str, **properties: object) -> None:
        """Append a trace of type ``kind`` (``"bar"``, ``"scatter"``, ...)."""
        self.data.append({"type": kind, **properties})


def figure(**layout: object) -> Figure:
    """An empty figure on the shared template."""
    return Figure({"template": TEMPLATE, **layout})


def fragment(fig: Figure, div_id: str, height: int = 380) -> Markup:
    """The figure as a ``<div>`` + ``<script>`` fragment with a fixed id (no plotly.js inside).

    The one piece of markup the pages take as it is: plotly's JSON writer escapes ``<``, ``>``
    and ``/``, so text in the data cannot close the ``<script>`` element.
    """
    return Markup(pio.to_html(
        {"data": fig.data, "layout": fig.layout},
        validate=False,
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        config=CONFIG,
        default_height=f"{height}px",
        default_width="100%",
    ))
