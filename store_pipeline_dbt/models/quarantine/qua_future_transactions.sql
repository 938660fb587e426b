-- Transactions dated after the business date of the backup they were landed from: a wrong
-- register clock.
with transactions as (
    select * from {{ ref('stg_pos__transaction') }}
    where
        cast(transaction_at as date) > business_date
        and {{ in_run_window('business_date') }}
),

final as (
    select
        business_date,
        store_id,
        cast('Transaction' as {{ dbt.type_string() }}) as pos_table,
        transaction_number as record_id,
        transaction_at,
        cast('dated after the business date' as {{ dbt.type_string() }}) as reason
    from transactions
)

select * from final
