-- The days the calendar covers: 1 January of the year before the first landed business date
-- to 31 December of the year after the last one (a cross join of digits, not recursion).
with digits as (
    {{ digits() }}
),

day_numbers as (
    select
        thousands.digit * 1000 + hundreds.digit * 100 + tens.digit * 10 + ones.digit
            as day_number
    from digits as thousands
    cross join digits as hundreds
    cross join digits as tens
    cross join digits as ones
),

landed as (
    select
        min(business_date) as first_business_date,
        max(business_date) as last_business_date
    from {{ ref('stg_pos__store') }}
),

calendar_range as (
    select
        {{ date_from_parts('year(first_business_date) - 1', 1, 1) }} as first_day,
        {{ date_from_parts('year(last_business_date) + 1', 12, 31) }} as last_day
    from landed
    where first_business_date is not null
),

days as (
    select
        {{ add_days('calendar_range.first_day', 'day_numbers.day_number') }} as date_day,
        calendar_range.last_day
    from calendar_range
    cross join day_numbers
)

select date_day
from days
where date_day <= last_day
