-- Transaction lines whose item is not in that day's Item table. Store KPIs count them (price,
-- cost and tax are on the line); product-level marts leave them out.
with lines as (
    select * from {{ ref('int_sales_lines') }}
    where is_unknown_item = 1 and {{ in_run_window('business_date') }}
),

final as (
    select
        business_date,
        store_id,
        cast('TransactionEntry' as {{ dbt.type_string() }}) as pos_table,
        transaction_entry_id as record_id,
        transaction_number,
        item_id,
        cast('item not in the Item table of the day' as {{ dbt.type_string() }}) as reason
    from lines
)

select * from final
