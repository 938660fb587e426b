{{ config(materialized='incremental') }}

-- One row per transaction line, with its transaction, its KPI measures and dirty-data flags.
-- A line counts in the KPIs (is_kpi_line = 1) when its transaction exists and is not voided.
with lines as (
    select * from {{ ref('stg_pos__transaction_entry') }}
    where {{ in_run_window('business_date') }}
),

transactions as (
    select * from {{ ref('stg_pos__transaction') }}
    where {{ in_run_window('business_date') }}
),

products as (
    select * from {{ ref('stg_pos__item') }}
    where {{ in_run_window('business_date') }}
),

joined as (
    select
        lines.business_date,
        lines.store_id,
        lines.transaction_entry_id,
        lines.transaction_number,
        lines.item_id,
        transactions.cashier_id,
        transactions.register_id,
        transactions.customer_id,
        coalesce(transactions.transaction_at, lines.transaction_at) as transaction_at,
        coalesce(lines.quantity, 0) as quantity,
        coalesce(lines.unit_price, 0) as unit_price,
        coalesce(lines.full_unit_price, lines.unit_price, 0) as full_unit_price,
        coalesce(lines.unit_cost, 0) as unit_cost,
        coalesce(lines.sales_tax, 0) as sales_tax,
        coalesce(transactions.is_voided, 0) as is_voided,
        {{ flag('transactions.transaction_number is null') }} as is_orphan_line,
        {{ flag('products.item_id is null') }} as is_unknown_item
    from lines
    left join transactions
        on
            lines.store_id = transactions.store_id
            and lines.transaction_number = transactions.transaction_number
            and lines.business_date = transactions.business_date
    left join products
        on
            lines.item_id = products.item_id
            and lines.business_date = products.business_date
),

measured as (
    select
        business_date,
        store_id,
        transaction_entry_id,
        transaction_number,
        item_id,
        cashier_id,
        register_id,
        customer_id,
        transaction_at,
        {{ hour_of('transaction_at') }} as transaction_hour,
        quantity,
        unit_price,
        full_unit_price,
        unit_cost,
        {{ flag('quantity > 0') }} as is_sale_line,
        {{ flag('quantity < 0') }} as is_return_line,
        case when quantity > 0 then quantity else 0 end as units_sold,
        case when quantity < 0 then -quantity else 0 end as units_returned,
        case when quantity > 0 then full_unit_price * quantity else 0 end as gross_sales,
        case
            when quantity > 0 then (full_unit_price - unit_price) * quantity else 0
        end as discounts,
        case when quantity < 0 then -unit_price * quantity else 0 end as returns,
        unit_price * quantity as net_sales,
        sales_tax,
        unit_cost * quantity as cost_of_goods,
        (unit_price - unit_cost) * quantity as gross_margin,
        is_voided,
        is_orphan_line,
        is_unknown_item,
        {{ flag(
            'is_orphan_line = 0 and is_voided = 0'
            ~ ' and cast(transaction_at as date) <= business_date'
        ) }} as is_kpi_line
    from joined
)

select * from measured
