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


{# Regular hours: the hours up to `limit` (a day's or a week's overtime threshold). #}
{% macro hours_up_to(hours, limit) -%}
    case when {{ hours }} > {{ limit }} then {{ limit }} else {{ hours }} end
{%- endmacro %}


{# Overtime: the hours beyond `limit`, 0 when within it. #}
{% macro hours_beyond(hours, limit) -%}
    case when {{ hours }} > {{ limit }} then {{ hours }} - {{ limit }} else 0 end
{%- endmacro %}


{#
    Annualised inventory turnover: the cost of goods sold over `days` days divided by the
    average on-hand value over those days, times 365 / days. NULL without stock value.
#}
{% macro annualised_turnover(cost_of_goods, average_on_hand_value, days) -%}
    {{ safe_divide(cost_of_goods ~ ' * 365', '(' ~ average_on_hand_value ~ ') * (' ~ days ~ ')') }}
{%- endmacro %}
