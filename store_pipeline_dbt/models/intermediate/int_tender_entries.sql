{{ config(materialized='incremental') }}

-- One row per tender entry (payment or refund), with its tender type and transaction flags.
-- A tender counts in the KPIs (is_kpi_tender = 1) when its transaction exists, is not voided
-- and is not dated after the business date it was landed under.
with tender_entries as (
    select * from {{ ref('stg_pos__tender_entry') }}
    where {{ in_run_window('business_date') }}
),

transactions as (
    select * from {{ ref('stg_pos__transaction') }}
    where {{ in_run_window('business_date') }}
),

tenders as (
    select * from {{ ref('stg_pos__tender') }}
    where {{ in_run_window('business_date') }}
),

joined as (
    select
        tender_entries.business_date,
        tender_entries.store_id,
        tender_entries.tender_entry_id,
        tender_entries.transaction_number,
        tender_entries.tender_id,
        coalesce(tenders.tender_type, 'other') as tender_type,
        coalesce(tender_entries.amount, 0) as amount,
        coalesce(transactions.is_voided, 0) as is_voided,
        {{ flag('transactions.transaction_number is null') }} as is_orphan_tender,
        {{ flag('tenders.tender_id is null') }} as is_unknown_tender,
        {{ flag('cast(transactions.transaction_at as date) > tender_entries.business_date') }}
            as is_future_dated,
        count(*) over (
            partition by
                tender_entries.store_id,
                tender_entries.transaction_number,
                tender_entries.business_date
        ) as transaction_tender_entries
    from tender_entries
    left join transactions
        on
            tender_entries.store_id = transactions.store_id
            and tender_entries.transaction_number = transactions.transaction_number
            and tender_entries.business_date = transactions.business_date
    left join tenders
        on
            tender_entries.tender_id = tenders.tender_id
            and tender_entries.business_date = tenders.business_date
),

flagged as (
    select
        business_date,
        store_id,
        tender_entry_id,
        transaction_number,
        tender_id,
        tender_type,
        amount,
        case when amount < 0 then -amount else 0 end as refund_amount,
        {{ flag('amount < 0') }} as is_refund,
        {{ flag('transaction_tender_entries > 1') }} as is_split_tender_transaction,
        is_voided,
        is_orphan_tender,
        is_unknown_tender,
        {{ flag(
            'is_orphan_tender = 0 and is_voided = 0 and is_future_dated = 0'
        ) }} as is_kpi_tender
    from joined
)

select * from flagged
