-- One row per customer: the latest state at or before the end of the run window, without
-- personal data (names and e-mail addresses stay in staging).
with customers as (
    select * from {{ latest_state(ref('stg_pos__customer'), ['customer_id']) }} as latest_customers
),

final as (
    select
        customer_id,
        {{ customer_key('customer_id') }} as customer_key,
        zip_code,
        is_loyalty_member,
        cast(created_at as date) as created_date,
        business_date as state_date
    from customers
)

select * from final
