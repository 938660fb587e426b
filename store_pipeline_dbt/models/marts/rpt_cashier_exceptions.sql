{{ config(materialized='incremental') }}

{%- set trailing_days = var('trailing_days') %}
{%- set min_transactions = var('exception_min_transactions') %}

-- cashier_exceptions.csv: one row per business date, store and cashier who rang a
-- transaction. A metric is flagged when it is above the chain's median + 3 x 1.4826 x MAD
-- (median absolute deviation) of that metric over all cashier-days of the trailing 28 days
-- with at least exception_min_transactions (10) transactions, and the day has at least
-- exception_min_events (3) events of that kind (voids, return lines, discounted lines).
-- Medians are taken by ranking (portable: no PERCENTILE_CONT).
with cashier_days as (
    select * from {{ ref('fct_cashier_daily') }}
    where {{ in_run_window('business_date', lookback_days=trailing_days - 1) }}
),

run_dates as (
    select distinct business_date from cashier_days
    where {{ in_run_window('business_date') }}
),

metric_values as (
    select
        business_date,
        'void_rate' as metric,
        void_rate as metric_value
    from cashier_days
    where transactions >= {{ min_transactions }} and void_rate is not null
    union all
    select
        business_date,
        'return_rate' as metric,
        return_rate as metric_value
    from cashier_days
    where transactions >= {{ min_transactions }} and return_rate is not null
    union all
    select
        business_date,
        'discount_pct' as metric,
        discount_pct as metric_value
    from cashier_days
    where transactions >= {{ min_transactions }} and discount_pct is not null
),

norm_population as (
    select
        run_dates.business_date,
        metric_values.metric,
        metric_values.metric_value
    from run_dates
    inner join metric_values
        on
            metric_values.business_date
            between {{ add_days('run_dates.business_date', -(trailing_days - 1)) }}
            and run_dates.business_date
),

ranked_values as (
    select
        business_date,
        metric,
        metric_value,
        row_number() over (
            partition by business_date, metric order by metric_value
        ) as value_rank,
        count(*) over (partition by business_date, metric) as value_count
    from norm_population
),

medians as (
    select
        business_date,
        metric,
        avg(metric_value) as median_value
    from ranked_values
    where 2 * value_rank >= value_count and 2 * value_rank <= value_count + 2
    group by business_date, metric
),

ranked_deviations as (
    select
        norm_population.business_date,
        norm_population.metric,
        medians.median_value,
        abs(norm_population.metric_value - medians.median_value) as deviation,
        row_number() over (
            partition by norm_population.business_date, norm_population.metric
            order by abs(norm_population.metric_value - medians.median_value)
        ) as deviation_rank,
        count(*) over (
            partition by norm_population.business_date, norm_population.metric
        ) as deviation_count
    from norm_population
    inner join medians
        on
            norm_population.business_date = medians.business_date
            and norm_population.metric = medians.metric
),

median_deviations as (
    select
        business_date,
        metric,
        median_value + 3 * 1.4826 * avg(deviation) as threshold
    from ranked_deviations
    where
        2 * deviation_rank >= deviation_count
        and 2 * deviation_rank <= deviation_count + 2
    group by business_date, metric, median_value
),

thresholds as (
    select
        business_date,
        max(case when metric = 'void_rate' then threshold end) as void_rate_threshold,
        max(case when metric = 'return_rate' then threshold end) as return_rate_threshold,
        max(case when metric = 'discount_pct' then threshold end) as discount_pct_threshold
    from median_deviations
    group by business_date
),

today as (
    select * from cashier_days
    where {{ in_run_window('business_date') }}
),

cashiers as (
    select * from {{ ref('stg_pos__cashier') }}
    where {{ in_run_window('business_date') }}
),

stores as (
    select * from {{ ref('stg_pos__store') }}
    where {{ in_run_window('business_date') }}
),

final as (
    select
        today.business_date,
        stores.store_code,
        cashiers.employee_number,
        cashiers.employee_name,
        today.transactions,
        today.voided_transactions,
        {{ money('today.voided_amount') }} as voided_amount,
        today.return_lines,
        {{ money('today.returns_amount') }} as returns_amount,
        today.unmatched_returns,
        {{ money('today.discount_amount') }} as discount_amount,
        {{ ratio('today.discount_pct') }} as discount_pct,
        {{ flag(
            'today.voided_transactions >= ' ~ var('exception_min_events')
            ~ ' and today.void_rate > thresholds.void_rate_threshold'
        ) }} as void_flag,
        {{ flag(
            'today.return_lines >= ' ~ var('exception_min_events')
            ~ ' and today.return_rate > thresholds.return_rate_threshold'
        ) }} as return_flag,
        {{ flag(
            'today.discounted_lines >= ' ~ var('exception_min_events')
            ~ ' and today.discount_pct > thresholds.discount_pct_threshold'
        ) }} as discount_flag
    from today
    inner join stores
        on
            today.store_id = stores.store_id
            and today.business_date = stores.business_date
    left join cashiers
        on
            today.employee_id = cashiers.cashier_id
            and today.business_date = cashiers.business_date
    left join thresholds
        on today.business_date = thresholds.business_date
)

select * from final
