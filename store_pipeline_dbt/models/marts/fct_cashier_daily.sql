{{ config(materialized='incremental') }}

{%- set unmatched_days = var('unmatched_return_days') %}

-- One row per business date, store and cashier who rang a transaction: voids, returns,
-- returns without a sale of the item at the store in the unmatched_return_days (90) days
-- before, and discounts, with the rates the exception flags compare. Transactions rung count
-- voided ones; lines count those of non-voided transactions.
with transactions as (
    select * from {{ ref('int_transactions') }}
    where
        cast(transaction_at as date) <= business_date
        and {{ in_run_window('business_date') }}
),

lines as (
    select * from {{ ref('int_sales_lines') }}
    where is_kpi_line = 1 and {{ in_run_window('business_date') }}
),

item_sale_days as (
    select
        business_date,
        store_id,
        item_id,
        min(transaction_at) as first_sold_at
    from {{ ref('int_sales_lines') }}
    where
        is_kpi_line = 1
        and is_sale_line = 1
        and {{ in_run_window('business_date', lookback_days=unmatched_days) }}
    group by business_date, store_id, item_id
),

rung as (
    select
        business_date,
        store_id,
        cashier_id,
        count(*) as transactions,
        sum(is_voided) as voided_transactions,
        sum(case when is_voided = 1 then total_amount else 0 end) as voided_amount
    from transactions
    group by business_date, store_id, cashier_id
),

return_days as (
    select distinct
        business_date,
        store_id,
        item_id
    from lines
    where is_return_line = 1
),

-- Each day an item was returned at a store, with the item's last sale there on an earlier
-- date: the day's return row sorts before that day's sale, so the rows before it hold only
-- earlier dates (one pass over the item's days rather than a search per return line).
earlier_sales as (
    select
        business_date,
        store_id,
        item_id,
        is_return_day,
        max(case when is_return_day = 0 then business_date end) over (
            partition by store_id, item_id
            order by business_date asc, is_return_day desc
            rows between unbounded preceding and 1 preceding
        ) as last_sale_date_before
    from (
        select
            business_date,
            store_id,
            item_id,
            0 as is_return_day
        from item_sale_days
        union all
        select
            business_date,
            store_id,
            item_id,
            1 as is_return_day
        from return_days
    ) as item_days
),

line_events as (
    select
        lines.business_date,
        lines.store_id,
        lines.cashier_id,
        lines.is_return_line,
        lines.returns,
        lines.gross_sales,
        lines.discounts,
        {{ flag('lines.discounts > 0') }} as is_discounted_line,
        case
            when lines.is_return_line = 0 then 0
            when
                earlier_sales.last_sale_date_before
                >= {{ add_days('lines.business_date', -unmatched_days) }}
                then 0
            when same_day.first_sold_at < lines.transaction_at then 0
            else 1
        end as is_unmatched_return
    from lines
    left join earlier_sales
        on
            lines.store_id = earlier_sales.store_id
            and lines.item_id = earlier_sales.item_id
            and lines.business_date = earlier_sales.business_date
            and earlier_sales.is_return_day = 1
    left join item_sale_days as same_day
        on
            lines.store_id = same_day.store_id
            and lines.item_id = same_day.item_id
            and lines.business_date = same_day.business_date
),

handled as (
    select
        business_date,
        store_id,
        cashier_id,
        sum(is_return_line) as return_lines,
        sum(returns) as returns_amount,
        sum(is_unmatched_return) as unmatched_returns,
        sum(discounts) as discount_amount,
        sum(is_discounted_line) as discounted_lines,
        sum(gross_sales) as gross_sales
    from line_events
    group by business_date, store_id, cashier_id
),

final as (
    select
        rung.business_date,
        rung.store_id,
        rung.cashier_id as employee_id,
        rung.transactions,
        rung.voided_transactions,
        rung.voided_amount,
        coalesce(handled.return_lines, 0) as return_lines,
        coalesce(handled.returns_amount, 0) as returns_amount,
        coalesce(handled.unmatched_returns, 0) as unmatched_returns,
        coalesce(handled.discount_amount, 0) as discount_amount,
        coalesce(handled.discounted_lines, 0) as discounted_lines,
        coalesce(handled.gross_sales, 0) as gross_sales,
        {{ safe_divide('rung.voided_transactions', 'rung.transactions') }} as void_rate,
        {{ safe_divide('handled.returns_amount', 'handled.gross_sales') }} as return_rate,
        {{ safe_divide('handled.discount_amount', 'handled.gross_sales') }} as discount_pct
    from rung
    left join handled
        on
            rung.store_id = handled.store_id
            and rung.cashier_id = handled.cashier_id
            and rung.business_date = handled.business_date
)

select * from final
