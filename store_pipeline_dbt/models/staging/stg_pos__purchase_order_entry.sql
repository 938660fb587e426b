with source as (
    select * from {{ source('raw_pos', 'purchase_order_entry') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by StoreID, ID, business_date
            order by PONumber, ItemID, ReceivedTime
        ) as copy_number
    from source
),

renamed as (
    select
        StoreID as store_id,
        ID as purchase_order_entry_id,
        PONumber as po_number,
        ItemID as item_id,
        SupplierID as supplier_id,
        QuantityOrdered as quantity_ordered,
        QuantityReceived as quantity_received,
        Cost as unit_cost,
        ReceivedTime as received_at,
        business_date
    from ranked
    where copy_number = 1
)

select * from renamed
