{{ config(materialized='incremental') }}

-- Sales per labour hour by hour beside staff on the clock, one row per business date, store
-- and hour with sales or staff. An hour's labour is the time closed, valid shifts spent in it,
-- less breaks spread evenly over the shift; a shift past midnight counts on the next date's
-- early hours. Hours from the store's first to its last hour with sales are judged against
-- the store-day's sales per labour hour (vars staffing_under_ratio, staffing_over_ratio).
with store_hours as (
    select * from {{ ref('int_store_hourly') }}
    where {{ in_run_window('business_date') }}
),

shifts as (
    select
        business_date,
        store_id,
        clocked_in_at,
        clocked_out_at,
        {{ seconds_between('clocked_in_at', 'clocked_out_at') }} as shift_seconds,
        worked_seconds
    from {{ ref('int_labor_shifts') }}
    where is_kpi_shift = 1 and {{ in_run_window('business_date', 1) }}
),

shift_hours as (
    select
        shifts.store_id,
        shifts.shift_seconds,
        shifts.worked_seconds,
        {{ add_days('shifts.business_date', 'day_offsets.day_offset') }} as business_date,
        hours.hour_of_day,
        {{ larger_of('shifts.clocked_in_at', shift_hour_start('shifts')) }} as overlap_start,
        {{ smaller_of('shifts.clocked_out_at', shift_hour_start('shifts', 1)) }} as overlap_end
    {{ from_shift_hours('shifts') }}
),

-- Whole seconds per shift and hour, so that the sums below are exact.
labor_seconds as (
    select
        business_date,
        store_id,
        hour_of_day,
        cast(round({{ safe_divide(
            seconds_between('overlap_start', 'overlap_end') ~ ' * worked_seconds',
            'shift_seconds'
        ) }}, 0) as {{ dbt.type_bigint() }}) as worked_seconds
    from shift_hours
),

labor as (
    select
        business_date,
        store_id,
        hour_of_day,
        sum(worked_seconds) as worked_seconds
    from labor_seconds
    group by business_date, store_id, hour_of_day
),

hourly as (
    select
        store_hours.business_date,
        store_hours.store_id,
        store_hours.hour_of_day,
        store_hours.transactions,
        store_hours.net_sales,
        store_hours.staff_on_clock,
        coalesce(labor.worked_seconds, 0) as worked_seconds
    from store_hours
    left join labor
        on
            store_hours.business_date = labor.business_date
            and store_hours.store_id = labor.store_id
            and store_hours.hour_of_day = labor.hour_of_day
),

store_days as (
    select
        *,
        sum(net_sales) over (partition by business_date, store_id) as day_net_sales,
        sum(worked_seconds) over (partition by business_date, store_id) as day_worked_seconds,
        min(case when transactions > 0 then hour_of_day end)
            over (partition by business_date, store_id) as first_sales_hour,
        max(case when transactions > 0 then hour_of_day end)
            over (partition by business_date, store_id) as last_sales_hour
    from hourly
),

rated as (
    select
        *,
        {{ safe_divide('net_sales * 3600', 'worked_seconds') }} as splh,
        {{ safe_divide('day_net_sales * 3600', 'day_worked_seconds') }} as day_splh,
        {{ flag('hour_of_day between first_sales_hour and last_sales_hour') }} as is_judged
    from store_days
),

stores as (
    select * from {{ ref('stg_pos__store') }}
),

final as (
    select
        rated.business_date,
        stores.store_code,
        rated.hour_of_day as hour,
        rated.transactions,
        {{ money('rated.net_sales') }} as net_sales,
        rated.staff_on_clock,
        {{ hours(seconds_to_hours('rated.worked_seconds')) }} as labor_hours,
        {{ money('rated.splh') }} as sales_per_labor_hour,
        {{ money('rated.day_splh') }} as day_sales_per_labor_hour,
        rated.is_judged,
        {{ flag(
            "rated.is_judged = 1 and ((rated.worked_seconds = 0 and rated.net_sales > 0)"
            ~ " or rated.splh > " ~ var('staffing_under_ratio') ~ " * rated.day_splh)"
        ) }} as is_under_staffed,
        {{ flag(
            "rated.is_judged = 1 and rated.worked_seconds > 0"
            ~ " and rated.splh < " ~ var('staffing_over_ratio') ~ " * rated.day_splh"
        ) }} as is_over_staffed
    from rated
    inner join stores
        on
            rated.store_id = stores.store_id
            and rated.business_date = stores.business_date
)

select * from final
