"""T-SQL portability check of the dbt project, without a SQL Server.

The models run on DuckDB and on SQL Server (docs/DESIGN.md, "SQL portability rules"). DuckDB
accepts much that SQL Server rejects, so this module compiles every model, test and snapshot
with the ``sqlserver`` target (no connection: ``--no-introspect --no-populate-cache``) into its
own target path, renders what dbt sends for an incremental model besides its SELECT (the
pre-hook's delete of the run window, the append's insert), then checks every compiled file:

- it must parse with sqlglot's T-SQL dialect;
- it must not use the constructs those rules forbid that sqlglot accepts but SQL Server
  rejects or computes differently (the ``RULES`` below).

``python -m store_pipeline.lib.portability`` (``make tsql-check``) prints each violation as
``file:line: [rule] message`` and exits 1 when there is any.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from store_pipeline.lib.dbt_manifest import DBT_PROJECT_DIR

PROJECT_DIR = DBT_PROJECT_DIR
# Beside, not over, the DuckDB target's manifest that Dagster loads (target/manifest.json).
TARGET_PATH = PROJECT_DIR / "target" / "sqlserver"
# Models and tests compile with a run window, so that the windowed predicates are checked too.
WINDOW_VARS = '{"min_date": "2026-01-01", "max_date": "2026-01-07"}'
INCREMENTAL = "incremental"
# The project's pre-hook of incremental models, and its form for a given relation.
_DELETE_HOOK = re.compile(r"\bdelete_run_window\(\s*")
_STATEMENT_MARK = "-- statement: "

RULES = {
    "parse": "sqlglot's T-SQL dialect cannot parse the statement",
    "limit": "LIMIT: use row_number() over (...) and filter on it",
    "qualify": "QUALIFY: filter a window function's result in an outer query",
    "double-colon-cast": "'::' cast: use cast(x as type) or dbt.safe_cast",
    "pipe-concat": "'||' concatenation: use dbt.concat",
    "filter-clause": "FILTER (WHERE ...): use sum(case when ... then ... end)",
    "ilike": "ILIKE: use lower(x) like lower(pattern)",
    "group-by-ordinal": "GROUP BY a position or ALL: group by the expressions",
    "group-by-alias": "GROUP BY a select alias: group by the expression",
    "alias-in-same-select": "an alias used in the select that defines it: compute it in a CTE",
    "boolean-select": "a boolean expression in a select list: use case when ... then 1 else 0 end",
    "nested-with": "WITH inside a subquery or CTE: move the CTE to the top-level WITH",
    "recursive-cte": "recursive CTE: use a seed or a cross join of digits",
    "date-trunc-hour-week": "date_trunc to hour or week: compute hours and week starts explicitly",
}

_QUOTED = {TokenType.STRING, TokenType.NATIONAL_STRING, TokenType.IDENTIFIER}
_BOOLEAN = (exp.Predicate, exp.Connector, exp.Not, exp.Boolean)
_TRUNCATED_PARTS = {"HOUR", "WEEK"}


@dataclass(frozen=True)
class Violation:
    """One broken rule at a line of a compiled file."""

    path: str
    line: int
    rule: str
    detail: str = ""

    def __str__(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.path}:{self.line}: [{self.rule}] {RULES[self.rule]}{detail}"


# --- token rules ------------------------------------------------------------------------------

def _word(token: Token) -> str:
    """The upper-case text of an unquoted token; '' for strings and quoted identifiers."""
    return "" if token.token_type in _QUOTED else token.text.upper()


def _token_rules(tokens: list[Token]) -> Iterator[tuple[int, str, str]]:
    words = [_word(t) for t in tokens]

    def at(i: int) -> str:
        return words[i] if i < len(words) else ""

    for i, token in enumerate(tokens):
        word = words[i]
        if word in ("LIMIT", "QUALIFY", "ILIKE"):
            yield token.line, word.lower(), ""
        elif token.token_type == TokenType.DCOLON:
            yield token.line, "double-colon-cast", ""
        elif token.token_type == TokenType.DPIPE:
            yield token.line, "pipe-concat", ""
        elif word == "FILTER" and at(i + 1) == "(" and at(i + 2) == "WHERE":
            yield token.line, "filter-clause", ""
        elif word == "WITH" and at(i + 1) == "RECURSIVE":
            yield token.line, "recursive-cte", ""
        elif token.token_type == TokenType.GROUP_BY and at(i + 1) == "ALL":
            yield token.line, "group-by-ordinal", "GROUP BY ALL"
        elif word in ("DATE_TRUNC", "DATETRUNC") and at(i + 1) == "(" and i + 2 < len(tokens):
            part = tokens[i + 2].text.upper()
            if part in _TRUNCATED_PARTS:
                yield token.line, "date-trunc-hour-week", f"{word}({part.lower()})"
        elif (word == "DATEADD" and at(i + 2) in _TRUNCATED_PARTS and at(i + 3) == ","
              and at(i + 4) == "DATEDIFF" and at(i + 6) == at(i + 2)
              and at(i + 8) == "0"):
            # dbt-sqlserver's date_trunc: DATEADD(part, DATEDIFF(part, 0, x), 0).
            yield token.line, "date-trunc-hour-week", f"DATEADD({at(i + 2).lower()}, ...)"


# --- syntax-tree rules ------------------------------------------------------------------------

def _line(node: exp.Expression) -> int:
    """The line of the first token of ``node`` that sqlglot located, 0 when none is."""
    lines = [n.meta["line"] for n in node.walk() if "line" in n.meta]
    return min(lines) if lines else 0


def _own_nodes(node: exp.Expression) -> Iterator[exp.Expression]:
    """``node`` and its descendants, without entering nested queries."""
    yield node
    for child in node.iter_expressions():
        if not isinstance(child, exp.Query | exp.Subquery):
            yield from _own_nodes(child)


def _is_condition(node: exp.Expression, item: exp.Expression) -> bool:
    """True when ``node`` sits in the condition of a CASE WHEN / IIF inside ``item`` (or of
    a FILTER clause, which has a rule of its own)."""
    child, parent = node, node.parent
    while parent is not None and child is not item:
        if isinstance(parent, exp.If) and parent.args.get("this") is child:
            return True
        if isinstance(parent, exp.Where):
            return True
        child, parent = parent, parent.parent
    return False


def _unaliased(item: exp.Expression) -> exp.Expression:
    while isinstance(item, exp.Alias | exp.Paren):
        item = item.this
    return item


def _column_names(node: exp.Expression) -> set[str]:
    return {c.name.lower() for c in _own_nodes(node) if isinstance(c, exp.Column)}


def _select_rules(select: exp.Select) -> Iterator[tuple[int, str, str]]:
    items = select.expressions
    for item in items:
        for node in _own_nodes(_unaliased(item)):
            if isinstance(node, _BOOLEAN) and not _is_condition(node, item):
                yield _line(item), "boolean-select", item.alias_or_name
                break
    aliases = {i.alias.lower(): i.this for i in items if isinstance(i, exp.Alias)}
    # An alias that also names a column of its own expression (coalesce(x, 0) as x) is
    # a column of the source as well: references to it are not to the alias.
    shadowing = {a for a, e in aliases.items() if a not in _column_names(e)}
    for item in items:
        defined = item.alias.lower() if isinstance(item, exp.Alias) else None
        for column in _own_nodes(item):
            if (isinstance(column, exp.Column) and not column.table
                    and column.name.lower() in shadowing and column.name.lower() != defined):
                yield _line(column) or _line(item), "alias-in-same-select", column.name
    group = select.args.get("group")
    for key in group.expressions if group else []:
        if isinstance(key, exp.Literal) and not key.is_string:
            yield _line(key), "group-by-ordinal", f"GROUP BY {key.sql()}"
        elif isinstance(key, exp.Column) and not key.table and key.name.lower() in shadowing:
            yield _line(key), "group-by-alias", key.name


def _tree_rules(tree: exp.Expression) -> Iterator[tuple[int, str, str]]:
    for with_ in tree.find_all(exp.With):
        if with_.find_ancestor(exp.Subquery, exp.CTE) is not None:
            yield _line(with_), "nested-with", ""
    for cte in tree.find_all(exp.CTE):
        if any(t.name.lower() == cte.alias.lower() and not t.db for t in cte.this.find_all(
                exp.Table)):
            yield _line(cte), "recursive-cte", cte.alias
    for select in tree.find_all(exp.Select):
        yield from _select_rules(select)


# --- files ------------------------------------------------------------------------------------

def check_sql(sql: str, path: str = "<sql>") -> list[Violation]:
    """Every violation in the SQL text ``sql`` (one or more statements)."""
    found: set[tuple[int, str, str]] = set()
    try:
        tokens = sqlglot.Dialect.get_or_raise("tsql").tokenize(sql)
        found.update(_token_rules(tokens))
        trees = sqlglot.parse(sql, read="tsql")
    except (ParseError, TokenError) as error:
        first = (getattr(error, "errors", None) or [{}])[0]
        message = (first.get("description") or str(error)).split(" <Token")[0]
        if first.get("highlight"):
            message += f" '{first['highlight']}'"
        found.add((first.get("line") or 0, "parse", message[:200]))
        trees = []
    for tree in trees:
        if tree is None:
            continue
        if isinstance(tree, exp.Command):
            found.add((_line(tree), "parse", f"not understood: {tree.sql()[:60]}"))
            continue
        found.update(_tree_rules(tree))
    return [Violation(path, line or 1, rule, detail) for line, rule, detail in sorted(found)]


def check_files(paths: Iterable[Path], root: Path) -> list[Violation]:
    """Every violation in the SQL files ``paths``, named relative to ``root``."""
    violations: list[Violation] = []
    for path in sorted(paths):
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        violations += check_sql(path.read_text(encoding="utf-8"), name)
    return violations


def _dbt_compile(project_dir: Path, target_path: Path, *args: str) -> Any:
    """``dbt compile`` with the sqlserver target, offline, in this process (one dbt start for
    both compiles); dbt's result."""
    from dbt.cli.main import dbtRunner

    errors: list[str] = []

    def keep_errors(event: Any) -> None:
        if event.info.level == "error":
            errors.append(event.info.msg)

    result = dbtRunner(callbacks=[keep_errors]).invoke([
        "compile", "--target", "sqlserver", "--no-introspect", "--no-populate-cache",
        "--target-path", str(target_path), "--project-dir", str(project_dir),
        "--profiles-dir", str(project_dir), "--vars", WINDOW_VARS, "--log-level", "none",
        *args])
    if not result.success:
        said = [*errors, *([str(result.exception)] if result.exception else [])]
        raise RuntimeError("dbt compile --target sqlserver failed:\n" + "\n".join(said)[-4000:])
    return result


