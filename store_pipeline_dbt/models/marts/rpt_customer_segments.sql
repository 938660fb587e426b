{{ config(materialized='table') }}

-- Monthly RFM segments of loyalty customers: one row per month with purchases and loyalty
-- customer who had bought by the month's last business date (its as-of date). Recency is the
-- days from the last purchase to the as-of date, frequency the purchases of the 90 days up to
-- it. Rules, first match wins: new (first purchase in the month), champions (recency <= 30 and
-- 4 purchases or more), loyal (recency <= 60 and 2 or more), at risk (recency <= 180), lapsed.
-- Customers are named by their hashed key only.
with loyalty_customers as (
    select
        customer_id,
        customer_key
    from {{ ref('dim_customers') }}
    where is_loyalty_member = 1
),

purchases as (
    select
        transactions.customer_id,
        transactions.business_date,
        dates.month_start_date,
        transactions.net_sales
    from {{ ref('fct_transactions') }} as transactions
    inner join {{ ref('dim_date') }} as dates
        on transactions.business_date = dates.date_day
    where
        transactions.is_voided = 0
        and transactions.is_sales_transaction = 1
        and transactions.customer_id is not null
),

months as (
    select
        month_start_date,
        max(business_date) as as_of_date
    from purchases
    group by month_start_date
),

history as (
    select
        months.month_start_date,
        months.as_of_date,
        purchases.customer_id,
        min(purchases.business_date) as first_purchase_date,
        max(purchases.business_date) as last_purchase_date,
        sum(
            case
                when purchases.business_date > {{ add_days('months.as_of_date', -90) }} then 1
                else 0
            end
        ) as purchases_90d,
        sum(
            case
                when purchases.business_date > {{ add_days('months.as_of_date', -90) }}
                    then purchases.net_sales
                else 0
            end
        ) as net_sales_90d,
        sum(
            case
                when purchases.month_start_date = months.month_start_date then 1 else 0
            end
        ) as month_purchases,
        sum(
            case
                when purchases.month_start_date = months.month_start_date
                    then purchases.net_sales
                else 0
            end
        ) as month_net_sales
    from months
    inner join purchases
        on months.as_of_date >= purchases.business_date
    group by months.month_start_date, months.as_of_date, purchases.customer_id
),

scored as (
    select
        history.*,
        {{ days_between('history.last_purchase_date', 'history.as_of_date') }} as recency_days
    from history
),

final as (
    select
        scored.month_start_date,
        scored.as_of_date,
        loyalty_customers.customer_key,
        scored.first_purchase_date,
        scored.last_purchase_date,
        scored.recency_days,
        scored.purchases_90d,
        {{ money('scored.net_sales_90d') }} as net_sales_90d,
        scored.month_purchases,
        {{ money('scored.month_net_sales') }} as month_net_sales,
        case
            when scored.first_purchase_date >= scored.month_start_date then 'new'
            when scored.recency_days <= 30 and scored.purchases_90d >= 4 then 'champions'
            when scored.recency_days <= 60 and scored.purchases_90d >= 2 then 'loyal'
            when scored.recency_days <= 180 then 'at risk'
            else 'lapsed'
        end as segment
    from scored
    inner join loyalty_customers
        on scored.customer_id = loyalty_customers.customer_id
)

select * from final
