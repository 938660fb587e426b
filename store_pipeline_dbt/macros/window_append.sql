{#
    DuckDB's nightly run of an incremental model: its table exists, the strategy is `append`
    and a schema change fails the run (the project's defaults). In one transaction the
    pre-hooks run (delete_run_window: the window's rows deleted), the model's one query is
    checked against the table's columns, and its rows are inserted from the query itself.

    dbt-duckdb's own materialization writes the rows to a temporary table first, describes it
    and the table, and copies them over: eight statements and the rows written twice. Every
    other case (the first build, --full-refresh, another strategy or schema policy, Python
    models) is dbt-duckdb's materialization, called as it is. SQL Server runs
    dbt-sqlserver's.
#}
{% materialization incremental, adapter='duckdb' -%}
    {%- set existing = load_cached_relation(this) -%}
    {%- if existing is none or existing.is_view or should_full_refresh()
            or config.get('incremental_strategy') != 'append'
            or config.get('on_schema_change') != 'fail' or model.language != 'sql' -%}
        {{ return(dbt.materialization_incremental_duckdb()) }}
    {%- endif -%}
    {%- set target = existing.incorporate(type='table') -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {% do fail_on_changed_columns(target, compiled_code) %}
    {% call statement('main') -%}
        insert into {{ target }} by name select * from (
            {{ compiled_code }}
        )
    {%- endcall %}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {% do adapter.commit() %}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target]}) }}
{%- endmaterialization %}


{#
    on_schema_change: fail for a query that is not materialised: its columns (DuckDB describes
    a query without running it) against the table's, by name and type. Any column added,
    dropped or of another type stops the run before a row is written.
#}
{% macro fail_on_changed_columns(relation, sql) %}
    {%- set compared -%}
        select
            coalesce(in_model.column_name, in_table.column_name) as column_name,
            in_table.column_type as table_type,
            in_model.column_type as model_type
        from (describe (
            {{ sql }}
        )) as in_model
        full outer join (describe {{ relation }}) as in_table
            on in_model.column_name = in_table.column_name
        where in_model.column_type is distinct from in_table.column_type
        order by 1
    {%- endset -%}
    {%- set changed = run_query(compared) -%}
    {%- if changed.rows | length > 0 -%}
        {%- set lines = [] -%}
        {%- for row in changed.rows -%}
            {%- do lines.append(row[0] ~ ': ' ~ (row[1] or 'not in the table') ~ ' -> '
                ~ (row[2] or 'not in the model')) -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error(
            "The columns of " ~ relation ~ " changed (" ~ lines | join('; ')
            ~ "). on_schema_change is 'fail': rebuild it with --full-refresh.") }}
    {%- endif -%}
{% endmacro %}