def incremental_jinja(manifest: dict[str, Any]) -> str:
    """Jinja that renders, through dbt's own macros, each incremental model's pre-hooks (the
    run window's delete, on the model's relation) and its strategy's insert from the temporary
    relation; each statement follows a ``-- statement: <name>`` line."""
    parts = []
    for node in sorted(manifest["nodes"].values(), key=lambda n: n["name"]):
        if node["resource_type"] != "model" or node["config"].get("materialized") != INCREMENTAL:
            continue
        ref = f"ref('{node['name']}')"
        for number, hook in enumerate(node["config"].get("pre-hook") or [], 1):
            rendered = _DELETE_HOOK.sub(f"delete_window_sql({ref}, ", hook["sql"])
            parts.append((f"{node['name']}.pre_hook_{number}", rendered.replace(", )", ")")))
        columns = ", ".join(f"api.Column.create('{name}', 'int')"
                            for name in node["columns"] or ["business_date"])
        strategy = node["config"].get("incremental_strategy") or "default"
        parts.append((f"{node['name']}.insert", (
            f"{{{{ get_incremental_{strategy}_sql({{'target_relation': {ref}, "
            f"'temp_relation': make_temp_relation({ref}), 'dest_columns': [{columns}], "
            "'unique_key': none, 'incremental_predicates': none}) }}")))
    return "\n".join(f"{_STATEMENT_MARK}{name}\n{jinja}" for name, jinja in parts)


