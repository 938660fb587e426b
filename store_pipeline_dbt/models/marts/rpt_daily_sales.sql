{{ config(materialized='incremental') }}

-- daily_sales_summary.csv: one row per business date and store with sales.
-- Net sales a week earlier (D - 7) and on the same weekday a year earlier (D - 364) come from
-- the intermediate history, not only from the run window: the days those comparisons read,
-- and no others (a day's run computes three days of KPIs, not a year of them).
with kpis as (
    select * from {{ ref('int_store_daily_kpis') }}
    where {{ in_run_window('business_date') }}
),

history as (
    select
        business_date,
        store_id,
        net_sales
    from {{ ref('int_store_daily_kpis') }}
    where
        {{ in_shifted_run_window('business_date', 7) }}
        or {{ in_shifted_run_window('business_date', 364) }}
),

stores as (
    select * from {{ ref('stg_pos__store') }}
),

final as (
    select
        kpis.business_date,
        stores.store_code,
        stores.store_name,
        stores.region,
        kpis.transactions,
        {{ units('kpis.units_sold') }} as units_sold,
        {{ money('kpis.gross_sales') }} as gross_sales,
        {{ money('kpis.discounts') }} as discounts,
        {{ money('kpis.returns') }} as returns,
        {{ money('kpis.net_sales') }} as net_sales,
        {{ money('kpis.tax') }} as tax,
        {{ money('kpis.total_collected') }} as total_collected,
        {{ money('kpis.cost_of_goods') }} as cost_of_goods,
        {{ money('kpis.gross_margin') }} as gross_margin,
        {{ ratio('kpis.gross_margin_pct') }} as gross_margin_pct,
        {{ money('kpis.avg_transaction_value') }} as avg_transaction_value,
        {{ ratio('kpis.units_per_transaction') }} as units_per_transaction,
        {{ hours('kpis.labor_hours') }} as labor_hours,
        {{ money('kpis.sales_per_labor_hour') }} as sales_per_labor_hour,
        {{ money('last_week.net_sales') }} as net_sales_last_week,
        {{ money('last_year.net_sales') }} as net_sales_same_day_last_year
    from kpis
    inner join stores
        on
            kpis.store_id = stores.store_id
            and kpis.business_date = stores.business_date
    left join history as last_week
        on
            kpis.store_id = last_week.store_id
            and last_week.business_date = {{ add_days('kpis.business_date', -7) }}
    left join history as last_year
        on
            kpis.store_id = last_year.store_id
            and last_year.business_date = {{ add_days('kpis.business_date', -364) }}
)

select * from final
