{#
    The run window: the business dates a run (re)builds, from the vars min_date and max_date
    (YYYY-MM-DD, both inclusive) or, when those vars are not set, from the environment
    variables STORE_PIPELINE_RUN_MIN_DATE and STORE_PIPELINE_RUN_MAX_DATE. Without either the
    window is the whole history.

    The environment variables are read only while executing, never while parsing: dbt's
    partial parsing then survives a change of window, where changing --vars re-parses the
    whole project. Dagster passes the window this way.

    in_run_window(column, lookback_days)  predicate for models and tests; lookback_days widens
                                          the window backwards for KPIs that read history
    in_shifted_run_window(column, days)   predicate "in the run window moved days earlier"
                                          (the dates a comparison with D - days reads)
    delete_run_window()                   pre-hook of incremental marts: delete the window's
                                          rows so that the append that follows replaces them
    delete_window_sql(relation)           that delete for any relation (the T-SQL check
                                          renders it for every incremental model)
#}

{% macro run_window_date(name) %}
    {%- set value = var(name, none) -%}
    {%- if value is none and execute -%}
        {%- set value = env_var('STORE_PIPELINE_RUN_' ~ (name | upper), '') -%}
    {%- endif -%}
    {%- if value is none or (value | string | trim) == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set text = value | string | trim -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " must be a date written YYYY-MM-DD, got '" ~ text ~ "'") }}
    {%- endif -%}
    {{ return(modules.datetime.date.fromisoformat(text)) }}
{% endmacro %}


{% macro run_window() %}
    {%- set first_day = run_window_date('min_date') -%}
    {%- set last_day = run_window_date('max_date') -%}
    {%- if first_day is not none and last_day is not none and first_day > last_day -%}
        {{ exceptions.raise_compiler_error(
            "min_date " ~ first_day ~ " is after max_date " ~ last_day) }}
    {%- endif -%}
    {{ return({'first_day': first_day, 'last_day': last_day}) }}
{% endmacro %}


{% macro date_literal(value) -%}
    cast('{{ value }}' as date)
{%- endmacro %}


{% macro in_run_window(column, lookback_days=0) -%}
    {{ window_predicate(column, lookback_days, 0) }}
{%- endmacro %}


{% macro in_shifted_run_window(column, days) -%}
    {{ window_predicate(column, days, days) }}
{%- endmacro %}


{% macro window_predicate(column, first_day_back, last_day_back) -%}
    {#- column between the window's first day - first_day_back and last day - last_day_back -#}
    {%- set window = run_window() -%}
    {%- set conditions = [] -%}
    {%- if window.first_day is not none -%}
        {%- set first_day = window.first_day - modules.datetime.timedelta(days=first_day_back) -%}
        {%- do conditions.append(column ~ ' >= ' ~ date_literal(first_day)) -%}
    {%- endif -%}
    {%- if window.last_day is not none -%}
        {%- set last_day = window.last_day - modules.datetime.timedelta(days=last_day_back) -%}
        {%- do conditions.append(column ~ ' <= ' ~ date_literal(last_day)) -%}
    {%- endif -%}
    {%- if conditions -%}
        ({{ conditions | join(' and ') }})
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}


{% macro delete_run_window(date_column='business_date') -%}
    {%- if is_incremental() -%}
        {{ delete_window_sql(this, date_column) }}
    {%- endif -%}
{%- endmacro %}


{% macro delete_window_sql(relation, date_column='business_date') -%}
    delete from {{ relation }} where {{ in_run_window(date_column) }}
{%- endmacro %}
