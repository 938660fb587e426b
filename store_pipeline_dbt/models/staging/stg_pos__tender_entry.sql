with source as (
    select * from {{ source('raw_pos', 'tender_entry') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by StoreID, ID, business_date
            order by TransactionNumber, TenderID, Amount
        ) as copy_number
    from source
),

renamed as (
    select
        StoreID as store_id,
        ID as tender_entry_id,
        TransactionNumber as transaction_number,
        TenderID as tender_id,
        Amount as amount,
        business_date
    from ranked
    where copy_number = 1
)

select * from renamed
