{#-
    No dates after today (plus `days_ahead` of slack for time zones): a business date in the
    future means a wrong POS clock or a mislabelled backup.
-#}
{% test not_in_future(model, column_name, days_ahead=1) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} > {{ add_days('cast(' ~ dbt.current_timestamp() ~ ' as date)', days_ahead) }}

{% endtest %}
