{{ config(materialized='incremental') }}

-- Comparable stores: one row per business date and store in that day's Store table, with
-- the comp flag (open, and opened at least 12 months before the date) and, from
-- rpt_daily_sales, the day's net sales and those of the same weekday a year earlier. Sum
-- both over the comp stores (is_comp_store = 1) for the chain's comp sales growth.
with store_days as (
    select * from {{ ref('int_store_days') }}
    where {{ in_run_window('business_date') }}
),

stores as (
    select * from {{ ref('stg_pos__store') }}
),

daily_sales as (
    select * from {{ ref('rpt_daily_sales') }}
    where {{ in_run_window('business_date') }}
),

final as (
    select
        store_days.business_date,
        stores.store_code,
        stores.store_name,
        stores.region,
        store_days.open_date,
        store_days.days_since_open,
        store_days.is_open,
        store_days.is_comp_store,
        daily_sales.net_sales,
        daily_sales.net_sales_same_day_last_year,
        case
            when store_days.is_comp_store = 1
                then {{ ratio(safe_divide(
                    'daily_sales.net_sales - daily_sales.net_sales_same_day_last_year',
                    'daily_sales.net_sales_same_day_last_year'
                )) }}
        end as comp_sales_growth_pct
    from store_days
    inner join stores
        on
            store_days.store_id = stores.store_id
            and store_days.business_date = stores.business_date
    left join daily_sales
        on
            stores.store_code = daily_sales.store_code
            and store_days.business_date = daily_sales.business_date
)

select * from final
