{{ config(materialized='incremental') }}

-- Inventory turnover by department: one row per business date, store and department with
-- known products in that day's ItemDynamic (inactive products with stock included): stock
-- value, the trailing 28 days' cost of goods sold and average stock value, the annualised
-- turnover, stockouts and dead-stock value.
with inventory as (
    select * from {{ ref('fct_inventory_daily') }}
    where is_unknown_item = 0 and {{ in_run_window('business_date') }}
),

products as (
    select * from {{ ref('int_product_snapshots') }}
),

stores as (
    select * from {{ ref('stg_pos__store') }}
),

departments as (
    select
        inventory.business_date,
        stores.store_code,
        coalesce(products.department_name, 'Unknown') as department,
        count(*) as products,
        sum(inventory.on_hand_units) as on_hand_units,
        sum(inventory.on_hand_value) as on_hand_value,
        -- a double in fct_inventory_daily: summed as a decimal, so the order the rows
        -- arrive in cannot change the last digit
        sum(cast(inventory.avg_on_hand_value_28d as decimal(19, 4))) as avg_on_hand_value_28d,
        sum(inventory.cost_of_goods_28d) as cost_of_goods_28d,
        max(inventory.days_observed_28d) as days_observed_28d,
        sum(inventory.is_stockout) as stockout_products,
        sum(case when inventory.is_dead_stock = 1 then inventory.on_hand_value else 0 end)
            as dead_stock_value
    from inventory
    inner join products
        on
            inventory.product_id = products.item_id
            and inventory.business_date = products.business_date
    inner join stores
        on
            inventory.store_id = stores.store_id
            and inventory.business_date = stores.business_date
    group by
        inventory.business_date,
        stores.store_code,
        coalesce(products.department_name, 'Unknown')
),

final as (
    select
        business_date,
        store_code,
        department,
        products,
        {{ units('on_hand_units') }} as on_hand_units,
        {{ money('on_hand_value') }} as on_hand_value,
        {{ money('avg_on_hand_value_28d') }} as avg_on_hand_value_28d,
        {{ money('cost_of_goods_28d') }} as cost_of_goods_28d,
        days_observed_28d,
        {{ ratio(annualised_turnover(
            'cost_of_goods_28d', 'avg_on_hand_value_28d', 'days_observed_28d'
        )) }} as inventory_turnover,
        stockout_products,
        {{ money('dead_stock_value') }} as dead_stock_value
    from departments
)

select * from final
