{{ config(materialized='incremental') }}

-- inventory_status.csv: one row per business date, store and active product in that day's
-- ItemDynamic.
with inventory as (
    select * from {{ ref('fct_inventory_daily') }}
    where is_active = 1 and {{ in_run_window('business_date') }}
),

products as (
    select * from {{ ref('int_product_snapshots') }}
),

stores as (
    select * from {{ ref('stg_pos__store') }}
),

final as (
    select
        inventory.business_date,
        stores.store_code,
        products.sku,
        products.product_name,
        products.department_name as department,
        {{ units('inventory.on_hand_units') }} as on_hand_units,
        {{ money('inventory.on_hand_value') }} as on_hand_value,
        {{ ratio('inventory.avg_daily_units_28d') }} as avg_daily_units_28d,
        {{ hours('inventory.days_of_supply') }} as days_of_supply,
        {{ units('inventory.reorder_point') }} as reorder_point,
        inventory.is_below_reorder_point as below_reorder_point,
        inventory.is_stockout,
        inventory.last_sold_date,
        inventory.days_since_last_sale,
        inventory.is_dead_stock,
        {{ ratio('inventory.sell_through_pct_28d') }} as sell_through_pct_28d
    from inventory
    inner join products
        on
            inventory.product_id = products.item_id
            and inventory.business_date = products.business_date
    inner join stores
        on
            inventory.store_id = stores.store_id
            and inventory.business_date = stores.business_date
)

select * from final
