with source as (
    select * from {{ source('raw_pos', 'store') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by ID, business_date
            order by StoreCode, Name
        ) as copy_number
    from source
),

renamed as (
    select
        ID as store_id,
        StoreCode as store_code,
        Name as store_name,
        Region as region,
        City as city,
        StateProvince as state_province,
        TimeZone as time_zone,
        cast(OpenDate as date) as open_date,
        cast(CloseDate as date) as close_date,
        SquareFeet as square_feet,
        business_date
    from ranked
    where copy_number = 1
)

select * from renamed
