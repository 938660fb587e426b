{{ config(materialized='incremental') }}

-- cash_over_short.csv: one row per business date and register batch (dated by OpeningTime).
with batches as (
    select * from {{ ref('fct_register_batches') }}
    where {{ in_run_window('business_date') }}
),

registers as (
    select * from {{ ref('stg_pos__register') }}
    where {{ in_run_window('business_date') }}
),

stores as (
    select * from {{ ref('stg_pos__store') }}
    where {{ in_run_window('business_date') }}
),

final as (
    select
        batches.business_date,
        stores.store_code,
        registers.register_number,
        batches.batch_number,
        batches.opened_at as opening_time,
        batches.closed_at as closing_time,
        {{ money('batches.opening_total') }} as opening_total,
        {{ money('batches.cash_sales') }} as cash_sales,
        {{ money('batches.cash_refunds') }} as cash_refunds,
        {{ money('batches.paid_out') }} as paid_out,
        {{ money('batches.dropped') }} as dropped,
        {{ money('batches.expected_cash') }} as expected_cash,
        {{ money('batches.closing_total') }} as closing_total,
        {{ money('batches.over_short') }} as over_short,
        batches.no_sales_count,
        batches.is_flagged as flagged
    from batches
    inner join stores
        on
            batches.store_id = stores.store_id
            and batches.business_date = stores.business_date
    left join registers
        on
            batches.register_id = registers.register_id
            and batches.business_date = registers.business_date
)

select * from final
