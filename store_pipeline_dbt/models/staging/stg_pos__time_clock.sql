with source as (
    select * from {{ source('raw_pos', 'time_clock') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by StoreID, ID, business_date
            order by CashierID, TimeIn, TimeOut
        ) as copy_number
    from source
),

renamed as (
    select
        StoreID as store_id,
        ID as time_clock_id,
        CashierID as cashier_id,
        TimeIn as clocked_in_at,
        TimeOut as clocked_out_at,
        coalesce(BreakMinutes, 0) as break_minutes,
        business_date
    from ranked
    where copy_number = 1
)

select * from renamed
