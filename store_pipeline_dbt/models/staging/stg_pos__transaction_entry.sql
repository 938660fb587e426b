with source as (
    select * from {{ source('raw_pos', 'transaction_entry') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by StoreID, ID, business_date
            order by TransactionNumber, ItemID, Quantity, Price
        ) as copy_number
    from source
),

renamed as (
    select
        StoreID as store_id,
        ID as transaction_entry_id,
        TransactionNumber as transaction_number,
        ItemID as item_id,
        Quantity as quantity,
        Price as unit_price,
        FullPrice as full_unit_price,
        Cost as unit_cost,
        SalesTax as sales_tax,
        TransactionTime as transaction_at,
        business_date
    from ranked
    where copy_number = 1
)

select * from renamed
