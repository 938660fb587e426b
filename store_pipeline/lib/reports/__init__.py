"""Plotly HTML reports rendered from the ``marts.rpt_*`` tables (docs/DESIGN.md, "Reports")."""

from store_pipeline.lib.reports.files import ensure_plotly_js
from store_pipeline.lib.reports.index import write_index
from store_pipeline.lib.reports.render import (
    render_daily_reports,
    render_monthly_report,
    render_weekly_reports,
)

__all__ = [
    "ensure_plotly_js",
    "render_daily_reports",
    "render_monthly_report",
    "render_weekly_reports",
    "write_index",
]
