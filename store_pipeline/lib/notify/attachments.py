"""The report an e-mail points to: a link under the reports URL, or a self-contained attachment.

Reports load the shared ``plotly.min.js`` by a relative path, which a mail client cannot follow:
an attached copy gets plotly.js inlined, so it opens offline in any browser (at ~5 MB a copy).
With ``STORE_PIPELINE_REPORTS_URL`` set, the e-mail links to the report instead and stays small.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from store_pipeline.lib.notify.content import Attachment, Block, Link, Para
from store_pipeline.lib.reports.files import ensure_plotly_js
from store_pipeline.lib.templates import script_json

_PLOTLY_TAG = re.compile(r'<script src="[^"]*plotly\.min\.js"[^>]*></script>')


@dataclass(frozen=True)
class Delivery:
    """What an e-mail adds to give the reader the report: a link or a note, and attachments."""

    blocks: tuple[Block, ...]
    attachments: tuple[Attachment, ...] = ()


class ReportMissing(FileNotFoundError):
    """The report an e-mail is about was not rendered."""


@dataclass(frozen=True)
class ReportFile:
    """One rendered report, by its path under the reports folder."""

    reports_dir: Path
    relative: str  # e.g. daily/2026-03-10/sales_dashboard.html
    title: str

    @property
    def path(self) -> Path:
        return self.reports_dir / self.relative

    @property
    def attachment_name(self) -> str:
        """``sales_dashboard_2026-03-10.html``: the report's name and its period."""
        period = Path(self.relative).parent.name
        return f"{Path(self.relative).stem}_{period}.html"


def deliver(report: ReportFile, reports_url: str, fragment: str = "") -> Delivery:
    """A link to ``report`` under ``reports_url``, or else ``report`` attached.

    ``fragment`` (``store=S001``) opens a scoped page on the reader's store or region: in the
    link's address, or as the attached copy's starting view.
    """
    if not report.path.is_file():
        raise ReportMissing(f"{report.title} not found at {report.path}: render the report first")
    if reports_url:
        url = f"{reports_url.rstrip('/')}/{report.relative}" + (f"#{fragment}" if fragment else "")
        return Delivery((Link(f"Open the {report.title.lower()}", url),))
    page = self_contained(report.path.read_text(encoding="utf-8"), report.reports_dir)
    if fragment:
        page = starting_view(page, fragment)
    note = Para(f"The {report.title.lower()} is attached ({report.attachment_name}): "
                "open it in a web browser; it works offline.")
    return Delivery((note,), (Attachment(report.attachment_name, page.encode("utf-8")),))


def starting_view(page: str, fragment: str) -> str:
    """``page`` opening on ``fragment`` when its address names no view of its own."""
    script = f"<script>if (!location.hash) location.hash = {script_json(fragment)};</script>"
    return page.replace("<head>", f"<head>\n{script}", 1)


def self_contained(page: str, reports_dir: Path) -> str:
    """``page`` with its ``plotly.min.js`` script tag replaced by the script itself."""
    if not _PLOTLY_TAG.search(page):
        return page
    script = ensure_plotly_js(reports_dir).read_text(encoding="utf-8")
    return _PLOTLY_TAG.sub(lambda _: f'<script charset="utf-8">{script}</script>', page, count=1)
