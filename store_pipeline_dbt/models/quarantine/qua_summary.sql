-- Dirty rows counted per landed business date and kind, zero included: one row per date and
-- kind of quarantine model, for the reports.
{%- set kinds = quarantine_kinds() | list %}

with landed_dates as (
    select distinct business_date
    from {{ ref('stg_pos__store') }}
    where {{ in_run_window('business_date') }}
),

kinds as (
    {%- for kind in kinds %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select cast('{{ kind }}' as {{ dbt.type_string() }}) as kind
    {%- endfor %}
),

quarantined as (
    {%- for kind in kinds %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select
            business_date,
            '{{ kind }}' as kind
        from {{ ref('qua_' ~ kind) }}
        where {{ in_run_window('business_date') }}
    {%- endfor %}
),

counted as (
    select
        business_date,
        kind,
        count(*) as row_count
    from quarantined
    group by business_date, kind
),

final as (
    select
        landed_dates.business_date,
        kinds.kind,
        coalesce(counted.row_count, 0) as row_count
    from landed_dates
    cross join kinds
    left join counted
        on
            landed_dates.business_date = counted.business_date
            and kinds.kind = counted.kind
)

select * from final
