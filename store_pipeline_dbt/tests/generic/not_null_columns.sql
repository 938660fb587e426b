{#- Fails for every row where any of `columns` is null (the key columns of a model). -#}
{% test not_null_columns(model, columns) %}

select {{ columns | join(', ') }}
from {{ model }}
where
    {% for column in columns -%}
    {{ 'or ' if not loop.first }}{{ column }} is null
    {% endfor %}

{% endtest %}
