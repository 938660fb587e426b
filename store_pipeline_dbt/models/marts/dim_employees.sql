-- One row per employee (POS cashier): the latest state at or before the end of the run window.
with employees as (
    select * from {{ latest_state(ref('stg_pos__cashier'), ['cashier_id']) }} as latest_cashiers
),

stores as (
    select * from {{ latest_state(ref('stg_pos__store'), ['store_id']) }} as latest_stores
),

final as (
    select
        employees.cashier_id as employee_id,
        employees.employee_number,
        employees.employee_name,
        employees.position,
        employees.store_id,
        stores.store_code,
        employees.hourly_rate,
        employees.hire_date,
        employees.termination_date,
        employees.business_date as state_date,
        1 - employees.is_inactive as is_active
    from employees
    left join stores
        on employees.store_id = stores.store_id
)

select * from final
