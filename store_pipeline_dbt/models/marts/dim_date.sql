-- The calendar, one row per day of int_date_spine: calendar, ISO 8601 and NRF 4-5-4 retail
-- attributes (macros/calendar.sql), US retail holidays (int_us_retail_holidays) and the
-- comparison dates of the KPIs (D - 7, D - 364).
with days as (
    select * from {{ ref('int_date_spine') }}
),

holidays as (
    select * from {{ ref('int_us_retail_holidays') }}
),

calendar as (
    select
        date_day,
        year(date_day) as year_number,
        month(date_day) as month_number,
        day(date_day) as day_of_month,
        {{ day_of_year('date_day') }} as day_of_year,
        {{ iso_day_of_week('date_day') }} as day_of_week,
        {{ week_start('date_day') }} as week_start_date,
        {{ iso_year('date_day') }} as iso_year,
        {{ iso_week('date_day') }} as iso_week,
        {{ date_from_parts('year(date_day)', 'month(date_day)', 1) }} as month_start_date,
        {{ date_from_parts('year(date_day)', 1, 1) }} as year_start_date,
        {{ retail_year_start('year(date_day)') }} as retail_start_this_year,
        {{ retail_year_start('year(date_day) - 1') }} as retail_start_last_year
    from days
),

retail_years as (
    select
        *,
        case
            when date_day >= retail_start_this_year then year_number else year_number - 1
        end as retail_year,
        case
            when date_day >= retail_start_this_year
                then retail_start_this_year
            else retail_start_last_year
        end as retail_year_start_date
    from calendar
),

retail_weeks as (
    select
        *,
        {{ integer_divide(days_between('retail_year_start_date', 'date_day'), 7) }} + 1
            as retail_week,
        {{ integer_divide(days_between(
            'retail_year_start_date', retail_year_start('retail_year + 1')
        ), 7) }} as retail_weeks_in_year
    from retail_years
),

final as (
    select
        retail_weeks.date_day,
        retail_weeks.year_number,
        case
            when retail_weeks.month_number <= 3 then 1
            when retail_weeks.month_number <= 6 then 2
            when retail_weeks.month_number <= 9 then 3
            else 4
        end as quarter_number,
        retail_weeks.month_number,
        case retail_weeks.month_number
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
        retail_weeks.day_of_month,
        retail_weeks.day_of_year,
        retail_weeks.day_of_week,
        case retail_weeks.day_of_week
            when 1 then 'Monday'
            when 2 then 'Tuesday'
            when 3 then 'Wednesday'
            when 4 then 'Thursday'
            when 5 then 'Friday'
            when 6 then 'Saturday'
            else 'Sunday'
        end as day_name,
        {{ flag('retail_weeks.day_of_week >= 6') }} as is_weekend,
        retail_weeks.week_start_date,
        {{ add_days('retail_weeks.week_start_date', 6) }} as week_end_date,
        retail_weeks.iso_year,
        retail_weeks.iso_week,
        retail_weeks.month_start_date,
        retail_weeks.year_start_date,
        retail_weeks.retail_year,
        {{ retail_quarter('retail_weeks.retail_week') }} as retail_quarter,
        {{ retail_period('retail_weeks.retail_week') }} as retail_period,
        retail_weeks.retail_week,
        {{ add_days('retail_weeks.retail_year_start_date', '7 * (retail_weeks.retail_week - 1)') }}
            as retail_week_start_date,
        retail_weeks.retail_year_start_date,
        retail_weeks.retail_weeks_in_year,
        {{ flag('holidays.holiday_date is not null') }} as is_holiday,
        holidays.holiday_name,
        {{ add_days('retail_weeks.date_day', -7) }} as date_last_week,
        {{ add_days('retail_weeks.date_day', -364) }} as date_last_year
    from retail_weeks
    left join holidays
        on retail_weeks.date_day = holidays.holiday_date
)

select * from final
