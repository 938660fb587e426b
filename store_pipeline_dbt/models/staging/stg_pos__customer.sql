-- Personal data (names, e-mail) stops here: no model downstream selects it.
with source as (
    select * from {{ source('raw_pos', 'customer') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by ID, business_date
            order by AccountNumber
        ) as copy_number
    from source
),

renamed as (
    select
        ID as customer_id,
        AccountNumber as account_number,
        FirstName as first_name,
        LastName as last_name,
        EmailAddress as email_address,
        ZipCode as zip_code,
        cast(coalesce(LoyaltyMember, 0) as int) as is_loyalty_member,
        DateCreated as created_at,
        business_date
    from ranked
    where copy_number = 1
)

select * from renamed
