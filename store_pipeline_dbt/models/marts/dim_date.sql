-- The calendar: one row per day from 1 January of the year before the first landed business
-- date to 31 December of the year after the last one (a cross join of digits, not recursion).
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
),

calendar as (
    select
        date_day,
        year(date_day) as year_number,
        month(date_day) as month_number,
        day(date_day) as day_of_month,
        {{ iso_day_of_week('date_day') }} as day_of_week,
        {{ week_start('date_day') }} as week_start_date,
        {{ date_from_parts('year(date_day)', 'month(date_day)', 1) }} as month_start_date,
        {{ date_from_parts('year(date_day)', 1, 1) }} as year_start_date
    from days
    where date_day <= last_day
),

final as (
    select
        date_day,
        year_number,
        case
            when month_number <= 3 then 1
            when month_number <= 6 then 2
            when month_number <= 9 then 3
            else 4
        end as quarter_number,
        month_number,
        case month_number
            when 1 then 'January'
            when 2 then 'February'
            when 3 then 'March'
            when 4 then 'April'
            when 5 then 'May'
            when 6 then 'June'
            when 7 then 'July'
            when 8 then 'August'
            when 9 then 'September'
            when 10 then 'October'
            when 11 then 'November'
            else 'December'
        end as month_name,
        day_of_month,
        {{ days_between('year_start_date', 'date_day') }} + 1 as day_of_year,
        day_of_week,
        case day_of_week
            when 1 then 'Monday'
            when 2 then 'Tuesday'
            when 3 then 'Wednesday'
            when 4 then 'Thursday'
            when 5 then 'Friday'
            when 6 then 'Saturday'
            else 'Sunday'
        end as day_name,
        {{ flag('day_of_week >= 6') }} as is_weekend,
        week_start_date,
        {{ add_days('week_start_date', 6) }} as week_end_date,
        month_start_date,
        year_start_date,
        {{ add_days('date_day', -7) }} as same_day_last_week,
        {{ add_days('date_day', -364) }} as same_weekday_last_year
    from calendar
)

select * from final
