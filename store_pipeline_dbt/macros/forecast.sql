{#
    create_forecast_tables()  on-run-start: the schema forecasts and its tables, empty, when
                              missing, so the models that read them run before any forecast
                              (store_pipeline.forecast_tables declares the same columns)
#}

{% macro create_forecast_tables() -%}
    {%- set columns = [
        'forecast_date date', 'store_code varchar(32)', 'sku varchar(64)',
        'category varchar(128)', 'target_date date', 'units decimal(19,4)',
        'lower decimal(19,4)', 'upper decimal(19,4)'] -%}
    {{ adapter.dispatch('create_forecast_tables')('demand_forecast', columns | join(', ')) }}
{%- endmacro %}


{% macro duckdb__create_forecast_tables(table, columns) -%}
    create schema if not exists forecasts;
    create table if not exists forecasts.{{ table }} ({{ columns }})
{%- endmacro %}


{% macro sqlserver__create_forecast_tables(table, columns) -%}
    if schema_id('forecasts') is null exec('create schema forecasts');
    if object_id('forecasts.{{ table }}', 'U') is null
        create table forecasts.{{ table }} ({{ columns }})
{%- endmacro %}
