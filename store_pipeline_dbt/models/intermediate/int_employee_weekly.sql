-- One row per ISO week (Monday to Sunday) and employee (cashier) who clocked in or handled a
-- transaction that week: the week's hours, overtime beyond var overtime_weekly_hours (40),
-- labor cost and sales handled. Hours and cost are summed from whole seconds, so a week is
-- exactly the sum of its days. The home store is the one of the employee's last day.
with employee_days as (
    select
        *,
        {{ week_start('business_date') }} as week_start_date
    from {{ ref('int_employee_daily') }}
),

weeks as (
    select
        week_start_date,
        cashier_id,
        max(business_date) as last_business_date,
        max(is_unknown_cashier) as is_unknown_cashier,
        sum(case when shifts > 0 then 1 else 0 end) as days_worked,
        sum(shifts) as shifts,
        {{ seconds_to_hours('sum(worked_seconds)') }} as hours_worked,
        {{ seconds_to_hours('sum(labor_cost_seconds)') }} as labor_cost,
        sum(transactions_handled) as transactions_handled,
        sum(net_sales_handled) as net_sales_handled
    from employee_days
    group by week_start_date, cashier_id
),

final as (
    select
        weeks.week_start_date,
        {{ add_days('weeks.week_start_date', 6) }} as week_end_date,
        {{ iso_year('weeks.week_start_date') }} as iso_year,
        {{ iso_week('weeks.week_start_date') }} as iso_week,
        weeks.cashier_id,
        last_day.store_id,
        weeks.last_business_date,
        weeks.is_unknown_cashier,
        weeks.days_worked,
        weeks.shifts,
        weeks.hours_worked,
        {{ hours_up_to('weeks.hours_worked', var('overtime_weekly_hours')) }} as regular_hours,
        {{ hours_beyond('weeks.hours_worked', var('overtime_weekly_hours')) }} as overtime_hours,
        weeks.labor_cost,
        weeks.transactions_handled,
        weeks.net_sales_handled,
        {{ safe_divide('weeks.net_sales_handled', 'weeks.hours_worked') }} as sales_per_labor_hour
    from weeks
    inner join employee_days as last_day
        on
            weeks.cashier_id = last_day.cashier_id
            and weeks.last_business_date = last_day.business_date
)

select * from final
