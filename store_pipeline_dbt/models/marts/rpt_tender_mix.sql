{{ config(materialized='incremental') }}

-- Tender mix: one row per business date, store and tender type used that day.
with tender_days as (
    select * from {{ ref('int_tender_daily') }}
    where {{ in_run_window('business_date') }}
),

stores as (
    select * from {{ ref('stg_pos__store') }}
),

final as (
    select
        tender_days.business_date,
        stores.store_code,
        tender_days.tender_type,
        tender_days.tender_count,
        {{ money('tender_days.amount') }} as amount,
        {{ money('tender_days.refund_amount') }} as refund_amount,
        tender_days.split_transactions
    from tender_days
    inner join stores
        on
            tender_days.store_id = stores.store_id
            and tender_days.business_date = stores.business_date
)

select * from final
