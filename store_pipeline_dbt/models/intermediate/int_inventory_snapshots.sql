-- One row per business date, store and item in that day's ItemDynamic: on-hand stock at the
-- end of the day, valued at the day's unit cost, with the day's sales of the item. Negative
-- on-hand (dirty data) is flagged and counted as zero in units and value.
with stock as (
    select * from {{ ref('stg_pos__item_dynamic') }}
),

products as (
    select * from {{ ref('int_product_snapshots') }}
),

daily_sales as (
    select * from {{ ref('int_product_daily_sales') }}
),

joined as (
    select
        stock.business_date,
        stock.store_id,
        stock.item_id,
        coalesce(stock.on_hand_quantity, 0) as on_hand_quantity,
        case
            when stock.on_hand_quantity > 0 then stock.on_hand_quantity else 0
        end as on_hand_units,
        stock.reorder_point,
        stock.restock_level,
        cast(stock.last_received_at as date) as last_received_date,
        cast(stock.last_sold_at as date) as pos_last_sold_date,
        coalesce(products.unit_cost, 0) as unit_cost,
        coalesce(products.is_active, 0) as is_active,
        {{ flag('products.item_id is null') }} as is_unknown_item,
        {{ flag('stock.on_hand_quantity < 0') }} as is_negative_stock,
        coalesce(daily_sales.units_sold, 0) as units_sold,
        coalesce(daily_sales.net_sales, 0) as net_sales,
        coalesce(daily_sales.cost_of_goods, 0) as cost_of_goods
    from stock
    left join products
        on
            stock.item_id = products.item_id
            and stock.business_date = products.business_date
    left join daily_sales
        on
            stock.store_id = daily_sales.store_id
            and stock.item_id = daily_sales.item_id
            and stock.business_date = daily_sales.business_date
),

final as (
    select
        *,
        on_hand_units * unit_cost as on_hand_value,
        case when units_sold > 0 then business_date end as sale_date,
        {{ flag('is_active = 1 and on_hand_quantity <= 0') }} as is_stockout,
        {{ flag('on_hand_quantity <= reorder_point') }} as is_below_reorder_point
    from joined
)

select * from final
