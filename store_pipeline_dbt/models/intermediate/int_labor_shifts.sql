-- One row per time clock entry (shift), dated by its clock-in, with worked hours and cost.
-- Hours count only for closed, valid shifts: a clock-out before the clock-in is flagged and
-- kept out of the KPIs; a shift still open at backup time has no hours yet.
with shifts as (
    select * from {{ ref('stg_pos__time_clock') }}
),

cashiers as (
    select * from {{ ref('stg_pos__cashier') }}
),

joined as (
    select
        shifts.business_date,
        shifts.store_id,
        shifts.time_clock_id,
        shifts.cashier_id,
        cashiers.store_id as home_store_id,
        shifts.clocked_in_at,
        shifts.clocked_out_at,
        shifts.break_minutes,
        coalesce(cashiers.hourly_rate, 0) as hourly_rate,
        {{ flag('cashiers.cashier_id is null') }} as is_unknown_cashier,
        {{ flag('shifts.clocked_out_at is null') }} as is_open_shift,
        {{ flag(
            'shifts.clocked_in_at is null or shifts.clocked_out_at < shifts.clocked_in_at'
        ) }} as is_invalid_shift
    from shifts
    left join cashiers
        on
            shifts.cashier_id = cashiers.cashier_id
            and shifts.business_date = cashiers.business_date
),

timed as (
    select
        *,
        case
            when is_open_shift = 0 and is_invalid_shift = 0
                then {{ seconds_between('clocked_in_at', 'clocked_out_at') }}
        end as shift_seconds
    from joined
),

worked as (
    select
        *,
        case
            when shift_seconds > 60 * break_minutes then shift_seconds - 60 * break_minutes
            when shift_seconds is not null then 0
        end as worked_seconds
    from timed
),

final as (
    select
        business_date,
        store_id,
        time_clock_id,
        cashier_id,
        home_store_id,
        clocked_in_at,
        clocked_out_at,
        break_minutes,
        worked_seconds,
        {{ seconds_to_hours('shift_seconds') }} as shift_hours,
        {{ seconds_to_hours('worked_seconds') }} as worked_hours,
        hourly_rate,
        {{ seconds_to_hours('worked_seconds * hourly_rate') }} as labor_cost,
        is_open_shift,
        is_invalid_shift,
        is_unknown_cashier,
        {{ flag('is_open_shift = 0 and is_invalid_shift = 0') }} as is_kpi_shift
    from worked
)

select * from final
