{#
    Data tests on incremental marts check the rows of the run window only: a test's `where`
    config may contain the placeholder __run_window__, replaced here by the window predicate
    on business_date, in parentheses (the whole table when no window is given), so that
    `__run_window__ or business_date is null` reads as it says. Other `where` configs work
    as in dbt.
#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where -%}
        {%- if '__run_window__' in where -%}
            {%- set where = where | replace('__run_window__', '(' ~ in_run_window('business_date') ~ ')') -%}
        {%- endif -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) as dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- else -%}
        {{ return(relation) }}
    {%- endif -%}
{%- endmacro %}
