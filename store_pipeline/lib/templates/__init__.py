"""The one Jinja2 environment pages and e-mails are rendered in, over this folder's templates.

``.html`` templates escape every value that is not ``Markup``, writing the entities
``html.escape`` writes (``&quot;``, ``&#x27;``); a missing variable raises.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    pass_eval_context,
    select_autoescape,
)
from jinja2.nodes import EvalContext
from markupsafe import Markup

FOLDER = Path(__file__).parent
# JSON inside <script> must not close the element or open a comment.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


@pass_eval_context
def _escaped(context: EvalContext, value: object) -> object:
    """A value as HTML text in an escaping template; ``Markup`` stays as it is."""
    if not context.autoescape or hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value), quote=True))


def script_json(value: object) -> Markup:
    """``value`` as JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(value, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    return Markup(text.translate(_SCRIPT_SAFE))


ENVIRONMENT = Environment(
    loader=FileSystemLoader(FOLDER),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    finalize=_escaped,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
ENVIRONMENT.filters["script_json"] = script_json


def render(name: str, **context: object) -> str:
    """Template ``name`` rendered with ``context``."""
    return ENVIRONMENT.get_template(name).render(context)


def macro(name: str):
    """The macro ``name`` of ``macros.html``, callable from Python; it returns ``Markup``."""
    return getattr(ENVIRONMENT.get_template("macros.html").module, name)
