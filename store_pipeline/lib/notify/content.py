"""E-mail content as blocks rendered twice: HTML (every text escaped) and plain text."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

_CELL = "padding:4px 10px;border-bottom:1px solid #ddd;text-align:{align}"
_FONT = "font-family:Segoe UI,Helvetica,Arial,sans-serif;color:#222"


@dataclass(frozen=True)
class Para:
    """A paragraph of text."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table of text cells; columns after the first are right-aligned (numbers)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Link:
    """A link with its visible label."""

    label: str
    url: str


Block = Para | Table | Link


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str = "text"
    subtype: str = "html"


@dataclass(frozen=True)
class Email:
    """Subject, heading, body blocks and attachments of one message."""

    subject: str
    heading: str
    blocks: tuple[Block, ...]
    attachments: tuple[Attachment, ...] = ()


def esc(value: object) -> str:
    """``value`` as HTML text: ``<``, ``>``, ``&`` and quotes escaped."""
    return html.escape(str(value), quote=True)


def to_html(email: Email) -> str:
    """The message's HTML part."""
    return render_html(email.subject, email.heading, email.blocks)


def render_html(title: str, heading: str, blocks: Sequence[Block]) -> str:
    """A complete HTML document with inline styles (mail clients drop style sheets)."""
    parts = [f'<h2 style="margin:0 0 12px">{esc(heading)}</h2>']
    parts += [_html_block(block) for block in blocks]
    body = "\n".join(parts)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
            f"<title>{esc(title)}</title></head>\n"
            f'<body style="{_FONT}">\n{body}\n</body>\n</html>\n')


def _html_block(block: Block) -> str:
    if isinstance(block, Para):
        return f'<p style="margin:8px 0">{esc(block.text)}</p>'
    if isinstance(block, Link):
        return f'<p style="margin:8px 0"><a href="{esc(block.url)}">{esc(block.label)}</a></p>'
    head = "".join(_cell("th", text, column) for column, text in enumerate(block.header))
    rows = "".join(
        "<tr>" + "".join(_cell("td", text, column) for column, text in enumerate(row)) + "</tr>"
        for row in block.rows
    )
    return (f'<table style="border-collapse:collapse;margin:8px 0">'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")


def _cell(tag: str, text: str, column: int) -> str:
    style = _CELL.format(align="left" if column == 0 else "right")
    return f'<{tag} style="{style}">{esc(text)}</{tag}>'


def to_text(email: Email) -> str:
    """The same content as plain text, tables in aligned columns."""
    parts = [f"{email.heading}\n{'=' * len(email.heading)}"]
    parts += [_text_block(block) for block in email.blocks]
    return "\n\n".join(parts) + "\n"


def _text_block(block: Block) -> str:
    if isinstance(block, Para):
        return block.text
    if isinstance(block, Link):
        return f"{block.label}: {block.url}"
    lines = [block.header, *block.rows]
    widths = [max(len(line[column]) for line in lines) for column in range(len(block.header))]
    return "\n".join(
        "  ".join(text.ljust(w) if column == 0 else text.rjust(w)
                  for column, (text, w) in enumerate(zip(line, widths, strict=True))).rstrip()
        for line in lines
    )


def one_line(text: str) -> str:
    """``text`` with line breaks and runs of spaces collapsed (safe in a header)."""
    return " ".join(text.split())


def build_message(email: Email, sender: str, recipients: Sequence[str]) -> EmailMessage:
    """A multipart message: plain text and HTML alternatives, then the attachments."""
    message = EmailMessage()
    message["Subject"] = one_line(email.subject)
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">") or None)
    message.set_content(to_text(email))
    message.add_alternative(to_html(email), subtype="html")
    for item in email.attachments:
        message.add_attachment(item.content, maintype=item.maintype, subtype=item.subtype,
                               filename=item.filename)
    return message
