with source as (
    select * from {{ source('raw_pos', 'register') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by ID, business_date
            order by StoreID, Number
        ) as copy_number
    from source
),

renamed as (
    select
        ID as register_id,
        StoreID as store_id,
        Number as register_number,
        Description as register_description,
        business_date
    from ranked
    where copy_number = 1
)

select * from renamed
