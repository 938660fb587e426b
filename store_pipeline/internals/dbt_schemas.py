"""dbt's JSON schemas of its configuration built once per data home rather than once per process.

dbt validates the project file, its flags, the profile and the adapter's credentials against
JSON schemas it builds from their dataclasses with mashumaro, in every process that starts
dbt: some 0.5-1 s of CPU before it reads the parse state (``benchmarks/dbt_start.py``). While
``kept_schemas(folder)`` is open, ``dbtClassMixin.json_schema`` takes a class's schema from,
and adds it to, ``dbt_schemas.marshal`` in ``folder`` (the data home's ``dbt/``), keyed by the
class; the file is ignored when written with other versions of Python, dbt or its adapters,
or of mashumaro, which builds the schemas.
"""

from __future__ import annotations

import functools
import marshal
import sys
from contextlib import AbstractContextManager
from importlib import metadata
from pathlib import Path

from store_pipeline.internals.kept_values import KeptFile, KeptValues

CACHE_FILE = "dbt_schemas.marshal"
# The distributions whose classes and schema builder shape the schemas.
DISTRIBUTIONS = ("dbt-core", "dbt-common", "dbt-adapters", "dbt-duckdb", "dbt-sqlserver",
                 "mashumaro")


def _versions() -> tuple[str | None, ...]:
    return sys.version, *(_version(name) for name in DISTRIBUTIONS)


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _install() -> None:
    """Route ``dbtClassMixin.json_schema`` through the open file (once), behind a per-process
    cache as dbt's own."""
    from dbt_common.dataclass_schema import dbtClassMixin

    built = dbtClassMixin.json_schema.__func__
    if getattr(built, "kept", False):
        return
    build = getattr(built, "__wrapped__", built)  # dbt's per-process cache of it left out

    def json_schema(cls):
        kept = SCHEMAS.current
        if kept is None:
            return build(cls)
        key = f"{cls.__module__}.{cls.__qualname__}"
        schema = kept.get(key)
        if schema is None:
            schema = build(cls)
            if _marshallable(schema):
                kept.add(key, schema)
        return schema

    cached = functools.lru_cache(json_schema)
    cached.kept = True
    dbtClassMixin.json_schema = classmethod(cached)


def _marshallable(schema: object) -> bool:
    try:
        marshal.dumps(schema)
    except ValueError:
        return False
    return True


SCHEMAS = KeptFile(CACHE_FILE, _versions, _install)


def kept_schemas(folder: Path) -> AbstractContextManager[KeptValues]:
    """While open, dbt's configuration schemas come from the file in ``folder``."""
    return SCHEMAS.open(folder)
