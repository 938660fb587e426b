-- Weekly view of employee_hours: one row per ISO week and employee who clocked in or handled
-- a transaction, under the employee's home store on their last day of the week; overtime is
-- the week's hours beyond var overtime_weekly_hours (40). A table rebuilt on every run from
-- the whole history, so a week is complete whichever days a run covers.
with employee_weeks as (
    select * from {{ ref('int_employee_weekly') }}
    where is_unknown_cashier = 0
),

cashiers as (
    select * from {{ ref('stg_pos__cashier') }}
),

stores as (
    select * from {{ ref('stg_pos__store') }}
),

final as (
    select
        employee_weeks.week_start_date,
        employee_weeks.week_end_date,
        employee_weeks.iso_year,
        employee_weeks.iso_week,
        stores.store_code,
        cashiers.employee_number,
        cashiers.employee_name,
        cashiers.position,
        employee_weeks.days_worked,
        employee_weeks.shifts,
        {{ hours('employee_weeks.hours_worked') }} as hours_worked,
        {{ hours('employee_weeks.regular_hours') }} as regular_hours,
        {{ hours('employee_weeks.overtime_hours') }} as overtime_hours,
        {{ money('employee_weeks.labor_cost') }} as labor_cost,
        employee_weeks.transactions_handled,
        {{ money('employee_weeks.net_sales_handled') }} as net_sales_handled,
        {{ money('employee_weeks.sales_per_labor_hour') }} as sales_per_labor_hour
    from employee_weeks
    inner join cashiers
        on
            employee_weeks.cashier_id = cashiers.cashier_id
            and employee_weeks.last_business_date = cashiers.business_date
    inner join stores
        on
            cashiers.store_id = stores.store_id
            and cashiers.business_date = stores.business_date
)

select * from final
