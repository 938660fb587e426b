with source as (
    select * from {{ source('raw_pos', 'purchase_order_entry') }}
),

flagged as (
    select
        *,
        case
            when
                ReceivedTime is null
                or coalesce(QuantityReceived, 0) < coalesce(QuantityOrdered, 0)
                then 1
            else 0
        end as is_open
    from source
),

-- A line received short on D is open in D's state and, once closed, a received line of D:
-- both are kept, one copy of each.
ranked as (
    select
        *,
        row_number() over (
            partition by StoreID, ID, business_date, is_open
            order by PONumber, ItemID, ReceivedTime
        ) as copy_number
    from flagged
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
        is_open,
        business_date
    from ranked
    where copy_number = 1
)

select * from renamed
