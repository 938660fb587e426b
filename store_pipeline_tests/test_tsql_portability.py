"""The T-SQL portability check: the real project passes it, and each rule catches its trap."""

from __future__ import annotations

from pathlib import Path

import pytest

from store_pipeline.lib import portability
from store_pipeline.lib.portability import RULES, check_sql

MODELS = portability.PROJECT_DIR / "models"

# One DuckDB-only construct per rule, placed on line 3 so that line numbers are checked too.
BAD_SQL = {
    "parse": "select a\nfrom t\nwhere (a = 1",
    "limit": "select a\nfrom t\nlimit 10",
    "qualify": "select a\nfrom t\nqualify row_number() over (order by a) = 1",
    "double-colon-cast": "select\n    a,\n    b::int as b_int\nfrom t",
    "pipe-concat": "select\n    a,\n    first_name || ' ' || last_name as full_name\nfrom t",
    "filter-clause": "select\n    a,\n    count(*) filter (where b > 0) as n\nfrom t\ngroup by a",
    "ilike": "select a\nfrom t\nwhere a ilike 'x%'",
    "group-by-ordinal": "select a, count(*) as n\nfrom t\ngroup by 1",
    "group-by-alias": "select a + b as total, count(*) as n\nfrom t\ngroup by total",
    "alias-in-same-select": "select\n    a + b as total,\n    total * 2 as doubled\nfrom t",
    "boolean-select": "select\n    a,\n    b > 0 as is_positive\nfrom t",
    "nested-with": ("with outer_cte as (\n    select a from t\n),\nwrapped as (\n"
                    "    with inner_cte as (select a from outer_cte) select a from inner_cte\n)\n"
                    "select a from wrapped"),
    "recursive-cte": ("with spine as (\n    select 1 as n\n    union all select n + 1 from spine"
                      " where n < 10\n)\nselect n from spine"),
    "date-trunc-hour-week": (
        "select\n    a,\n    CAST(DATEADD(week, DATEDIFF(week, 0, created_at), 0) AS DATE) as wk\n"
        "from t"),
}
BAD_LINES = {"nested-with": 5, "recursive-cte": 1}


def test_every_rule_has_a_bad_example():
    assert set(BAD_SQL) == set(RULES)


@pytest.mark.parametrize("rule", sorted(BAD_SQL))
def test_each_rule_fires_on_its_trap_with_the_line(rule):
    violations = check_sql(BAD_SQL[rule], "models/bad.sql")
    hits = [v for v in violations if v.rule == rule]
    assert hits, violations
    assert hits[0].line == BAD_LINES.get(rule, 3), hits
    assert str(hits[0]).startswith(f"models/bad.sql:{hits[0].line}: [{rule}] ")


@pytest.mark.parametrize("sql", [
    "select a from t where a like '%LIMIT 5 || x::int ILIKE%'",          # inside a string
    "-- limit, qualify, a::b and a || b in a comment\nselect [limit] as l from t",
    "select date_trunc('day', a) as d from t",                            # day is fine
    "select CAST(DATEADD(day, DATEDIFF(day, 0, a), 0) AS DATE) as d from t",
])
def test_text_in_strings_comments_and_other_date_parts_is_not_flagged(sql):
    assert check_sql(sql) == []


def test_portable_idioms_pass():
    sql = """
    with digits as (
        select 0 as digit
        union all select 1
    ),

    ranked as (
        select
            a,
            coalesce(b, 0) as b,
            case when b > 0 and c is not null then 1 else 0 end as is_positive,
            iif(b > 0, 1, 0) as is_positive_too,
            concat(a, '-', b) as label,
            cast(b as decimal(19, 4)) / nullif(c, 0) as ratio,
            row_number() over (partition by a order by b desc) as rank_in_a,
            (select max(d) from u where u.a = t.a and u.d > 0) as latest
        from t
        where b > 0 and a not in (select a from excluded)
    )

    select
        a,
        sum(case when rank_in_a <= 3 then b else 0 end) as top_three,
        count(distinct a) as n
    from ranked
    cross join digits
    group by a
    having count(*) > 1
    """
    assert check_sql(sql) == []


