"""Colours and the chart template: one colour per store and per region in every report."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence

from plotly.colors import get_colorscale

STORE_PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39",
    "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363",
)
REGION_PALETTE = (
    "#7f3c8d", "#11a579", "#3969ac", "#f2b701", "#e73f74", "#80ba5a", "#e68310",
    "#008695", "#cf1c90", "#f97b72",
)
MIX_PALETTE = (
    "#66c5cc", "#f6cf71", "#f89c74", "#dcb0f2", "#87c55f", "#9eb9f3", "#fe88b1",
    "#c9db74", "#8be0a4", "#b497e7",
)
PRIMARY = "#0969da"
MUTED = "#afb8c1"
GOOD = "#1a7f37"
BAD = "#cf222e"
WARN = "#bf8700"
ABC_COLORS = {"A": GOOD, "B": WARN, "C": "#8c959f", "unranked": "#d0d7de"}
# Blue (low) through white to red (high): ColorBrewer's RdBu, reversed.
DIVERGING = [[round(position, 2), color] for position, color in get_colorscale("RdBu_r")]

# plotly.js applies layout.template itself.
TEMPLATE = {
    "layout": {
        "font": {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12},
        "colorway": list(MIX_PALETTE),
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "margin": {"l": 8, "r": 8, "t": 28, "b": 8},
        "hoverlabel": {"align": "left"},
        "hovermode": "closest",
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        "xaxis": {"gridcolor": "#eaeef2", "automargin": True, "zerolinecolor": "#d0d7de"},
        "yaxis": {"gridcolor": "#eaeef2", "automargin": True, "zerolinecolor": "#d0d7de"},
    }
}


def color_map(codes: Iterable[str], palette: Sequence[str]) -> dict[str, str]:
    """A colour per code, picked by a hash of the code so it does not depend on the report.

    Codes are placed in sorted order; a code whose slot is taken moves to the next free one, so
    a report never shows two codes in one colour while the palette lasts.
    """
    taken: set[int] = set()
    colors: dict[str, str] = {}
    for code in sorted(set(codes)):
        home = zlib.crc32(code.encode()) % len(palette)
        slots = [(home + step) % len(palette) for step in range(len(palette))]
        slot = next((s for s in slots if s not in taken), home)
        taken.add(slot)
        colors[code] = palette[slot]
    return colors


def store_colors(store_codes: Iterable[str]) -> dict[str, str]:
    """Colour of each store code."""
    return color_map(store_codes, STORE_PALETTE)


def region_colors(regions: Iterable[str]) -> dict[str, str]:
    """Colour of each region."""
    return color_map(regions, REGION_PALETTE)
