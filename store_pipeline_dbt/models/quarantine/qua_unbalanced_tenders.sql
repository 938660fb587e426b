-- Non-voided transactions whose tenders, or lines, do not add up to the amount due (beyond
-- var balance_tolerance). Sales KPIs come from the lines.
{%- set tolerance = var('balance_tolerance') %}

with transactions as (
    select * from {{ ref('int_transactions') }}
    where is_voided = 0 and {{ in_run_window('business_date') }}
),

final as (
    select
        business_date,
        store_id,
        cast('Transaction' as {{ dbt.type_string() }}) as pos_table,
        transaction_number as record_id,
        total_amount,
        tender_amount,
        total_collected as lines_amount,
        cast(
            case
                when abs(tender_amount - total_amount) > {{ tolerance }}
                    then 'tenders do not add up to the total'
                else 'lines do not add up to the total'
            end as {{ dbt.type_string() }}
        ) as reason
    from transactions
    where
        abs(tender_amount - total_amount) > {{ tolerance }}
        or abs(total_collected - total_amount) > {{ tolerance }}
)

select * from final
