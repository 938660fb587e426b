{#-
    Several rules of a model checked in one query (one dbt node, one asset check):
    - `rules`: SQL conditions every row must satisfy; a condition that is NULL holds, as in a
      where clause. A reference to another model is `col in (select key from {{ ref(...) }})`.
    - `unique_keys`: lists of columns, each a key no two rows share (NULLs compare equal, as
      in unique_combination_of_columns).
    It returns one row per broken rule and row: `failed_rule` (the condition, or
    "unique (<columns>)"), then the row's columns.
-#}
{% test row_rules(model, rules=[], unique_keys=[]) %}

{%- set checks = [] -%}
{%- for key in unique_keys -%}
    {%- do checks.append(('unique (' ~ key | join(', ') ~ ')', 'key_' ~ loop.index ~ '_rows = 1')) -%}
{%- endfor -%}
{%- for rule in rules -%}
    {%- do checks.append((rule.split() | join(' '), rule)) -%}
{%- endfor %}

with checked as (
    select
        *
        {%- for key in unique_keys %},
        count(*) over (partition by {{ key | join(', ') }}) as key_{{ loop.index }}_rows
        {%- endfor %}
    from {{ model }}
),

rules as (
    {%- for label, _ in checks %}
    {{ 'union all ' if not loop.first }}select
        {{ loop.index }} as rule_number,
        '{{ label | replace("'", "''") }}' as failed_rule
    {%- endfor %}
)

select
    rules.failed_rule,
    checked.*
from checked
cross join rules
where
    {%- for _, condition in checks %}
    {{ 'or ' if not loop.first }}(rules.rule_number = {{ loop.index }} and not ({{ condition }}))
    {%- endfor %}

{% endtest %}
