-- One row per item and business date: the item as of that date with its department,
-- category and supplier names from the same day's copy of those tables.
with items as (
    select * from {{ ref('stg_pos__item') }}
),

departments as (
    select * from {{ ref('stg_pos__department') }}
),

categories as (
    select * from {{ ref('stg_pos__category') }}
),

suppliers as (
    select * from {{ ref('stg_pos__supplier') }}
),

joined as (
    select
        items.business_date,
        items.item_id,
        items.sku,
        items.product_name,
        items.department_id,
        departments.department_name,
        items.category_id,
        categories.category_name,
        items.supplier_id,
        suppliers.supplier_name,
        items.list_price,
        items.unit_cost,
        items.is_inactive,
        items.created_at,
        items.updated_at,
        1 - items.is_inactive as is_active
    from items
    left join departments
        on
            items.department_id = departments.department_id
            and items.business_date = departments.business_date
    left join categories
        on
            items.category_id = categories.category_id
            and items.business_date = categories.business_date
    left join suppliers
        on
            items.supplier_id = suppliers.supplier_id
            and items.business_date = suppliers.business_date
)

select * from joined
