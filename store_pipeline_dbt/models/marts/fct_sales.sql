{{ config(materialized='incremental') }}

-- One row per transaction line of a non-voided transaction (orphan lines and voided
-- transactions are left out), by business date. Lines of unknown items are kept and flagged.
with lines as (
    select * from {{ ref('int_sales_lines') }}
    where is_kpi_line = 1 and {{ in_run_window('business_date') }}
),

final as (
    select
        business_date,
        store_id,
        transaction_number,
        transaction_entry_id,
        item_id as product_id,
        cashier_id as employee_id,
        register_id,
        customer_id,
        transaction_at,
        transaction_hour,
        quantity,
        units_sold,
        units_returned,
        unit_price,
        full_unit_price,
        unit_cost,
        gross_sales,
        discounts,
        returns,
        net_sales,
        sales_tax as tax,
        cost_of_goods,
        gross_margin,
        is_sale_line,
        is_return_line,
        is_unknown_item
    from lines
)

select * from final
