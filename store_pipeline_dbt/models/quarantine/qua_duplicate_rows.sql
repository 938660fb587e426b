-- sqlfluff:exclude_rules:capitalisation.identifiers
-- Extra copies of transactional rows: every row after the first with the same key on the
-- same business date, read from raw_pos because staging keeps one copy.
with transaction_copies as (
    select
        business_date,
        StoreID as store_id,
        cast('Transaction' as {{ dbt.type_string() }}) as pos_table,
        TransactionNumber as record_id,
        row_number() over (
            partition by StoreID, TransactionNumber, business_date
            order by Time, Total
        ) as copy_number
    from {{ source('raw_pos', 'transaction') }}
    where {{ in_run_window('business_date') }}
),

line_copies as (
    select
        business_date,
        StoreID as store_id,
        cast('TransactionEntry' as {{ dbt.type_string() }}) as pos_table,
        ID as record_id,
        row_number() over (
            partition by StoreID, ID, business_date
            order by TransactionNumber, ItemID, Quantity, Price
        ) as copy_number
    from {{ source('raw_pos', 'transaction_entry') }}
    where {{ in_run_window('business_date') }}
),

tender_copies as (
    select
        business_date,
        StoreID as store_id,
        cast('TenderEntry' as {{ dbt.type_string() }}) as pos_table,
        ID as record_id,
        row_number() over (
            partition by StoreID, ID, business_date
            order by TransactionNumber, TenderID, Amount
        ) as copy_number
    from {{ source('raw_pos', 'tender_entry') }}
    where {{ in_run_window('business_date') }}
),

shift_copies as (
    select
        business_date,
        StoreID as store_id,
        cast('TimeClock' as {{ dbt.type_string() }}) as pos_table,
        ID as record_id,
        row_number() over (
            partition by StoreID, ID, business_date
            order by CashierID, TimeIn, TimeOut
        ) as copy_number
    from {{ source('raw_pos', 'time_clock') }}
    where {{ in_run_window('business_date') }}
),

copies as (
    select * from transaction_copies
    union all
    select * from line_copies
    union all
    select * from tender_copies
    union all
    select * from shift_copies
),

final as (
    select
        business_date,
        store_id,
        pos_table,
        record_id,
        copy_number,
        cast('another row with this key was landed first' as {{ dbt.type_string() }}) as reason
    from copies
    where copy_number > 1
)

select * from final
