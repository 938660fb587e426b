"""The templates pages and e-mails are rendered from: POS text escaped, chart markup kept, a
missing variable an error, one stylesheet per page."""

from __future__ import annotations

import pandas as pd
import pytest
from jinja2 import UndefinedError

from store_pipeline.lib.notify.content import Email, Link, Para, Table, to_html
from store_pipeline.lib.reports.charts import figure, fragment
from store_pipeline.lib.reports.page import Column, grid, no_data_page, page, section, table
from store_pipeline.lib.reports.scoped import scoped_page
from store_pipeline.lib.reports.tiles import tile, tiles
from store_pipeline.lib.templates import FOLDER, render

XSS = "<script>alert(1)</script>"
STORE = f"Harbor & Sons {XSS}"
ESCAPED = "Harbor &amp; Sons &lt;script&gt;alert(1)&lt;/script&gt;"
STYLESHEET = (FOLDER / "style.css").read_text(encoding="utf-8")


def _chart() -> str:
    chart = figure()
    chart.add("bar", x=["S01"], y=[12.5])
    return fragment(chart, "net-sales")


def _store_page() -> str:
    stores = pd.DataFrame({"store_name": [STORE], "net_sales": [12.5]})
    columns = [Column("store_name", "Store"), Column("net_sales", "Net sales", str, numeric=True)]
    body = tiles([tile("net_sales", STORE, 12.5)]) + grid(
        section(STORE, table(stores, columns), note=STORE),
        section("Chart", _chart()),
    )
    return page(STORE, STORE, body, links=((STORE, f"index.html?store={STORE}"),),
                sources=("rpt_daily_sales",))


def test_a_store_name_is_escaped_on_a_page():
    rendered = _store_page()
    assert XSS not in rendered and "Harbor & Sons" not in rendered
    assert f"<title>{ESCAPED}</title>" in rendered and f"<h1>{ESCAPED}</h1>" in rendered
    assert f"<h2>{ESCAPED}</h2>" in rendered and f'<p class="note">{ESCAPED}</p>' in rendered
    assert f"<td>{ESCAPED}</td>" in rendered  # table cell
    assert f'<div class="label">{ESCAPED}</div>' in rendered  # tile
    assert f'<a href="index.html?store={ESCAPED}">{ESCAPED}</a>' in rendered  # nav link
    assert '<td class="num" data-value="12.5">12.5</td>' in rendered


def test_chart_markup_is_kept_as_it_is():
    chart = _chart()
    assert '<div id="net-sales" class="plotly-graph-div"' in chart and "<script>" in chart
    assert chart in _store_page()


def test_quotes_are_escaped_as_entities():
    rendered = page('Say "hi" & \'bye\'', "", section("x", ""))
    assert "<h1>Say &quot;hi&quot; &amp; &#x27;bye&#x27;</h1>" in rendered


def test_a_store_name_is_escaped_in_an_email():
    email = Email(subject=STORE, heading=STORE, blocks=(
        Para(STORE), Table(("Store", "Net sales"), ((STORE, "12.50"),)),
        Link(STORE, "https://reports.example.com/store_day.html#store=S01&x=1"),
    ))
    rendered = to_html(email)
    assert XSS not in rendered and "<script" not in rendered
    assert f"<title>{ESCAPED}</title>" in rendered
    assert f'<p style="margin:8px 0">{ESCAPED}</p>' in rendered
    assert f'text-align:left">{ESCAPED}</td>' in rendered
    assert 'href="https://reports.example.com/store_day.html#store=S01&amp;x=1"' in rendered
    assert "<style" not in rendered  # mail clients drop style sheets: styles stay inline


def test_a_missing_variable_raises():
    with pytest.raises(UndefinedError, match="subtitle"):
        render("page.html", title="Daily sales", links=(), sources=(), charts=False, body="")
    with pytest.raises(UndefinedError):
        render("email.html", title="Daily sales", heading="Daily sales")


@pytest.mark.parametrize("rendered", [
    pytest.param(_store_page(), id="report"),
    pytest.param(no_data_page("Daily sales", "No rows."), id="no data"),
    pytest.param(scoped_page("store_day.html", "Store day", "a day", {"kind": "store_day"},
                             links=(), sources=(), top_products=10), id="scoped"),
])
def test_the_stylesheet_is_inlined_once(rendered):
    assert rendered.count(STYLESHEET) == 1
    assert rendered.count("<style") == 1
    assert ".picker{" in rendered and ".tiles{" in rendered
