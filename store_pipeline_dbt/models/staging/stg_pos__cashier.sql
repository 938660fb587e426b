with source as (
    select * from {{ source('raw_pos', 'cashier') }}
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
        ID as cashier_id,
        StoreID as store_id,
        Number as employee_number,
        Name as employee_name,
        Position as position,
        HourlyRate as hourly_rate,
        cast(HireDate as date) as hire_date,
        cast(TerminationDate as date) as termination_date,
        cast(coalesce(Inactive, 0) as int) as is_inactive,
        business_date
    from ranked
    where copy_number = 1
)

select * from renamed