def test_the_command_line_reports_files_and_exit_status(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.sql").write_text("select a from t\n")
    (tmp_path / "bad.sql").write_text("select a\nfrom t\nlimit 1\n")
    assert portability.main(["good.sql"]) == 0
    assert portability.main(["good.sql", "bad.sql"]) == 1
    out = capsys.readouterr().out
    assert "bad.sql:3: [limit] LIMIT" in out
    assert "T-SQL check: 2 file(s), 1 violation(s)" in out


def test_the_project_compiles_for_sql_server_without_violations(tmp_path: Path, capsys):
    target = tmp_path / "sqlserver"
    assert portability.main(["--target-path", str(target)]) == 0, capsys.readouterr().out
    assert "portable" in capsys.readouterr().out
    compiled = {p.stem for p in (target / "compiled").rglob("*.sql")}
    models = {p.stem for p in MODELS.rglob("*.sql")}
    assert models <= compiled, sorted(models - compiled)
    assert any(name.startswith("unique_combination_of_columns") for name in compiled)
    # T-SQL really was compiled: dbt-sqlserver's dateadd and datefromparts, no DuckDB make_date.
    dim_date = next((target / "compiled").rglob("dim_date.sql")).read_text()
    assert "datefromparts(" in dim_date and "make_date(" not in dim_date
    # The compile has a target path of its own: the DuckDB manifest Dagster loads stays.
    assert (target / "manifest.json").is_file()
    assert portability.TARGET_PATH.parent == portability.PROJECT_DIR / "target"
    # What dbt sends for incremental models besides their SELECT is checked too.
    incremental = {p.name: p.read_text() for p in (target / "compiled" / "incremental").iterdir()}
    assert "fct_sales.insert.sql" in incremental and "fct_sales.pre_hook_1.sql" in incremental
    assert incremental["fct_sales.pre_hook_1.sql"].startswith(
        'delete from "store_analytics"."marts"."fct_sales" where (business_date >= ')
    assert '"business_date"' in incremental["fct_sales.insert.sql"]
    assert 'from "store_analytics"."marts"."fct_sales__dbt_tmp"' in incremental[
        "fct_sales.insert.sql"]


def test_a_project_dbt_cannot_compile_exits_2_with_dbts_error(tmp_path: Path, capsys):
    assert portability.main(["--project-dir", str(tmp_path / "no project"),
                             "--target-path", str(tmp_path / "target")]) == 2
    said = capsys.readouterr().err
    assert "dbt compile --target sqlserver failed" in said and "no project' does not exist" in said


def test_incremental_statements_are_rendered_through_the_project_hooks():
    manifest = {"nodes": {
        "model.p.m": {"resource_type": "model", "name": "m", "columns": {"day": {}, "n": {}},
                      "config": {"materialized": "incremental", "incremental_strategy": "append",
                                 "pre-hook": [{"sql": "{{ delete_run_window('day') }}"},
                                              {"sql": "{{ delete_run_window() }}"}]}},
        "model.p.v": {"resource_type": "model", "name": "v", "columns": {},
                      "config": {"materialized": "view", "pre-hook": []}},
    }}
    jinja = portability.incremental_jinja(manifest)
    assert "ref('v')" not in jinja
    statements = portability.split_statements(jinja)
    assert statements == {
        "m.pre_hook_1": "{{ delete_window_sql(ref('m'), 'day') }}\n",
        "m.pre_hook_2": "{{ delete_window_sql(ref('m')) }}\n",
        "m.insert": ("{{ get_incremental_append_sql({'target_relation': ref('m'), "
                     "'temp_relation': make_temp_relation(ref('m')), 'dest_columns': "
                     "[api.Column.create('day', 'int'), api.Column.create('n', 'int')], "
                     "'unique_key': none, 'incremental_predicates': none}) }}\n"),
    }
    bad = "delete from t where (business_date >= cast('2026-01-01' as date)) limit 5\n"
    assert [v.rule for v in check_sql(bad, "incremental/m.pre_hook_1.sql")] == ["limit"]
