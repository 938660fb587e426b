{{ config(meta={'dagster': {'ref': {'name': 'qua_summary'}}}) }}

-- Every quarantine model lists a row once: the keys of the run window that more than one row
-- of a model holds, for all the models in one query. It is a check of qua_summary, which
-- counts those rows (Dagster attaches a test to a model it depends on):
-- depends_on: {{ ref('qua_summary') }}
{%- for kind, key in quarantine_kinds().items() %}
    {%- if not loop.first %}
        union all
    {%- endif %}
    select
        '{{ kind }}' as kind,
        business_date,
        store_id,
        count(*) as rows_with_the_key
    from {{ ref('qua_' ~ kind) }}
    where {{ in_run_window('business_date') }}
    group by {{ key | join(', ') }}
    having count(*) > 1
{%- endfor %}
