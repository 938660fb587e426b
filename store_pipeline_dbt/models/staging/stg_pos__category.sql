with source as (
    select * from {{ source('raw_pos', 'category') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by ID, business_date
            order by DepartmentID, Name
        ) as copy_number
    from source
),

renamed as (
    select
        ID as category_id,
        DepartmentID as department_id,
        Name as category_name,
        business_date
    from ranked
    where copy_number = 1
)

select * from renamed
