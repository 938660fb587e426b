"""The HTML page shell (responsive, offline), sections and tables; every text is escaped."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from store_pipeline.lib.reports import fmt

SCHEMA = "marts"
PLOTLY_SRC = "../../plotly.min.js"
HOME = "../../index.html"
PERIOD_LINKS = (("All reports", HOME),)
DAY_LINKS = (*PERIOD_LINKS, ("This day", "index.html"))

CSS = """
:root{--bg:#f6f8fa;--card:#fff;--ink:#1f2328;--muted:#57606a;--line:#d0d7de;
--pos:#1a7f37;--neg:#cf222e}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);
font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header{background:var(--card);border-bottom:1px solid var(--line);padding:14px 20px}
header h1{margin:0;font-size:1.35rem}
h1,h2,p,li{overflow-wrap:anywhere}
header p{margin:4px 0 0;color:var(--muted)}
nav{font-size:.85rem;margin-bottom:6px}
nav a{margin-right:14px}
main{max-width:1400px;margin:0 auto;padding:16px}
footer{max-width:1400px;margin:0 auto;padding:0 16px 24px;color:var(--muted);font-size:.8rem}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(165px,1fr));gap:12px;
margin-bottom:16px}
.tile{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.tile .label{color:var(--muted);font-size:.8rem}
.tile .value{font-size:1.35rem;font-weight:600;margin:2px 0}
.delta{font-size:.8rem;color:var(--muted)}
.delta.pos{color:var(--pos)}
.delta.neg{color:var(--neg)}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,520px),1fr));
gap:16px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px;
min-width:0}
section.wide{grid-column:1/-1}
section h2{font-size:1.05rem;margin:0 0 8px}
.note{color:var(--muted);font-size:.85rem;margin:8px 0 0}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.85rem}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
th{background:var(--bg)}
.num{text-align:right;font-variant-numeric:tabular-nums}
.empty{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:24px}
ul.links{list-style:none;padding:0;margin:0}
ul.links li{padding:6px 0;border-bottom:1px solid var(--line)}
ul.links a{margin-right:12px}
@media (max-width:600px){main{padding:8px}header{padding:10px 12px}
.tiles{gap:8px;margin-bottom:8px}.tile{padding:6px 10px}.tile .value{font-size:1.2rem}
.grid{gap:8px}}
""".strip()

# Charts follow their card's width, not only the window's: a chart drawn while the page was still
# loading, or before a scroll bar appeared, is redrawn to fit.
FIT_CHARTS = """
<script>
if (window.Plotly && window.ResizeObserver) {
  const fit = new ResizeObserver((entries) => {
    for (const entry of entries) Plotly.Plots.resize(entry.target);
  });
  document.querySelectorAll(".plotly-graph-div").forEach((chart) => fit.observe(chart));
}
</script>
""".strip()


def escape(text: object) -> str:
    """Any value as HTML text."""
    return html.escape(str(text), quote=True)


def data_value(value: object) -> str:
    """A ``data-value`` attribute holding a number exactly, for readers other than people.

    Empty for a missing value.
    """
    return "" if fmt.missing(value) else f' data-value="{float(value)!r}"'


def page(
    title: str,
    subtitle: str,
    body: str,
    *,
    links: Sequence[tuple[str, str]] = PERIOD_LINKS,
    sources: Sequence[str] = (),
    charts: bool = True,
) -> str:
    """A complete HTML document; ``charts`` loads the shared plotly.js by a relative path."""
    script = f'<script src="{PLOTLY_SRC}" charset="utf-8"></script>\n' if charts else ""
    fit = f"{FIT_CHARTS}\n" if charts else ""
    nav = " ".join(f'<a href="{escape(href)}">{escape(text)}</a>' for text, href in links)
    tables = ", ".join(f"{SCHEMA}.{table}" for table in sources)
    footer = f"<footer>Data: {escape(tables)}</footer>\n" if sources else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>\n{CSS}\n</style>\n{script}</head>\n<body>\n"
        f"<header><nav>{nav}</nav><h1>{escape(title)}</h1><p>{escape(subtitle)}</p></header>\n"
        f"<main>\n{body}\n</main>\n{footer}{fit}</body>\n</html>\n"
    )


def no_data_page(title: str, message: str, *, sources: Sequence[str] = (),
                 heading: str = "No data") -> str:
    """A page saying there is nothing to show, instead of an empty or broken report."""
    body = f'<div class="empty"><h2>{escape(heading)}</h2><p>{escape(message)}</p></div>'
    return page(title, heading, body, sources=sources, charts=False)


def grid(*sections: str) -> str:
    """Sections side by side on a wide screen, stacked on a phone."""
    return '<div class="grid">\n' + "\n".join(sections) + "\n</div>"


def section(heading: str, content: str, *, note: str = "", wide: bool = False) -> str:
    """A titled card holding a chart or table (``content`` is HTML) and an optional note."""
    css = ' class="wide"' if wide else ""
    note_html = f'<p class="note">{escape(note)}</p>' if note else ""
    return f"<section{css}><h2>{escape(heading)}</h2>\n{content}\n{note_html}</section>"


def remark(message: str) -> str:
    """A short muted paragraph, e.g. in place of a chart that has no rows."""
    return f'<p class="note">{escape(message)}</p>'


@dataclass(frozen=True)
class Column:
    """A table column: the frame column, its header and how to format a cell."""

    key: str
    header: str
    format: Callable[[object], str] = str
    numeric: bool = False


def table(frame: pd.DataFrame, columns: Sequence[Column]) -> str:
    """The rows of ``frame`` as an HTML table (scrolls sideways on a narrow screen)."""
    head = "".join(_cell("th", column.header, column.numeric) for column in columns)
    rows = "\n".join(
        "<tr>" + "".join(_data_cell(row[c.key], c) for c in columns) + "</tr>"
        for row in frame.to_dict("records")
    )
    return f'<div class="scroll"><table>\n<tr>{head}</tr>\n{rows}\n</table></div>'


def _data_cell(value: object, column: Column) -> str:
    """A ``<td>``; a numeric one carries the unformatted number in ``data-value``."""
    attribute = data_value(value) if column.numeric else ""
    return _cell("td", column.format(value), column.numeric, attribute)


def _cell(tag: str, text: str, numeric: bool, attributes: str = "") -> str:
    css = ' class="num"' if numeric else ""
    return f"<{tag}{css}{attributes}>{escape(text)}</{tag}>"
