"""The report page shell and its parts (sections, tables), rendered from the templates; every
text is escaped."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
from markupsafe import Markup

from store_pipeline.lib.reports import fmt
from store_pipeline.lib.templates import macro, render

HOME = "../../index.html"
PERIOD_LINKS = (("All reports", HOME),)
DAY_LINKS = (*PERIOD_LINKS, ("This day", "index.html"))


def page(
    title: str,
    subtitle: str,
    body: Markup,
    *,
    links: Sequence[tuple[str, str]] = PERIOD_LINKS,
    sources: Sequence[str] = (),
    charts: bool = True,
) -> str:
    """A complete HTML document; ``charts`` loads the shared plotly.js by a relative path."""
    return render_page("page.html", title, subtitle, links=links, sources=sources,
                       charts=charts, body=body)


def render_page(template: str, title: str, subtitle: str, *,
                links: Sequence[tuple[str, str]] = PERIOD_LINKS, sources: Sequence[str] = (),
                charts: bool = True, **context: object) -> str:
    """``template``, a page extending ``page.html``, rendered with the shell's values and
    ``context``; ``sources`` are the marts named in the footer."""
    return render(template, title=title, subtitle=subtitle, links=links, sources=sources,
                  charts=charts, **context)


def no_data_page(title: str, message: str, *, sources: Sequence[str] = (),
                 heading: str = "No data") -> str:
    """A page saying there is nothing to show, instead of an empty or broken report."""
    return render_page("no_data.html", title, heading, sources=sources, charts=False,
                       message=message)


def grid(*sections: Markup) -> Markup:
    """Sections side by side on a wide screen, stacked on a phone."""
    return macro("grid")(sections)


def section(heading: str, content: Markup | str = "", *, note: str = "",
            wide: bool = False) -> Markup:
    """A titled card holding a chart or table and an optional note."""
    return macro("section")(heading, content, note, wide)


def remark(message: str) -> Markup:
    """A short muted paragraph, e.g. in place of a chart that has no rows."""
    return macro("remark")(message)


def exact(value: object) -> float | None:
    """A number as a float for a ``data-value`` attribute; None when it is missing."""
    return None if fmt.missing(value) else float(value)


@dataclass(frozen=True)
class Column:
    """A table column: the frame column, its header and how to format a cell."""

    key: str
    header: str
    format: Callable[[object], str] = str
    numeric: bool = False


@dataclass(frozen=True)
class Cell:
    """A table cell: its text, right-aligned when numeric, with the exact ``number`` if any."""

    text: str
    numeric: bool = False
    number: float | None = None


def table(frame: pd.DataFrame, columns: Sequence[Column]) -> Markup:
    """The rows of ``frame`` as an HTML table (scrolls sideways on a narrow screen); a numeric
    cell carries the unformatted number in ``data-value``."""
    header = [Cell(column.header, column.numeric) for column in columns]
    rows = [[Cell(c.format(row[c.key]), c.numeric, exact(row[c.key]) if c.numeric else None)
             for c in columns]
            for row in frame.to_dict("records")]
    return macro("table")(header, rows)


def text_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> Markup:
    """A table of text cells."""
    return macro("table")([Cell(text) for text in header],
                          [[Cell(text) for text in row] for row in rows])
