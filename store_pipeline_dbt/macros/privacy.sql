{#
    Customer keys for the marts: a hash of the POS customer id salted with var
    customer_key_salt (from STORE_PIPELINE_CUSTOMER_KEY_SALT), the same on DuckDB and SQL
    Server. Names and e-mail addresses never leave staging.
#}
{% macro customer_key(customer_id) -%}
    {%- set salt = "'" ~ (var('customer_key_salt') | string | replace("'", "''")) ~ "'" -%}
    {{ dbt.hash(dbt.concat([salt, dbt.safe_cast(customer_id, dbt.type_string())])) }}
{%- endmacro %}
