{{ config(materialized='incremental') }}

-- product_performance.csv: one row per business date, store and known product sold or
-- returned that day, ranked in its store by net sales (1 = best, ties by SKU). The ABC class
-- over the trailing 28 days comes from fct_inventory_daily (C when the item has no stock row).
with product_days as (
    select * from {{ ref('int_product_daily_sales') }}
    where is_unknown_item = 0 and {{ in_run_window('business_date') }}
),

products as (
    select * from {{ ref('int_product_snapshots') }}
),

stores as (
    select * from {{ ref('stg_pos__store') }}
),

inventory as (
    select
        business_date,
        store_id,
        product_id,
        abc_class
    from {{ ref('fct_inventory_daily') }}
    where {{ in_run_window('business_date') }}
),

joined as (
    select
        product_days.business_date,
        product_days.store_id,
        stores.store_code,
        products.sku,
        products.product_name,
        products.department_name,
        products.category_name,
        product_days.units_sold,
        product_days.units_returned,
        {{ money('product_days.net_sales') }} as net_sales,
        product_days.cost_of_goods,
        product_days.gross_margin,
        product_days.gross_margin_pct,
        coalesce(inventory.abc_class, 'C') as abc_class
    from product_days
    inner join products
        on
            product_days.item_id = products.item_id
            and product_days.business_date = products.business_date
    inner join stores
        on
            product_days.store_id = stores.store_id
            and product_days.business_date = stores.business_date
    left join inventory
        on
            product_days.business_date = inventory.business_date
            and product_days.store_id = inventory.store_id
            and product_days.item_id = inventory.product_id
),

final as (
    select
        business_date,
        store_code,
        sku,
        product_name,
        department_name as department,
        category_name as category,
        {{ units('units_sold') }} as units_sold,
        {{ units('units_returned') }} as units_returned,
        net_sales,
        {{ money('cost_of_goods') }} as cost_of_goods,
        {{ money('gross_margin') }} as gross_margin,
        {{ ratio('gross_margin_pct') }} as gross_margin_pct,
        row_number() over (
            partition by business_date, store_id
            order by net_sales desc, sku asc
        ) as rank_in_store,
        abc_class
    from joined
)

select * from final
