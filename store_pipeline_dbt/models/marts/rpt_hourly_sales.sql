{{ config(materialized='incremental') }}

-- Sales and staffing by hour: one row per business date, store and hour (0-23) with sales or
-- staff on the clock.
with store_hours as (
    select * from {{ ref('int_store_hourly') }}
    where {{ in_run_window('business_date') }}
),

stores as (
    select * from {{ ref('stg_pos__store') }}
),

final as (
    select
        store_hours.business_date,
        stores.store_code,
        store_hours.hour_of_day as hour,
        store_hours.transactions,
        {{ money('store_hours.net_sales') }} as net_sales,
        {{ units('store_hours.units_sold') }} as units_sold,
        store_hours.staff_on_clock
    from store_hours
    inner join stores
        on
            store_hours.store_id = stores.store_id
            and store_hours.business_date = stores.business_date
)

select * from final
