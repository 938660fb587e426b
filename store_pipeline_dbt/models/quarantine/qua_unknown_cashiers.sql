-- Transactions and time clock entries whose cashier is not in that day's Cashier table.
-- Their sales still count in the store KPIs; employee reports leave them out.
with transactions as (
    select * from {{ ref('stg_pos__transaction') }}
    where cashier_id is not null and {{ in_run_window('business_date') }}
),

cashiers as (
    select * from {{ ref('stg_pos__cashier') }}
),

unknown_sales as (
    select
        transactions.business_date,
        transactions.store_id,
        cast('Transaction' as {{ dbt.type_string() }}) as pos_table,
        transactions.transaction_number as record_id,
        transactions.cashier_id
    from transactions
    left join cashiers
        on
            transactions.cashier_id = cashiers.cashier_id
            and transactions.business_date = cashiers.business_date
    where cashiers.cashier_id is null
),

unknown_shifts as (
    select
        business_date,
        store_id,
        cast('TimeClock' as {{ dbt.type_string() }}) as pos_table,
        time_clock_id as record_id,
        cashier_id
    from {{ ref('int_labor_shifts') }}
    where is_unknown_cashier = 1 and {{ in_run_window('business_date') }}
),

unknown as (
    select * from unknown_sales
    union all
    select * from unknown_shifts
),

final as (
    select
        business_date,
        store_id,
        pos_table,
        record_id,
        cashier_id,
        cast('cashier not in the Cashier table of the day' as {{ dbt.type_string() }}) as reason
    from unknown
)

select * from final
