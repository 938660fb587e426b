{#
    SQL that differs between DuckDB and SQL Server, or that is easy to get wrong on one of them.
    Dates and hours are computed explicitly: dbt.date_trunc('hour'|'week') is wrong on SQL Server.
#}

{# Whole days from start to end (both dates). #}
{% macro days_between(start_date, end_date) -%}
    {{ dbt.datediff(start_date, end_date, 'day') }}
{%- endmacro %}


{# A date shifted by a number of days, typed as a date on both engines. #}
{% macro add_days(date_expression, days) -%}
    cast({{ dbt.dateadd('day', days, date_expression) }} as date)
{%- endmacro %}


{# The timestamp "date + hours" (start of an hour of a business date). #}
{% macro add_hours(date_expression, hours) -%}
    {{ dbt.dateadd('hour', hours, date_expression) }}
{%- endmacro %}


{# Whole seconds between two timestamps (an integer, so that sums are exact). #}
{% macro seconds_between(start_timestamp, end_timestamp) -%}
    {{ dbt.datediff(start_timestamp, end_timestamp, 'second') }}
{%- endmacro %}


{#
    Seconds as hours. Sum seconds first and convert once: DuckDB divides to a double, and a
    sum of doubles depends on the order of the rows, which would break idempotent reruns.
#}
{% macro seconds_to_hours(seconds) -%}
    (cast({{ seconds }} as decimal(28, 8)) / 3600)
{%- endmacro %}


{# Hour of the day (0-23) of a timestamp. #}
{% macro hour_of(timestamp) -%}
    {{ return(adapter.dispatch('hour_of', 'store_pipeline')(timestamp)) }}
{%- endmacro %}

{% macro default__hour_of(timestamp) -%}
    extract(hour from {{ timestamp }})
{%- endmacro %}

{% macro duckdb__hour_of(timestamp) -%}
    hour({{ timestamp }})
{%- endmacro %}

{% macro sqlserver__hour_of(timestamp) -%}
    datepart(hour, {{ timestamp }})
{%- endmacro %}


{# A date from year, month and day numbers. #}
{% macro date_from_parts(year, month, day) -%}
    {{ return(adapter.dispatch('date_from_parts', 'store_pipeline')(year, month, day)) }}
{%- endmacro %}

{% macro default__date_from_parts(year, month, day) -%}
    make_date({{ year }}, {{ month }}, {{ day }})
{%- endmacro %}

{% macro sqlserver__date_from_parts(year, month, day) -%}
    datefromparts({{ year }}, {{ month }}, {{ day }})
{%- endmacro %}


{#
    ISO day of the week, 1 = Monday ... 7 = Sunday, independent of any session setting:
    1900-01-01 was a Monday.
#}
{% macro iso_day_of_week(date_expression) -%}
    ({{ days_between(date_literal('1900-01-01'), date_expression) }} % 7 + 1)
{%- endmacro %}


{# Monday of the week holding a date. #}
{% macro week_start(date_expression) -%}
    {{ add_days(date_expression, '-(' ~ days_between(date_literal('1900-01-01'), date_expression) ~ ' % 7)') }}
{%- endmacro %}


{# The larger of two values, ignoring NULLs (GREATEST is not in every SQL Server). #}
{% macro larger_of(first, second) -%}
    case
        when {{ second }} is null then {{ first }}
        when {{ first }} is null then {{ second }}
        when {{ first }} >= {{ second }} then {{ first }}
        else {{ second }}
    end
{%- endmacro %}


{# The smaller of two values, ignoring NULLs (LEAST is not in every SQL Server). #}
{% macro smaller_of(first, second) -%}
    case
        when {{ second }} is null then {{ first }}
        when {{ first }} is null then {{ second }}
        when {{ first }} <= {{ second }} then {{ first }}
        else {{ second }}
    end
{%- endmacro %}


{# Rows 0..9, to cross join into number ranges (no recursive CTEs). #}
{% macro digits() -%}
    select 0 as digit
    {%- for n in range(1, 10) %}
    union all select {{ n }}
    {%- endfor %}
{%- endmacro %}


{# Rows 0..23 of column hour_of_day. #}
{% macro hours_of_day() -%}
    select 0 as hour_of_day
    {%- for n in range(1, 24) %}
    union all select {{ n }}
    {%- endfor %}
{%- endmacro %}


{#
    A small literal table: `rows` (lists of numbers and strings) as a union of selects with
    the columns `column_names`. Strings are quoted, their quotes doubled.
#}
{% macro literal_rows(column_names, rows) -%}
    {%- for row in rows %}
    {{ 'union all ' if not loop.first }}select
        {%- for value in row %}
        {% if value is string -%}
            '{{ value | replace("'", "''") }}'
        {%- else -%}
            {{ value }}
        {%- endif %} as {{ column_names[loop.index0] }}{{ ',' if not loop.last }}
        {%- endfor %}
    {%- endfor %}
{%- endmacro %}
