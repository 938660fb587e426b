-- One row per store and business date in that day's Store table: whether the store is open
-- and whether it is a comparable ("comp") store. A store is comp on D when it is open on D
-- and opened at least 12 months earlier (OpenDate <= D - 365), so that D - 364, the same
-- weekday a year earlier, falls in its trading history. A store without an opening date is
-- open (unless closed) but never comp.
with stores as (
    select * from {{ ref('stg_pos__store') }}
),

final as (
    select
        business_date,
        store_id,
        open_date,
        close_date,
        {{ days_between('open_date', 'business_date') }} as days_since_open,
        {{ flag(
            '(open_date is null or open_date <= business_date)'
            ~ ' and (close_date is null or close_date > business_date)'
        ) }} as is_open,
        {{ flag(
            'open_date <= ' ~ add_days('business_date', -365)
            ~ ' and (close_date is null or close_date > business_date)'
        ) }} as is_comp_store
    from stores
)

select * from final
