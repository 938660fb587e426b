{{ config(materialized='incremental') }}

{#- Trailing windows count days of ItemDynamic rows (one per store, item and landed date). -#}
{%- set trailing_days = var('trailing_days') -%}
{%- set dead_stock_days = var('dead_stock_days') -%}
{%- set trailing_window -%}
    partition by store_id, item_id
    order by business_date
    rows between {{ trailing_days - 1 }} preceding and current row
{%- endset -%}

-- One row per business date, store and item of that day's ItemDynamic: stock, trailing
-- 28-day sales, days of supply, sell-through, turnover, dead stock and ABC class.
-- History is read from the intermediate layer back to the longest lookback (dead stock).
with inventory as (
    select * from {{ ref('int_inventory_snapshots') }}
    where {{ in_run_window('business_date', lookback_days=dead_stock_days - 1) }}
),

trailing_sums as (
    select
        *,
        count(*) over ({{ trailing_window }}) as days_observed_28d,
        sum(units_sold) over ({{ trailing_window }}) as units_sold_28d,
        sum(net_sales) over ({{ trailing_window }}) as net_sales_28d,
        sum(cost_of_goods) over ({{ trailing_window }}) as cost_of_goods_28d,
        avg(on_hand_value) over ({{ trailing_window }}) as avg_on_hand_value_28d,
        max(sale_date) over (
            partition by store_id, item_id
            order by business_date
            rows between {{ dead_stock_days - 1 }} preceding and current row
        ) as recent_sale_date
    from inventory
),

run_days as (
    select
        *,
        {{ larger_of('recent_sale_date', 'pos_last_sold_date') }} as last_sold_date,
        coalesce(sum(case when net_sales_28d > 0 then net_sales_28d else 0 end) over (
            partition by business_date, store_id
            order by net_sales_28d desc, item_id asc
            rows between unbounded preceding and 1 preceding
        ), 0) as store_net_sales_28d_before,
        sum(case when net_sales_28d > 0 then net_sales_28d else 0 end) over (
            partition by business_date, store_id
        ) as store_net_sales_28d
    from trailing_sums
    where {{ in_run_window('business_date') }}
),

measured as (
    select
        *,
        {{ safe_divide('units_sold_28d', 'days_observed_28d') }} as avg_daily_units_28d,
        {{ days_between('last_sold_date', 'business_date') }} as days_since_last_sale,
        case
            when net_sales_28d <= 0 then 'C'
            when store_net_sales_28d_before < 0.80 * store_net_sales_28d then 'A'
            when store_net_sales_28d_before < 0.95 * store_net_sales_28d then 'B'
            else 'C'
        end as abc_class
    from run_days
),

final as (
    select
        business_date,
        store_id,
        item_id as product_id,
        is_active,
        is_unknown_item,
        on_hand_quantity,
        on_hand_units,
        is_negative_stock,
        unit_cost,
        on_hand_value,
        reorder_point,
        is_below_reorder_point,
        is_stockout,
        units_sold,
        days_observed_28d,
        units_sold_28d,
        net_sales_28d,
        cost_of_goods_28d,
        avg_on_hand_value_28d,
        avg_daily_units_28d,
        {{ safe_divide('on_hand_units', 'avg_daily_units_28d') }} as days_of_supply,
        {{ safe_divide('units_sold_28d', 'units_sold_28d + on_hand_units') }}
            as sell_through_pct_28d,
        {{ annualised_turnover('cost_of_goods_28d', 'avg_on_hand_value_28d', 'days_observed_28d') }}
            as inventory_turnover,
        last_sold_date,
        days_since_last_sale,
        {{ flag(
            'on_hand_units > 0 and (last_sold_date is null or days_since_last_sale >= '
            ~ dead_stock_days ~ ')'
        ) }} as is_dead_stock,
        abc_class
    from measured
)

select * from final
