with source as (
    select * from {{ source('raw_pos', 'item') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by ID, business_date
            order by LastUpdated desc, ItemLookupCode asc
        ) as copy_number
    from source
),

renamed as (
    select
        ID as item_id,
        ItemLookupCode as sku,
        Description as product_name,
        DepartmentID as department_id,
        CategoryID as category_id,
        SupplierID as supplier_id,
        Price as list_price,
        Cost as unit_cost,
        cast(coalesce(Inactive, 0) as int) as is_inactive,
        DateCreated as created_at,
        LastUpdated as updated_at,
        business_date
    from ranked
    where copy_number = 1
)

select * from renamed
