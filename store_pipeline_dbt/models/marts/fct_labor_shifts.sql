{{ config(materialized='incremental') }}

-- One row per time clock entry (shift), dated by its clock-in; invalid and open shifts are
-- kept and flagged.
with shifts as (
    select * from {{ ref('int_labor_shifts') }}
    where {{ in_run_window('business_date') }}
),

final as (
    select
        business_date,
        store_id,
        time_clock_id,
        cashier_id as employee_id,
        home_store_id,
        clocked_in_at,
        clocked_out_at,
        break_minutes,
        shift_hours,
        worked_hours,
        hourly_rate,
        labor_cost,
        is_open_shift,
        is_invalid_shift,
        is_unknown_cashier,
        is_kpi_shift
    from shifts
)

select * from final
