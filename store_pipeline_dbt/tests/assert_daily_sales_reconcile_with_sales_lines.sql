{{ config(meta={'dagster': {'ref': {'name': 'rpt_daily_sales'}}}) }}

-- rpt_daily_sales agrees with fct_sales: per business date and store in the run window, net
-- sales, tax and units sold equal the sums of the sale lines (to the cent after rounding); an
-- open store without sales has none, and zeros in the report.
with lines as (
    select
        business_date,
        store_id,
        sum(net_sales) as net_sales,
        sum(tax) as tax,
        sum(units_sold) as units_sold
    from {{ ref('fct_sales') }}
    where {{ in_run_window('business_date') }}
    group by business_date, store_id
),

stores as (
    select * from {{ ref('stg_pos__store') }}
),

report as (
    select * from {{ ref('rpt_daily_sales') }}
    where {{ in_run_window('business_date') }}
),

compared as (
    select
        report.business_date,
        report.store_code,
        report.net_sales as report_net_sales,
        coalesce(lines.net_sales, 0) as lines_net_sales,
        report.tax as report_tax,
        coalesce(lines.tax, 0) as lines_tax,
        report.units_sold as report_units_sold,
        coalesce(lines.units_sold, 0) as lines_units_sold
    from report
    inner join stores
        on
            report.store_code = stores.store_code
            and report.business_date = stores.business_date
    left join lines
        on
            stores.store_id = lines.store_id
            and report.business_date = lines.business_date
)

select *
from compared
where
    abs(report_net_sales - lines_net_sales) > 0.005
    or abs(report_tax - lines_tax) > 0.005
    or abs(report_units_sold - lines_units_sold) > 0.0001
