{#
    The kinds of quarantine model (qua_<kind>), each with the columns that key its rows: a row
    is listed once per key. qua_summary counts them; tests/assert_quarantine_keys_unique.sql
    checks the keys.
#}
{% macro quarantine_kinds() -%}
    {{ return({
        'orphan_lines': ['business_date', 'store_id', 'pos_table', 'record_id'],
        'unknown_items': ['business_date', 'store_id', 'record_id'],
        'unknown_cashiers': ['business_date', 'store_id', 'pos_table', 'record_id'],
        'duplicate_rows': ['business_date', 'store_id', 'pos_table', 'record_id', 'copy_number'],
        'negative_stock': ['business_date', 'store_id', 'record_id'],
        'bad_clock_outs': ['business_date', 'store_id', 'record_id'],
        'unbalanced_tenders': ['business_date', 'store_id', 'record_id'],
        'future_transactions': ['business_date', 'store_id', 'record_id'],
    }) }}
{%- endmacro %}
