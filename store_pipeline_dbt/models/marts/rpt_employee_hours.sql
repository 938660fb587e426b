{{ config(materialized='incremental') }}

-- employee_hours.csv: one row per business date and employee who clocked in or handled a
-- transaction, under the employee's home store.
with employee_days as (
    select * from {{ ref('int_employee_daily') }}
    where is_unknown_cashier = 0 and {{ in_run_window('business_date') }}
),

cashiers as (
    select * from {{ ref('stg_pos__cashier') }}
),

stores as (
    select * from {{ ref('stg_pos__store') }}
),

final as (
    select
        employee_days.business_date,
        stores.store_code,
        cashiers.employee_number,
        cashiers.employee_name,
        cashiers.position,
        employee_days.shifts,
        {{ hours('employee_days.hours_worked') }} as hours_worked,
        {{ hours('employee_days.regular_hours') }} as regular_hours,
        {{ hours('employee_days.overtime_hours') }} as overtime_hours,
        {{ money('employee_days.labor_cost') }} as labor_cost,
        employee_days.transactions_handled,
        {{ money('employee_days.net_sales_handled') }} as net_sales_handled,
        {{ money('employee_days.sales_per_labor_hour') }} as sales_per_labor_hour
    from employee_days
    inner join cashiers
        on
            employee_days.cashier_id = cashiers.cashier_id
            and employee_days.business_date = cashiers.business_date
    inner join stores
        on
            cashiers.store_id = stores.store_id
            and cashiers.business_date = stores.business_date
)

select * from final
