{{ config(materialized='incremental') }}

-- reorder_suggestions.csv: one row per business date, store and active item whose on-hand is
-- at or below its reorder point (a NULL reorder point never is): order up to the restock
-- level what is neither on hand nor on order. With a demand forecast of the item (the newest
-- made on or before the date whose 14 days reach past it), the order also covers the next
-- var('reorder_cover_days') days at the forecast's upper bound (expected units plus a safety
-- stock of the 80 % interval's upper margin), scaled from the forecast days after the date;
-- forecast_units_14d is the expected units over those days. Without one (no forecast yet, or
-- the item forecast only within its category) forecast_units_14d is NULL and the suggestion
-- is the restock rule's.
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

forecasts as (
    select
        forecast_date,
        store_code,
        sku,
        target_date,
        units,
        upper as upper_units
    from {{ source('forecasts', 'demand_forecast') }}
    where sku is not null
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

forecast_days as (
    select
        joined.business_date,
        joined.store_code,
        joined.sku,
        forecasts.forecast_date,
        sum(forecasts.units) as units,
        sum(forecasts.upper_units) as upper_units,
        count(*) as days_covered
    from joined
    inner join forecasts
        on
            joined.store_code = forecasts.store_code
            and joined.sku = forecasts.sku
            and joined.business_date >= forecasts.forecast_date
            and joined.business_date < forecasts.target_date
    group by joined.business_date, joined.store_code, joined.sku, forecasts.forecast_date
),

newest_forecast as (
    select
        business_date,
        store_code,
        sku,
        cast(units as decimal(19, 4)) * {{ var('reorder_cover_days') }} / days_covered
            as forecast_units,
        cast(upper_units as decimal(19, 4)) * {{ var('reorder_cover_days') }} / days_covered
            as forecast_upper_units,
        row_number() over (
            partition by business_date, store_code, sku order by forecast_date desc
        ) as newest_rank
    from forecast_days
),

needs as (
    select
        joined.*,
        newest_forecast.forecast_units,
        joined.restock_level - joined.on_hand_units - joined.on_order_units as restock_need,
        ceiling(
            newest_forecast.forecast_upper_units - joined.on_hand_units - joined.on_order_units
        ) as forecast_need
    from joined
    left join newest_forecast
        on
            joined.business_date = newest_forecast.business_date
            and joined.store_code = newest_forecast.store_code
            and joined.sku = newest_forecast.sku
            and newest_forecast.newest_rank = 1
),

suggested as (
    select
        *,
        case
            when forecast_need > restock_need and forecast_need > 0 then forecast_need
            when restock_need > 0 then restock_need
            else 0
        end as suggested_order_units
    from needs
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
        {{ units('forecast_units') }} as forecast_units_14d,
        {{ units('suggested_order_units') }} as suggested_order_units,
        {{ money('suggested_order_units * unit_cost') }} as suggested_order_cost
    from suggested
)

select * from final
