-- One row per business date, store and hour of the day (0-23) with sales or staff on the
-- clock: transactions, net sales and units by the hour of the transaction, and the number of
-- distinct cashiers whose shift overlaps the hour. A shift still open at backup time counts
-- until the end of its business date; a shift past midnight counts on the next date too.
with sales as (
    select
        business_date,
        store_id,
        transaction_hour as hour_of_day,
        count(distinct case when is_sale_line = 1 then transaction_number end) as transactions,
        sum(net_sales) as net_sales,
        sum(units_sold) as units_sold
    from {{ ref('int_sales_lines') }}
    where is_kpi_line = 1
    group by business_date, store_id, transaction_hour
),

shifts as (
    select
        business_date,
        store_id,
        cashier_id,
        clocked_in_at,
        coalesce(clocked_out_at, {{ add_hours('business_date', 24) }}) as clocked_out_at
    from {{ ref('int_labor_shifts') }}
    where is_invalid_shift = 0
),

shift_hours as (
    select
        shifts.store_id,
        shifts.cashier_id,
        {{ add_days('shifts.business_date', 'day_offsets.day_offset') }} as business_date,
        hours.hour_of_day
    {{ from_shift_hours('shifts') }}
),

staffing as (
    select
        business_date,
        store_id,
        hour_of_day,
        count(distinct cashier_id) as staff_on_clock
    from shift_hours
    group by business_date, store_id, hour_of_day
),

store_hours as (
    select
        business_date,
        store_id,
        hour_of_day
    from sales
    union
    select
        business_date,
        store_id,
        hour_of_day
    from staffing
),

final as (
    select
        store_hours.business_date,
        store_hours.store_id,
        store_hours.hour_of_day,
        coalesce(sales.transactions, 0) as transactions,
        coalesce(sales.net_sales, 0) as net_sales,
        coalesce(sales.units_sold, 0) as units_sold,
        coalesce(staffing.staff_on_clock, 0) as staff_on_clock
    from store_hours
    left join sales
        on
            store_hours.business_date = sales.business_date
            and store_hours.store_id = sales.store_id
            and store_hours.hour_of_day = sales.hour_of_day
    left join staffing
        on
            store_hours.business_date = staffing.business_date
            and store_hours.store_id = staffing.store_id
            and store_hours.hour_of_day = staffing.hour_of_day
)

select * from final
