{{ config(materialized='incremental') }}

-- One row per register batch (till session), dated by OpeningTime: the drawer's float, the
-- cash its transactions took in and refunded, paid-outs and drops, the cash it should hold
-- and what was counted at close. A batch's cash is the cash tenders of its non-voided
-- transactions of its own business date. An open batch (no count yet) has no over/short.
with batches as (
    select * from {{ ref('stg_pos__batch') }}
    where {{ in_run_window('business_date') }}
),

transactions as (
    select * from {{ ref('int_transactions') }}
    where {{ in_run_window('business_date') }}
),

cash_tenders as (
    select * from {{ ref('int_tender_entries') }}
    where tender_type = 'cash' and is_kpi_tender = 1 and {{ in_run_window('business_date') }}
),

batch_cash as (
    select
        transactions.business_date,
        transactions.store_id,
        transactions.batch_number,
        sum(case when cash_tenders.amount > 0 then cash_tenders.amount else 0 end)
            as cash_sales,
        sum(cash_tenders.refund_amount) as cash_refunds
    from cash_tenders
    inner join transactions
        on
            cash_tenders.store_id = transactions.store_id
            and cash_tenders.transaction_number = transactions.transaction_number
            and cash_tenders.business_date = transactions.business_date
    group by transactions.business_date, transactions.store_id, transactions.batch_number
),

joined as (
    select
        batches.business_date,
        batches.store_id,
        batches.register_id,
        batches.batch_number,
        batches.opened_at,
        batches.closed_at,
        coalesce(batches.opening_total, 0) as opening_total,
        coalesce(batch_cash.cash_sales, 0) as cash_sales,
        coalesce(batch_cash.cash_refunds, 0) as cash_refunds,
        coalesce(batches.paid_out, 0) as paid_out,
        coalesce(batches.dropped, 0) as dropped,
        batches.closing_total,
        coalesce(batches.no_sales_count, 0) as no_sales_count
    from batches
    left join batch_cash
        on
            batches.store_id = batch_cash.store_id
            and batches.batch_number = batch_cash.batch_number
            and batches.business_date = batch_cash.business_date
),

expected as (
    select
        *,
        opening_total + cash_sales - cash_refunds - paid_out - dropped as expected_cash
    from joined
),

final as (
    select
        *,
        closing_total - expected_cash as over_short,
        {{ flag('closing_total is null') }} as is_open,
        {{ flag(
            'closing_total is not null and (closing_total - expected_cash > '
            ~ var('cash_over_short_tolerance') ~ ' or expected_cash - closing_total > '
            ~ var('cash_over_short_tolerance') ~ ')'
        ) }} as is_flagged
    from expected
)

select * from final
