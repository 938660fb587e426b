{#-
    Fails for every row of a quarantine model: each row is dirty data the pipeline kept out
    of the KPIs. Give it severity warn, a name that says what it catches, and
    `where: __run_window__` so that it counts the run's dates only.
-#}
{% test no_quarantined_rows(model) %}

select *
from {{ model }}

{% endtest %}
