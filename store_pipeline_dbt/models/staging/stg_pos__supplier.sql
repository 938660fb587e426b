with source as (
    select * from {{ source('raw_pos', 'supplier') }}
),

ranked as (
    select
        *,
        row_number() over (partition by ID, business_date order by SupplierName) as copy_number
    from source
),

renamed as (
    select
        ID as supplier_id,
        SupplierName as supplier_name,
        business_date
    from ranked
    where copy_number = 1
)

select * from renamed
