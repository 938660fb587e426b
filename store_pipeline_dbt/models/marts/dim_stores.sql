-- One row per store: its latest state at or before the end of the run window.
with stores as (
    select * from {{ latest_state(ref('stg_pos__store'), ['store_id']) }} as latest_stores
),

registers as (
    select
        store_id,
        count(*) as register_count
    from {{ latest_state(ref('stg_pos__register'), ['register_id']) }} as latest_registers
    group by store_id
),

final as (
    select
        stores.store_id,
        stores.store_code,
        stores.store_name,
        stores.region,
        stores.city,
        stores.state_province,
        stores.time_zone,
        stores.open_date,
        stores.close_date,
        stores.square_feet,
        coalesce(registers.register_count, 0) as register_count,
        {{ flag('stores.close_date is null or stores.close_date > stores.business_date') }}
            as is_open,
        stores.business_date as state_date
    from stores
    left join registers
        on stores.store_id = registers.store_id
)

select * from final
