{{ config(materialized='incremental') }}

-- One row per transaction: the header, its lines and its tenders summed, and the flags that
-- decide whether it counts as a sale and whether it is clean enough to check its balance.
with transactions as (
    select * from {{ ref('stg_pos__transaction') }}
    where {{ in_run_window('business_date') }}
),

lines as (
    select
        business_date,
        store_id,
        transaction_number,
        count(*) as line_count,
        sum(is_sale_line) as sale_line_count,
        sum(is_return_line) as return_line_count,
        sum(is_unknown_item) as unknown_item_lines,
        sum(units_sold) as units_sold,
        sum(units_returned) as units_returned,
        sum(gross_sales) as gross_sales,
        sum(discounts) as discounts,
        sum(returns) as returns,
        sum(net_sales) as net_sales,
        sum(sales_tax) as tax,
        sum(cost_of_goods) as cost_of_goods
    from {{ ref('int_sales_lines') }}
    where is_orphan_line = 0 and {{ in_run_window('business_date') }}
    group by business_date, store_id, transaction_number
),

tenders as (
    select
        business_date,
        store_id,
        transaction_number,
        count(*) as tender_entry_count,
        sum(is_unknown_tender) as unknown_tender_entries,
        max(is_split_tender_transaction) as is_split_tender,
        sum(amount) as tender_amount
    from {{ ref('int_tender_entries') }}
    where is_orphan_tender = 0 and {{ in_run_window('business_date') }}
    group by business_date, store_id, transaction_number
),

joined as (
    select
        transactions.business_date,
        transactions.store_id,
        transactions.transaction_number,
        transactions.batch_number,
        transactions.register_id,
        transactions.cashier_id,
        transactions.customer_id,
        transactions.transaction_at,
        {{ hour_of('transactions.transaction_at') }} as transaction_hour,
        transactions.is_voided,
        coalesce(transactions.total_amount, 0) as total_amount,
        coalesce(transactions.sales_tax, 0) as header_sales_tax,
        coalesce(lines.line_count, 0) as line_count,
        coalesce(lines.sale_line_count, 0) as sale_line_count,
        coalesce(lines.return_line_count, 0) as return_line_count,
        coalesce(lines.unknown_item_lines, 0) as unknown_item_lines,
        coalesce(lines.units_sold, 0) as units_sold,
        coalesce(lines.units_returned, 0) as units_returned,
        coalesce(lines.gross_sales, 0) as gross_sales,
        coalesce(lines.discounts, 0) as discounts,
        coalesce(lines.returns, 0) as returns,
        coalesce(lines.net_sales, 0) as net_sales,
        coalesce(lines.tax, 0) as tax,
        coalesce(lines.cost_of_goods, 0) as cost_of_goods,
        coalesce(tenders.tender_entry_count, 0) as tender_entry_count,
        coalesce(tenders.unknown_tender_entries, 0) as unknown_tender_entries,
        coalesce(tenders.is_split_tender, 0) as is_split_tender,
        coalesce(tenders.tender_amount, 0) as tender_amount
    from transactions
    left join lines
        on
            transactions.store_id = lines.store_id
            and transactions.transaction_number = lines.transaction_number
            and transactions.business_date = lines.business_date
    left join tenders
        on
            transactions.store_id = tenders.store_id
            and transactions.transaction_number = tenders.transaction_number
            and transactions.business_date = tenders.business_date
),

flagged as (
    select
        *,
        net_sales + tax as total_collected,
        {{ flag(
            'is_voided = 0 and sale_line_count > 0'
            ~ ' and cast(transaction_at as date) <= business_date'
        ) }} as is_sales_transaction,
        {{ flag(
            'abs(tender_amount - total_amount) <= ' ~ var('balance_tolerance')
            ~ ' and abs(net_sales + tax - total_amount) <= ' ~ var('balance_tolerance')
        ) }} as is_balanced,
        {{ flag(
            'is_voided = 0 and line_count > 0 and tender_entry_count > 0'
            ~ ' and unknown_item_lines = 0 and unknown_tender_entries = 0'
        ) }} as is_clean
    from joined
)

select * from flagged
