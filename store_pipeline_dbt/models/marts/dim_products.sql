-- One row per product (POS item): its latest state at or before the end of the run window,
-- with department, category and supplier names as of the same date.
with products as (
    select * from {{ latest_state(ref('int_product_snapshots'), ['item_id']) }} as latest_products
),

final as (
    select
        item_id as product_id,
        sku,
        product_name,
        department_id,
        department_name,
        category_id,
        category_name,
        supplier_id,
        supplier_name,
        list_price,
        unit_cost,
        is_active,
        cast(created_at as date) as created_date,
        updated_at,
        business_date as state_date
    from products
)

select * from final
