{#
    Master tables hold one full copy per business date. latest_state() is a subquery with the
    newest landed copy of each entity (key_columns): a dimension describes the newest state
    whatever window a run rebuilds, so re-running an old window never rolls it back.
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
        ) as ranked
        where ranked.state_rank = 1
    )
{%- endmacro %}