def split_statements(rendered: str) -> dict[str, str]:
    """The statements of rendered ``incremental_jinja``, by name."""
    statements: dict[str, str] = {}
    for chunk in rendered.split(_STATEMENT_MARK)[1:]:
        name, _, sql = chunk.partition("\n")
        statements[name.strip()] = sql.strip() + "\n"
    return statements


def compile_for_sql_server(project_dir: Path = PROJECT_DIR,
                           target_path: Path = TARGET_PATH) -> Path:
    """Compile the project with the sqlserver target, offline, then render what dbt sends
    for incremental models besides their SELECT into ``compiled/incremental/``; returns the
    compiled folder."""
    compiled = target_path / "compiled"
    shutil.rmtree(compiled, ignore_errors=True)  # no stale files of deleted models
    _dbt_compile(project_dir, target_path)
    manifest = json.loads((target_path / "manifest.json").read_text(encoding="utf-8"))
    jinja = incremental_jinja(manifest)
    if jinja:
        inline = _dbt_compile(project_dir, target_path, "--inline", jinja)
        folder = compiled / INCREMENTAL
        folder.mkdir(parents=True, exist_ok=True)
        for name, sql in split_statements(inline.result.results[0].node.compiled_code).items():
            (folder / f"{name}.sql").write_text(sql, encoding="utf-8")
    return compiled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m store_pipeline.lib.portability",
        description="Compile the dbt project for SQL Server and check the T-SQL of every "
                    "model, test and snapshot against the portability rules of docs/DESIGN.md.")
    parser.add_argument("--project-dir", type=Path, default=PROJECT_DIR)
    parser.add_argument("--target-path", type=Path, default=TARGET_PATH)
    parser.add_argument("--no-compile", action="store_true",
                        help="check the SQL already compiled under --target-path")
    parser.add_argument("files", nargs="*", type=Path,
                        help="check these SQL files instead of the compiled project")
    args = parser.parse_args(argv)
    if args.files:
        violations = check_files(args.files, Path.cwd())
        checked = len(args.files)
    else:
        compiled = args.target_path / "compiled"
        if not args.no_compile:
            try:
                compiled = compile_for_sql_server(args.project_dir, args.target_path)
            except RuntimeError as error:
                print(error, file=sys.stderr)
                return 2
        files = [p for p in compiled.rglob("*.sql") if p.is_file()]
        if not files:
            print(f"no compiled SQL under {compiled}", file=sys.stderr)
            return 2
        violations = check_files(files, compiled)
        checked = len(files)
    for violation in violations:
        print(violation)
    verdict = "portable" if not violations else f"{len(violations)} violation(s)"
    print(f"T-SQL check: {checked} file(s), {verdict}")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
