"""dbt's Jinja templates compiled once per data home rather than once per process.

dbt compiles every template it renders from its source in each process: the materialisation
and adapter macros a run calls, each node's SQL and each test's arguments, some 570 templates
and 1.5 s of CPU in a daily partition, which is 5 % shorter without (``benchmarks/
jinja_code.py``). While
``compiled_templates(folder)`` is open, the Python code Jinja generates for a template is
taken from, and added to, a file in ``folder`` (the data home's ``dbt/``), keyed by the
template's source and everything of its environment that shapes the generated code; the file
is written once, when the block ends, if anything was added (``kept_values.py``). The file
holds marshalled code, which only the pipeline writes; one written by another Python, Jinja
or dbt is ignored.

``Environment.compile`` is Jinja's public method, the classes it is set on are dbt's:
``test_jinja_code.py`` fails if dbt stops compiling through them.
"""

from __future__ import annotations

import hashlib
import sys
from contextlib import AbstractContextManager
from importlib import metadata
from pathlib import Path
from typing import Any

from store_pipeline.internals.kept_values import KeptFile, KeptValues

CACHE_FILE = "jinja_code.marshal"


def _versions() -> tuple[str, str, str]:
    return sys.version, metadata.version("jinja2"), metadata.version("dbt-common")


def template_key(environment: Any, source: str, name: str | None, filename: str | None,
                 defer_init: bool) -> bytes:
    """What the code Jinja generates for ``source`` depends on: the environment's class (its
    parser and code generator), extensions, filters and tests, and its lexer's settings."""
    shape = (type(environment).__module__, type(environment).__qualname__,
             sorted(environment.extensions), sorted(environment.filters),
             sorted(environment.tests), environment.optimized, environment.is_async,
             environment.block_start_string, environment.block_end_string,
             environment.variable_start_string, environment.variable_end_string,
             environment.comment_start_string, environment.comment_end_string,
             environment.line_statement_prefix, environment.line_comment_prefix,
             environment.trim_blocks, environment.lstrip_blocks, environment.newline_sequence,
             environment.keep_trailing_newline, name, filename, defer_init)
    return hashlib.blake2b(repr(shape).encode() + b"\0" + source.encode(),
                           digest_size=20).digest()


def _install() -> None:
    """Route the compilation of dbt's environments through the active cache (once)."""
    from dbt_common.clients import jinja as dbt_jinja

    environment = dbt_jinja.MacroFuzzEnvironment
    original = environment.compile
    if getattr(original, "cached", False):
        return

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        cache = TEMPLATES.current
        if cache is None or raw or not isinstance(source, str) or dbt_jinja.MACRO_DEBUGGING:
            return original(self, source, name, filename, raw, defer_init)
        key = template_key(self, source, name, filename, defer_init)
        code = cache.get(key)
        if code is None:
            code = original(self, source, name, filename, raw, defer_init)
            cache.add(key, code)
        return code

    compile.cached = True
    environment.compile = compile


TEMPLATES = KeptFile(CACHE_FILE, _versions, _install)


def compiled_templates(folder: Path) -> AbstractContextManager[KeptValues]:
    """While open, dbt's templates compile through the cache file in ``folder``."""
    return TEMPLATES.open(folder)
