{#
    Master tables hold one full copy per business date. latest_state() is a subquery with the
    latest copy of each entity (key_columns) at or before the run's max_date, so that a
    dimension describes the state as of the end of the run window.
#}
{% macro latest_state(relation, key_columns) -%}
    (
        select ranked.*
        from (
            select
                copies.*,
                row_number() over (
                    partition by {{ key_columns | join(', ') }}
                    order by copies.business_date desc
                ) as state_rank
            from {{ relation }} as copies
            where {{ up_to_run_end('copies.business_date') }}
        ) as ranked
        where ranked.state_rank = 1
    )
{%- endmacro %}
