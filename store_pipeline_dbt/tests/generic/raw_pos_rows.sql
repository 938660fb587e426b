{#-
    The test of a raw_pos table (severity warn: dirty raw rows are flagged, not fatal): its
    `key` (columns with business_date) unique, business_date set, and its own `rules`, as
    row_rules checks them; over the run window's rows and any row without a business date,
    so that a day's run does not scan the raw history again.
-#}
{% test raw_pos_rows(model, key, rules=[]) %}
{{ config(severity='warn', where='__run_window__ or business_date is null') }}
{{ test_row_rules(model, rules=['business_date is not null'] + rules, unique_keys=[key]) }}
{% endtest %}
