"""dbt's templates compiled once per data home: rendered through dbt's own Jinja environments,
a template compiled in one process is not compiled again in the next."""

from __future__ import annotations

import marshal

import pytest

from store_pipeline.internals.jinja_code import CACHE_FILE, compiled_templates
from store_pipeline_tests.processes import python_lines

# Renders templates through dbt's text and native environments inside the cache of the folder
# argv[1]; prints the results, then how many templates Jinja compiled.
RENDER = """
import sys, jinja2
from dbt.clients.jinja import get_rendered
from store_pipeline.internals.jinja_code import compiled_templates
from pathlib import Path
compiled = []
original = jinja2.Environment.compile
def counting(self, source, *args, **kwargs):
    compiled.append(source)
    return original(self, source, *args, **kwargs)
jinja2.Environment.compile = counting
with compiled_templates(Path(sys.argv[1])):
    print(repr(get_rendered("{{ 1 + 1 }}", {})))
    print(repr(get_rendered("{{ 1 + 1 }}", {}, native=True)))
    print(repr(get_rendered("{% for n in range(k) %}{{ n }}{% endfor %}", {"k": 3})))
print(len(compiled))
"""
EXPECTED = ["'2'", "'2'", "'012'"]


def _render(folder) -> tuple[list[str], int]:
    *rendered, compiled = python_lines(RENDER, str(folder))
    return rendered, int(compiled)


def test_a_template_compiled_in_one_process_is_not_compiled_in_the_next(tmp_path):
    assert _render(tmp_path) == (EXPECTED, 3)
    # The same source in dbt's text and native environments (two code generators): two entries.
    _, code = marshal.loads((tmp_path / CACHE_FILE).read_bytes())
    assert len(code) == 3
    assert _render(tmp_path) == (EXPECTED, 0)


def test_a_file_of_another_version_or_damaged_is_compiled_afresh(tmp_path):
    cache = tmp_path / CACHE_FILE
    cache.write_bytes(marshal.dumps((("another python", "0", "0"), {})))
    assert _render(tmp_path) == (EXPECTED, 3)
    versions, code = marshal.loads(cache.read_bytes())  # rewritten whole, for this version
    assert versions != ("another python", "0", "0") and len(code) == 3
    cache.write_bytes(cache.read_bytes()[:100])  # a truncated file
    assert _render(tmp_path) == (EXPECTED, 3)


def test_a_template_that_does_not_compile_fails_as_without_the_cache(tmp_path):
    from dbt.clients.jinja import get_rendered
    from dbt_common.exceptions import CompilationError

    with compiled_templates(tmp_path), pytest.raises(CompilationError, match="unknown tag"):
        get_rendered("{% nope %}", {})
    assert not (tmp_path / CACHE_FILE).exists()  # nothing compiled, nothing written
