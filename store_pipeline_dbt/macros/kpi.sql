{#
    KPI arithmetic shared by every model: divisions that give NULL instead of failing on zero,
    rounding for the report marts, 0/1 flags.
#}

{# numerator / denominator, NULL when the denominator is 0 or NULL; never integer division. #}
{% macro safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as decimal(28, 8)) / nullif({{ denominator }}, 0))
{%- endmacro %}


{# Money: 2 decimals. #}
{% macro money(expression) -%}
    cast(round({{ expression }}, 2) as decimal(19, 2))
{%- endmacro %}


{# Ratios and percentages, as a fraction (0.3125): 4 decimals. #}
{% macro ratio(expression) -%}
    cast(round({{ expression }}, 4) as decimal(19, 4))
{%- endmacro %}


{# Hours (and days): 2 decimals. #}
{% macro hours(expression) -%}
    cast(round({{ expression }}, 2) as decimal(19, 2))
{%- endmacro %}


{# Quantities keep the POS precision of 4 decimals. #}
{% macro units(expression) -%}
    cast({{ expression }} as decimal(19, 4))
{%- endmacro %}


{# A condition as a 0/1 integer (SQL Server has no boolean select expressions). #}
{% macro flag(condition) -%}
    case when {{ condition }} then 1 else 0 end
{%- endmacro %}
