{{ config(materialized='incremental') }}

-- One row per transaction (voided ones included and flagged), by business date.
with transactions as (
    select * from {{ ref('int_transactions') }}
    where {{ in_run_window('business_date') }}
),

final as (
    select
        business_date,
        store_id,
        transaction_number,
        batch_number,
        register_id,
        cashier_id as employee_id,
        customer_id,
        transaction_at,
        transaction_hour,
        is_voided,
        is_sales_transaction,
        line_count,
        sale_line_count,
        return_line_count,
        units_sold,
        units_returned,
        gross_sales,
        discounts,
        returns,
        net_sales,
        tax,
        total_collected,
        cost_of_goods,
        total_amount,
        header_sales_tax,
        tender_entry_count,
        tender_amount,
        is_split_tender,
        unknown_item_lines,
        unknown_tender_entries,
        is_balanced,
        is_clean
    from transactions
)

select * from final
