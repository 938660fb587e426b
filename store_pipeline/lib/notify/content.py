"""E-mail content as blocks rendered twice: HTML from a template (every text escaped) and
plain text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import ClassVar

from store_pipeline.lib.templates import render


@dataclass(frozen=True)
class Para:
    """A paragraph of text."""

    kind: ClassVar[str] = "para"
    text: str


@dataclass(frozen=True)
class Table:
    """A table of text cells; columns after the first are right-aligned (numbers)."""

    kind: ClassVar[str] = "table"
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Link:
    """A link with its visible label."""

    kind: ClassVar[str] = "link"
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


def to_html(email: Email) -> str:
    """The message's HTML part, every text escaped (``email.html``)."""
    return render("email.html", title=email.subject, heading=email.heading, blocks=email.blocks)


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
