{#-
    Fails for every row where the SQL condition `expression` does not hold. When the test
    is attached to a column, the expression may refer to it as the column name.
-#}
{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not ({{ expression }})

{% endtest %}
