{#-
    Tenders balance the transaction: the amount due, the sum of the lines (net sales + tax)
    and the sum of the tenders agree within `tolerance` (default: var balance_tolerance, one
    cent). Restrict it to clean rows with the test's `where` config.
-#}
{% test tenders_balance(
    model,
    total_column='total_amount',
    tender_column='tender_amount',
    lines_column='total_collected',
    tolerance=none
) %}

{%- set tolerance = tolerance if tolerance is not none else var('balance_tolerance') -%}

select *
from {{ model }}
where
    abs({{ tender_column }} - {{ total_column }}) > {{ tolerance }}
    or abs({{ lines_column }} - {{ total_column }}) > {{ tolerance }}

{% endtest %}
