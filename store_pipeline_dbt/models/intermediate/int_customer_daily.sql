{{ config(materialized='incremental') }}

{%- set trailing_days = var('trailing_days') -%}

-- One row per business date and store with non-voided transactions: how much of the day's
-- business identified customers and loyalty members brought, and the repeat rate: of the
-- customers who bought at the store in the trailing 28 days (ending on the date), the share
-- who did so more than once. Customers are counted by id only; nothing personal is read.
with customers as (
    select
        customer_id,
        business_date,
        is_loyalty_member
    from {{ ref('stg_pos__customer') }}
    where {{ in_run_window('business_date', trailing_days - 1) }}
),

transactions as (
    select
        transactions.business_date,
        transactions.store_id,
        transactions.transaction_number,
        transactions.customer_id,
        transactions.is_sales_transaction,
        transactions.net_sales,
        coalesce(customers.is_loyalty_member, 0) as is_loyalty_member
    from {{ ref('int_transactions') }} as transactions
    left join customers
        on
            transactions.customer_id = customers.customer_id
            and transactions.business_date = customers.business_date
    where
        transactions.is_voided = 0
        and cast(transactions.transaction_at as date) <= transactions.business_date
        and {{ in_run_window('transactions.business_date', trailing_days - 1) }}
),

daily as (
    select
        business_date,
        store_id,
        sum(is_sales_transaction) as transactions,
        sum(
            case when is_sales_transaction = 1 and customer_id is not null then 1 else 0 end
        ) as customer_transactions,
        sum(
            case when is_sales_transaction = 1 and is_loyalty_member = 1 then 1 else 0 end
        ) as loyalty_transactions,
        count(
            distinct case when is_sales_transaction = 1 then customer_id end
        ) as customers,
        count(
            distinct case
                when is_sales_transaction = 1 and is_loyalty_member = 1 then customer_id
            end
        ) as loyalty_customers,
        sum(net_sales) as net_sales,
        sum(case when is_loyalty_member = 1 then net_sales else 0 end) as loyalty_net_sales
    from transactions
    where {{ in_run_window('business_date') }}
    group by business_date, store_id
),

customer_days as (
    select
        business_date,
        store_id,
        customer_id,
        count(*) as transactions
    from transactions
    where is_sales_transaction = 1 and customer_id is not null
    group by business_date, store_id, customer_id
),

customer_windows as (
    select
        daily.business_date,
        daily.store_id,
        customer_days.customer_id,
        sum(customer_days.transactions) as transactions_28d
    from daily
    inner join customer_days
        on
            daily.store_id = customer_days.store_id
            and daily.business_date >= customer_days.business_date
            and {{ add_days('daily.business_date', -trailing_days) }}
            < customer_days.business_date
    group by daily.business_date, daily.store_id, customer_days.customer_id
),

repeat_counts as (
    select
        business_date,
        store_id,
        count(*) as customers_28d,
        sum(case when transactions_28d > 1 then 1 else 0 end) as repeat_customers_28d
    from customer_windows
    group by business_date, store_id
),

final as (
    select
        daily.business_date,
        daily.store_id,
        daily.transactions,
        daily.customer_transactions,
        daily.loyalty_transactions,
        daily.customers,
        daily.loyalty_customers,
        coalesce(repeat_counts.customers_28d, 0) as customers_28d,
        coalesce(repeat_counts.repeat_customers_28d, 0) as repeat_customers_28d,
        daily.net_sales,
        daily.loyalty_net_sales,
        {{ safe_divide('daily.loyalty_transactions', 'daily.transactions') }} as loyalty_share,
        {{ safe_divide('daily.loyalty_net_sales', 'daily.net_sales') }} as loyalty_sales_share,
        {{ safe_divide('repeat_counts.repeat_customers_28d', 'repeat_counts.customers_28d') }}
            as repeat_rate_28d
    from daily
    left join repeat_counts
        on
            daily.business_date = repeat_counts.business_date
            and daily.store_id = repeat_counts.store_id
)

select * from final
