-- One row per business date, store and item with purchase-order lines open at the end of
-- that date: not received or received short (the landing keeps such lines as state of their
-- backup's date, so a date's open lines are its own backup's). The units still to come.
with open_lines as (
    select * from {{ ref('stg_pos__purchase_order_entry') }}
    where is_open = 1
),

final as (
    select
        business_date,
        store_id,
        item_id,
        count(*) as open_order_lines,
        sum(coalesce(quantity_ordered, 0) - coalesce(quantity_received, 0)) as on_order_units
    from open_lines
    group by business_date, store_id, item_id
)

select * from final
