"""SQL identifiers written into statements: quoted, so any table or column name is safe."""


def quoted(name: str) -> str:
    """``name`` as a double-quoted SQL identifier (DuckDB; SQL Server with QUOTED_IDENTIFIER)."""
    return '"' + name.replace('"', '""') + '"'
