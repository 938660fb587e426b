-- Items whose on-hand quantity the POS reports as negative at the end of the day. Inventory
-- KPIs count such stock as zero.
with stock as (
    select * from {{ ref('int_inventory_snapshots') }}
    where is_negative_stock = 1 and {{ in_run_window('business_date') }}
),

final as (
    select
        business_date,
        store_id,
        cast('ItemDynamic' as {{ dbt.type_string() }}) as pos_table,
        cast(item_id as {{ dbt.type_bigint() }}) as record_id,
        on_hand_quantity,
        cast('negative on-hand quantity' as {{ dbt.type_string() }}) as reason
    from stock
)

select * from final
