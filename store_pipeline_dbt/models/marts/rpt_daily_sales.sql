{{ config(materialized='incremental') }}

-- daily_sales_summary.csv: one row per business date and store open that day (per the day's
-- Store table); a store without sales (a holiday, a renovation) has zero counts and NULL ratios.
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
    where {{ in_run_window('business_date') }}
),

open_stores as (
    select
        store_days.business_date,
        store_days.store_id
    from {{ ref('int_store_days') }} as store_days
    where store_days.is_open = 1 and {{ in_run_window('store_days.business_date') }}
    union
    select
        business_date,
        store_id
    from kpis
),

final as (
    select
        open_stores.business_date,
        stores.store_code,
        stores.store_name,
        stores.region,
        coalesce(kpis.transactions, 0) as transactions,
        {{ units('coalesce(kpis.units_sold, 0)') }} as units_sold,
        {{ money('coalesce(kpis.gross_sales, 0)') }} as gross_sales,
        {{ money('coalesce(kpis.discounts, 0)') }} as discounts,
        {{ money('coalesce(kpis.returns, 0)') }} as returns,
        {{ money('coalesce(kpis.net_sales, 0)') }} as net_sales,
        {{ money('coalesce(kpis.tax, 0)') }} as tax,
        {{ money('coalesce(kpis.total_collected, 0)') }} as total_collected,
        {{ money('coalesce(kpis.cost_of_goods, 0)') }} as cost_of_goods,
        {{ money('coalesce(kpis.gross_margin, 0)') }} as gross_margin,
        {{ ratio('kpis.gross_margin_pct') }} as gross_margin_pct,
        {{ money('kpis.avg_transaction_value') }} as avg_transaction_value,
        {{ ratio('kpis.units_per_transaction') }} as units_per_transaction,
        {{ hours('coalesce(kpis.labor_hours, 0)') }} as labor_hours,
        {{ money('kpis.sales_per_labor_hour') }} as sales_per_labor_hour,
        {{ money('last_week.net_sales') }} as net_sales_last_week,
        {{ money('last_year.net_sales') }} as net_sales_same_day_last_year
    from open_stores
    inner join stores
        on
            open_stores.store_id = stores.store_id
            and open_stores.business_date = stores.business_date
    left join kpis
        on
            open_stores.store_id = kpis.store_id
            and open_stores.business_date = kpis.business_date
    left join history as last_week
        on
            open_stores.store_id = last_week.store_id
            and last_week.business_date = {{ add_days('open_stores.business_date', -7) }}
    left join history as last_year
        on
            open_stores.store_id = last_year.store_id
            and last_year.business_date = {{ add_days('open_stores.business_date', -364) }}
)

select * from final
