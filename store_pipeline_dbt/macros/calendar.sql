{#
    Calendar arithmetic shared by dim_date and the weekly models, written with plain date
    arithmetic that means the same on DuckDB and SQL Server (no DATEPART(week), whose result
    depends on the session's DATEFIRST, and no dbt.date_trunc('week')).

    ISO 8601 weeks start on Monday; week 1 is the week holding the year's first Thursday, so
    a week belongs to the ISO year of its Thursday.

    The NRF 4-5-4 retail calendar: the retail year starts on the Sunday nearest 1 February
    and is named after the calendar year it starts in (retail 2025 starts on 2025-02-02).
    Its 52 weeks (53 every five or six years) form four 13-week quarters of periods of 4, 5
    and 4 weeks; a 53rd week belongs to the last period.
#}

{# Truncating division of whole numbers, an integer on both engines (DuckDB's / is real). #}
{% macro integer_divide(numerator, denominator) -%}
    cast((({{ numerator }}) - ({{ numerator }}) % ({{ denominator }})) / ({{ denominator }}) as int)
{%- endmacro %}


{# Day of the year, 1-366. #}
{% macro day_of_year(date_expression) -%}
    ({{ days_between(date_from_parts('year(' ~ date_expression ~ ')', 1, 1), date_expression) }} + 1)
{%- endmacro %}


{# Thursday of the ISO week holding a date. #}
{% macro iso_week_thursday(date_expression) -%}
    {{ add_days(week_start(date_expression), 3) }}
{%- endmacro %}


{# ISO year: the calendar year of the week's Thursday. #}
{% macro iso_year(date_expression) -%}
    year({{ iso_week_thursday(date_expression) }})
{%- endmacro %}


{# ISO week number, 1-53. #}
{% macro iso_week(date_expression) -%}
    ({{ integer_divide(day_of_year(iso_week_thursday(date_expression)) ~ ' - 1', 7) }} + 1)
{%- endmacro %}


{# Days since the last Sunday, 0 (Sunday) ... 6 (Saturday): 1899-12-31 was a Sunday. #}
{% macro days_after_sunday(date_expression) -%}
    ({{ days_between(date_literal('1899-12-31'), date_expression) }} % 7)
{%- endmacro %}


{# First day of the NRF retail year named `year`: the Sunday nearest 1 February. #}
{% macro retail_year_start(year) -%}
    {%- set february_first = date_from_parts(year, 2, 1) -%}
    {%- set offset = days_after_sunday(february_first) -%}
    {{ add_days(february_first, 'case when ' ~ offset ~ ' <= 3 then -' ~ offset
        ~ ' else 7 - ' ~ offset ~ ' end') }}
{%- endmacro %}


{# Retail quarter 1-4 of a retail week number 1-53 (week 53 is in quarter 4). #}
{% macro retail_quarter(retail_week) -%}
    case
        when {{ retail_week }} > 52 then 4
        else {{ integer_divide(retail_week ~ ' - 1', 13) }} + 1
    end
{%- endmacro %}


{# Retail period (month) 1-12 of a retail week number: 4-5-4 weeks in every quarter. #}
{% macro retail_period(retail_week) -%}
    {%- set week_of_quarter = '(' ~ retail_week ~ ' - 13 * (' ~ retail_quarter(retail_week)
        ~ ' - 1))' -%}
    (3 * ({{ retail_quarter(retail_week) }} - 1) + case
        when {{ week_of_quarter }} <= 4 then 1
        when {{ week_of_quarter }} <= 9 then 2
        else 3
    end)
{%- endmacro %}
