{{ config(materialized='incremental') }}

-- Customers: one row per business date and store with non-voided transactions: loyalty share
-- of the transactions and of net sales, and the repeat rate over the trailing 28 days.
-- Aggregates only: no customer id, name or e-mail address.
with customer_days as (
    select * from {{ ref('int_customer_daily') }}
    where {{ in_run_window('business_date') }}
),

stores as (
    select * from {{ ref('stg_pos__store') }}
),

final as (
    select
        customer_days.business_date,
        stores.store_code,
        customer_days.transactions,
        customer_days.customer_transactions,
        customer_days.loyalty_transactions,
        customer_days.customers,
        customer_days.loyalty_customers,
        {{ money('customer_days.net_sales') }} as net_sales,
        {{ money('customer_days.loyalty_net_sales') }} as loyalty_net_sales,
        {{ ratio('customer_days.loyalty_share') }} as loyalty_share,
        {{ ratio('customer_days.loyalty_sales_share') }} as loyalty_sales_share,
        customer_days.customers_28d,
        customer_days.repeat_customers_28d,
        {{ ratio('customer_days.repeat_rate_28d') }} as repeat_rate_28d
    from customer_days
    inner join stores
        on
            customer_days.store_id = stores.store_id
            and customer_days.business_date = stores.business_date
)

select * from final
