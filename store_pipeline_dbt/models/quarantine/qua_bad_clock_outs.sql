-- Time clock entries that clock out before they clock in (or have no clock-in). Labor KPIs
-- leave them out.
with shifts as (
    select * from {{ ref('int_labor_shifts') }}
    where is_invalid_shift = 1 and {{ in_run_window('business_date') }}
),

final as (
    select
        business_date,
        store_id,
        cast('TimeClock' as {{ dbt.type_string() }}) as pos_table,
        time_clock_id as record_id,
        cashier_id,
        clocked_in_at,
        clocked_out_at,
        cast(
            case
                when clocked_in_at is null then 'no clock-in time'
                else 'clock-out before clock-in'
            end as {{ dbt.type_string() }}
        ) as reason
    from shifts
)

select * from final
