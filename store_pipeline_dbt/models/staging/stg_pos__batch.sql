with source as (
    select * from {{ source('raw_pos', 'batch') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by StoreID, BatchNumber, business_date
            order by OpeningTime, ClosingTime
        ) as copy_number
    from source
),

renamed as (
    select
        StoreID as store_id,
        BatchNumber as batch_number,
        RegisterID as register_id,
        OpeningTime as opened_at,
        ClosingTime as closed_at,
        OpeningTotal as opening_total,
        ClosingTotal as closing_total,
        PaidOut as paid_out,
        Dropped as dropped,
        NoSalesCount as no_sales_count,
        business_date
    from ranked
    where copy_number = 1
)

select * from renamed
