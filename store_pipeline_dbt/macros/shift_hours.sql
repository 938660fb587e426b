{#
    Shifts by hour: each shift crossed with the hours of its business date and of the next
    (a shift past midnight), kept where it overlaps the hour. In the select list,
    day_offsets.day_offset (0 or 1) and hours.hour_of_day name the hour, and
    shift_hour_start(shifts) / shift_hour_start(shifts, 1) its start and end.
#}

{% macro shift_hour_start(shifts, extra_hours=0) -%}
    {{ add_hours(
        shifts ~ '.business_date',
        '24 * day_offsets.day_offset + hours.hour_of_day + ' ~ extra_hours
    ) }}
{%- endmacro %}


{% macro from_shift_hours(shifts) -%}
    from {{ shifts }}
    cross join (select 0 as day_offset union all select 1) as day_offsets
    cross join ({{ hours_of_day() }}) as hours
    where
        {{ shifts }}.clocked_in_at < {{ shift_hour_start(shifts, 1) }}
        and {{ shifts }}.clocked_out_at > {{ shift_hour_start(shifts) }}
{%- endmacro %}
