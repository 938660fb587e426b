{{ config(materialized='incremental') }}

-- reorder_suggestions.csv: one row per business date, store and active item whose on-hand is
-- at or below its reorder point (a NULL reorder point never is): order up to the restock
-- level what is neither on hand nor on order. There is no demand forecast yet, so
-- forecast_units_14d is NULL and does not raise the suggestion.
with inventory as (
    select * from {{ ref('fct_inventory_daily') }}
    where
        is_active = 1
        and is_below_reorder_point = 1
        and reorder_point is not null
        and {{ in_run_window('business_date') }}
),

stock_levels as (
    select * from {{ ref('stg_pos__item_dynamic') }}
    where {{ in_run_window('business_date') }}
),

on_order as (
    select * from {{ ref('int_on_order') }}
    where {{ in_run_window('business_date') }}
),

products as (
    select * from {{ ref('int_product_snapshots') }}
    where {{ in_run_window('business_date') }}
),

stores as (
    select * from {{ ref('stg_pos__store') }}
    where {{ in_run_window('business_date') }}
),

joined as (
    select
        inventory.business_date,
        stores.store_code,
        products.sku,
        products.product_name,
        products.supplier_name as supplier,
        inventory.on_hand_units,
        coalesce(on_order.on_order_units, 0) as on_order_units,
        inventory.reorder_point,
        coalesce(stock_levels.restock_level, 0) as restock_level,
        inventory.avg_daily_units_28d,
        inventory.unit_cost
    from inventory
    inner join products
        on
            inventory.product_id = products.item_id
            and inventory.business_date = products.business_date
    inner join stores
        on
            inventory.store_id = stores.store_id
            and inventory.business_date = stores.business_date
    left join stock_levels
        on
            inventory.store_id = stock_levels.store_id
            and inventory.product_id = stock_levels.item_id
            and inventory.business_date = stock_levels.business_date
    left join on_order
        on
            inventory.store_id = on_order.store_id
            and inventory.product_id = on_order.item_id
            and inventory.business_date = on_order.business_date
),

suggested as (
    select
        *,
        case
            when restock_level - on_hand_units - on_order_units > 0
                then restock_level - on_hand_units - on_order_units
            else 0
        end as suggested_order_units
    from joined
),

final as (
    select
        business_date,
        store_code,
        sku,
        product_name,
        supplier,
        {{ units('on_hand_units') }} as on_hand_units,
        {{ units('on_order_units') }} as on_order_units,
        {{ units('reorder_point') }} as reorder_point,
        {{ units('restock_level') }} as restock_level,
        {{ ratio('avg_daily_units_28d') }} as avg_daily_units_28d,
        {{ units('null') }} as forecast_units_14d,
        {{ units('suggested_order_units') }} as suggested_order_units,
        {{ money('suggested_order_units * unit_cost') }} as suggested_order_cost
    from suggested
)

select * from final
