-- One row per business date and store with sales: the daily sales and labor KPIs.
with lines as (
    select * from {{ ref('int_sales_lines') }}
    where is_kpi_line = 1
),

sales as (
    select
        business_date,
        store_id,
        count(distinct case when is_sale_line = 1 then transaction_number end) as transactions,
        sum(units_sold) as units_sold,
        sum(units_returned) as units_returned,
        sum(gross_sales) as gross_sales,
        sum(discounts) as discounts,
        sum(returns) as returns,
        sum(net_sales) as net_sales,
        sum(sales_tax) as tax,
        sum(cost_of_goods) as cost_of_goods
    from lines
    group by business_date, store_id
),

labor as (
    select
        business_date,
        store_id,
        count(distinct cashier_id) as staff_clocked_in,
        {{ seconds_to_hours('sum(coalesce(worked_seconds, 0))') }} as labor_hours,
        {{ seconds_to_hours('sum(coalesce(worked_seconds * hourly_rate, 0))') }} as labor_cost
    from {{ ref('int_labor_shifts') }}
    where is_invalid_shift = 0
    group by business_date, store_id
),

joined as (
    select
        sales.business_date,
        sales.store_id,
        sales.transactions,
        sales.units_sold,
        sales.units_returned,
        sales.gross_sales,
        sales.discounts,
        sales.returns,
        sales.net_sales,
        sales.tax,
        sales.cost_of_goods,
        coalesce(labor.staff_clocked_in, 0) as staff_clocked_in,
        coalesce(labor.labor_hours, 0) as labor_hours,
        coalesce(labor.labor_cost, 0) as labor_cost
    from sales
    left join labor
        on
            sales.business_date = labor.business_date
            and sales.store_id = labor.store_id
),

final as (
    select
        *,
        net_sales + tax as total_collected,
        net_sales - cost_of_goods as gross_margin,
        {{ safe_divide('net_sales - cost_of_goods', 'net_sales') }} as gross_margin_pct,
        {{ safe_divide('net_sales', 'transactions') }} as avg_transaction_value,
        {{ safe_divide('units_sold', 'transactions') }} as units_per_transaction,
        {{ safe_divide('net_sales', 'labor_hours') }} as sales_per_labor_hour,
        {{ safe_divide('labor_cost', 'net_sales') }} as labor_pct
    from joined
)

select * from final
