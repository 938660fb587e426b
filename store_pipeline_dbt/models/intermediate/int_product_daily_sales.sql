-- One row per business date, store and item sold or returned (KPI lines only).
with lines as (
    select * from {{ ref('int_sales_lines') }}
    where is_kpi_line = 1
),

aggregated as (
    select
        business_date,
        store_id,
        item_id,
        max(is_unknown_item) as is_unknown_item,
        sum(units_sold) as units_sold,
        sum(units_returned) as units_returned,
        sum(gross_sales) as gross_sales,
        sum(discounts) as discounts,
        sum(returns) as returns,
        sum(net_sales) as net_sales,
        sum(cost_of_goods) as cost_of_goods,
        sum(gross_margin) as gross_margin
    from lines
    group by business_date, store_id, item_id
),

final as (
    select
        *,
        {{ safe_divide('gross_margin', 'net_sales') }} as gross_margin_pct
    from aggregated
)

select * from final
