{#- Holidays on a fixed date: month, day, name. -#}
{%- set fixed_dates = [
    [1, 1, "New Year's Day"],
    [2, 14, "Valentine's Day"],
    [7, 4, "Independence Day"],
    [10, 31, "Halloween"],
    [12, 24, "Christmas Eve"],
    [12, 25, "Christmas Day"],
    [12, 31, "New Year's Eve"],
] -%}
{#-
    Holidays on the occurrence-th ISO weekday (1 = Monday ... 7 = Sunday) of a month, -1 for
    the last one, plus days_after (Black Friday is the day after Thanksgiving).
-#}
{%- set weekday_rules = [
    [1, 1, 3, 0, "Martin Luther King Jr. Day"],
    [2, 1, 3, 0, "Presidents' Day"],
    [5, 7, 2, 0, "Mother's Day"],
    [5, 1, -1, 0, "Memorial Day"],
    [6, 7, 3, 0, "Father's Day"],
    [9, 1, 1, 0, "Labor Day"],
    [11, 4, 4, 0, "Thanksgiving Day"],
    [11, 4, 4, 1, "Black Friday"],
] -%}

-- US holidays and retail events that move store traffic, one row per date, for every year of
-- int_date_spine: fixed dates, the n-th (or last) weekday of a month, and Easter Sunday
-- (the Gregorian computus of Meeus, Jones and Butcher, in whole-number arithmetic).
with years as (
    select distinct year(date_day) as year_number
    from {{ ref('int_date_spine') }}
),

fixed_dates as (
    {{ literal_rows(['month_number', 'day_number', 'holiday_name'], fixed_dates) }}
),

weekday_rules as (
    {{ literal_rows(
        ['month_number', 'iso_weekday', 'occurrence', 'days_after', 'holiday_name'],
        weekday_rules
    ) }}
),

first_weekdays as (
    select
        years.year_number,
        weekday_rules.month_number,
        weekday_rules.occurrence,
        weekday_rules.days_after,
        weekday_rules.holiday_name,
        {{ add_days(
            date_from_parts('years.year_number', 'weekday_rules.month_number', 1),
            '(weekday_rules.iso_weekday + 7 - '
            ~ iso_day_of_week(date_from_parts(
                'years.year_number', 'weekday_rules.month_number', 1
            )) ~ ') % 7'
        ) }} as first_weekday
    from years
    cross join weekday_rules
),

nth_weekdays as (
    select
        holiday_name,
        {{ add_days('first_weekday', 'days_after + case
            when occurrence > 0 then 7 * (occurrence - 1)
            when month(' ~ add_days('first_weekday', 28) ~ ') = month_number then 28
            else 21
        end') }} as holiday_date
    from first_weekdays
),

easter_terms as (
    select
        year_number,
        year_number % 19 as cycle_year,
        {{ integer_divide('year_number', 100) }} as century,
        year_number % 100 as year_of_century
    from years
),

easter_epacts as (
    select
        year_number,
        cycle_year,
        century,
        year_of_century,
        (
            19 * cycle_year + century - {{ integer_divide('century', 4) }}
            - {{ integer_divide('century - ' ~ integer_divide('century + 8', 25) ~ ' + 1', 3) }}
            + 15
        ) % 30 as epact
    from easter_terms
),

easter_weekdays as (
    select
        year_number,
        cycle_year,
        epact,
        (
            32 + 2 * (century % 4) + 2 * {{ integer_divide('year_of_century', 4) }}
            - epact - year_of_century % 4
        ) % 7 as weekday_offset
    from easter_epacts
),

easter_offsets as (
    select
        year_number,
        epact + weekday_offset
        - 7 * {{ integer_divide('cycle_year + 11 * epact + 22 * weekday_offset', 451) }}
        + 114 as day_count
    from easter_weekdays
),

holidays as (
    select
        {{ date_from_parts('years.year_number', 'fixed_dates.month_number',
            'fixed_dates.day_number') }} as holiday_date,
        fixed_dates.holiday_name
    from years
    cross join fixed_dates
    union all
    select
        holiday_date,
        holiday_name
    from nth_weekdays
    union all
    select
        {{ date_from_parts(
            'year_number', integer_divide('day_count', 31), 'day_count % 31 + 1'
        ) }} as holiday_date,
        'Easter Sunday' as holiday_name
    from easter_offsets
)

select
    holiday_date,
    holiday_name
from holidays
