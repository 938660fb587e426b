with source as (
    select * from {{ source('raw_pos', 'item_dynamic') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by StoreID, ItemID, business_date
            order by LastSold desc, Quantity asc
        ) as copy_number
    from source
),

renamed as (
    select
        StoreID as store_id,
        ItemID as item_id,
        Quantity as on_hand_quantity,
        ReorderPoint as reorder_point,
        RestockLevel as restock_level,
        LastReceived as last_received_at,
        LastSold as last_sold_at,
        business_date
    from ranked
    where copy_number = 1
)

select * from renamed
