-- One row per business date, store and tender type (tenders of non-voided transactions).
-- amount is net of refunds (so the types sum to the money collected); refund_amount is the
-- negative tenders as a positive amount; a split transaction (more than one tender entry)
-- counts once for every tender type it used.
with tenders as (
    select * from {{ ref('int_tender_entries') }}
    where is_kpi_tender = 1
),

aggregated as (
    select
        business_date,
        store_id,
        tender_type,
        count(*) as tender_count,
        sum(amount) as amount,
        sum(refund_amount) as refund_amount,
        count(
            distinct case when is_split_tender_transaction = 1 then transaction_number end
        ) as split_transactions
    from tenders
    group by business_date, store_id, tender_type
)

select * from aggregated
