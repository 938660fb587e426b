with source as (
    select * from {{ source('raw_pos', 'tender') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by ID, business_date
            order by TenderType, Description
        ) as copy_number
    from source
),

renamed as (
    select
        ID as tender_id,
        Description as tender_description,
        case
            when lower(trim(TenderType)) in ('cash', 'credit', 'debit', 'gift', 'mobile')
                then lower(trim(TenderType))
            else 'other'
        end as tender_type,
        business_date
    from ranked
    where copy_number = 1
)

select * from renamed
