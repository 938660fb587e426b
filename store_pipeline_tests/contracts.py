"""The columns of docs/DESIGN.md, "Exports", written out independently of the code under test."""

EXPORT_COLUMNS = {
    "daily_sales_summary": (
        "business_date,store_code,store_name,region,transactions,units_sold,gross_sales,discounts,"
        "returns,net_sales,tax,total_collected,cost_of_goods,gross_margin,gross_margin_pct,"
        "avg_transaction_value,units_per_transaction,labor_hours,sales_per_labor_hour,"
        "net_sales_last_week,net_sales_same_day_last_year"
    ),
    "employee_hours": (
        "business_date,store_code,employee_number,employee_name,position,shifts,hours_worked,"
        "regular_hours,overtime_hours,labor_cost,transactions_handled,net_sales_handled,"
        "sales_per_labor_hour"
    ),
    "product_performance": (
        "business_date,store_code,sku,product_name,department,category,units_sold,units_returned,"
        "net_sales,cost_of_goods,gross_margin,gross_margin_pct,rank_in_store,abc_class"
    ),
    "inventory_status": (
        "business_date,store_code,sku,product_name,department,on_hand_units,on_hand_value,"
        "avg_daily_units_28d,days_of_supply,reorder_point,below_reorder_point,is_stockout,"
        "last_sold_date,days_since_last_sale,is_dead_stock,sell_through_pct_28d"
    ),
    "cash_over_short": (
        "business_date,store_code,register_number,batch_number,opening_time,closing_time,"
        "opening_total,cash_sales,cash_refunds,paid_out,dropped,expected_cash,closing_total,"
        "over_short,no_sales_count,flagged"
    ),
    "reorder_suggestions": (
        "business_date,store_code,sku,product_name,supplier,on_hand_units,on_order_units,"
        "reorder_point,restock_level,avg_daily_units_28d,forecast_units_14d,"
        "suggested_order_units,suggested_order_cost"
    ),
    "cashier_exceptions": (
        "business_date,store_code,employee_number,employee_name,transactions,"
        "voided_transactions,voided_amount,return_lines,returns_amount,unmatched_returns,"
        "discount_amount,discount_pct,void_flag,return_flag,discount_flag"
    ),
}
