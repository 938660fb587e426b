with source as (
    select * from {{ source('raw_pos', 'transaction') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by StoreID, TransactionNumber, business_date
            order by Time, Total
        ) as copy_number
    from source
),

renamed as (
    select
        StoreID as store_id,
        TransactionNumber as transaction_number,
        BatchNumber as batch_number,
        RegisterID as register_id,
        CashierID as cashier_id,
        CustomerID as customer_id,
        Time as transaction_at,
        Total as total_amount,
        SalesTax as sales_tax,
        cast(coalesce(Voided, 0) as int) as is_voided,
        business_date
    from ranked
    where copy_number = 1
)

select * from renamed
