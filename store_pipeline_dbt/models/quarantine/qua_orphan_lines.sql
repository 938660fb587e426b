-- Transaction lines and tender entries whose transaction does not exist on their business
-- date. int_sales_lines and int_tender_entries keep them out of the KPIs.
with lines as (
    select
        business_date,
        store_id,
        cast('TransactionEntry' as {{ dbt.type_string() }}) as pos_table,
        transaction_entry_id as record_id,
        transaction_number
    from {{ ref('int_sales_lines') }}
    where is_orphan_line = 1 and {{ in_run_window('business_date') }}
),

tenders as (
    select
        business_date,
        store_id,
        cast('TenderEntry' as {{ dbt.type_string() }}) as pos_table,
        tender_entry_id as record_id,
        transaction_number
    from {{ ref('int_tender_entries') }}
    where is_orphan_tender = 1 and {{ in_run_window('business_date') }}
),

orphans as (
    select * from lines
    union all
    select * from tenders
),

final as (
    select
        business_date,
        store_id,
        pos_table,
        record_id,
        transaction_number,
        cast('its transaction does not exist' as {{ dbt.type_string() }}) as reason
    from orphans
)

select * from final
