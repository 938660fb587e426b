with source as (
    select * from {{ source('raw_pos', 'department') }}
),

ranked as (
    select
        *,
        row_number() over (partition by ID, business_date order by Name) as copy_number
    from source
),

renamed as (
    select
        ID as department_id,
        Name as department_name,
        business_date
    from ranked
    where copy_number = 1
)

select * from renamed
