-- One row per business date and employee (cashier) who clocked in or handled a transaction.
-- Overtime is the day's hours beyond the var overtime_daily_hours (8).
with shifts as (
    select
        business_date,
        cashier_id,
        count(*) as shifts,
        sum(coalesce(worked_seconds, 0)) as worked_seconds,
        sum(coalesce(worked_seconds * hourly_rate, 0)) as labor_cost_seconds,
        {{ seconds_to_hours('sum(coalesce(worked_seconds, 0))') }} as hours_worked,
        {{ seconds_to_hours('sum(coalesce(worked_seconds * hourly_rate, 0))') }} as labor_cost
    from {{ ref('int_labor_shifts') }}
    where is_invalid_shift = 0
    group by business_date, cashier_id
),

sales as (
    select
        business_date,
        cashier_id,
        sum(is_sales_transaction) as transactions_handled,
        sum(net_sales) as net_sales_handled
    from {{ ref('int_transactions') }}
    where
        is_voided = 0 and cashier_id is not null
        and cast(transaction_at as date) <= business_date
    group by business_date, cashier_id
),

employee_days as (
    select
        business_date,
        cashier_id
    from shifts
    union
    select
        business_date,
        cashier_id
    from sales
),

cashiers as (
    select * from {{ ref('stg_pos__cashier') }}
),

joined as (
    select
        employee_days.business_date,
        employee_days.cashier_id,
        cashiers.store_id,
        {{ flag('cashiers.cashier_id is null') }} as is_unknown_cashier,
        coalesce(shifts.shifts, 0) as shifts,
        coalesce(shifts.worked_seconds, 0) as worked_seconds,
        coalesce(shifts.labor_cost_seconds, 0) as labor_cost_seconds,
        coalesce(shifts.hours_worked, 0) as hours_worked,
        coalesce(shifts.labor_cost, 0) as labor_cost,
        coalesce(sales.transactions_handled, 0) as transactions_handled,
        coalesce(sales.net_sales_handled, 0) as net_sales_handled
    from employee_days
    left join shifts
        on
            employee_days.business_date = shifts.business_date
            and employee_days.cashier_id = shifts.cashier_id
    left join sales
        on
            employee_days.business_date = sales.business_date
            and employee_days.cashier_id = sales.cashier_id
    left join cashiers
        on
            employee_days.cashier_id = cashiers.cashier_id
            and employee_days.business_date = cashiers.business_date
),

final as (
    select
        business_date,
        cashier_id,
        store_id,
        is_unknown_cashier,
        shifts,
        worked_seconds,
        labor_cost_seconds,
        hours_worked,
        {{ hours_up_to('hours_worked', var('overtime_daily_hours')) }} as regular_hours,
        {{ hours_beyond('hours_worked', var('overtime_daily_hours')) }} as overtime_hours,
        labor_cost,
        transactions_handled,
        net_sales_handled,
        {{ safe_divide('net_sales_handled', 'hours_worked') }} as sales_per_labor_hour
    from joined
)

select * from final
