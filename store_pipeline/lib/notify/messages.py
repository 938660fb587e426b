"""Stakeholder e-mails: a store's day, a region's stock, the chain's month; report included."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from store_pipeline.lib.notify.attachments import Delivery
from store_pipeline.lib.notify.content import Block, Email, Para, Table
from store_pipeline.lib.notify.figures import MonthFigures, RegionStock, StoreDay
from store_pipeline.lib.reports import fmt

VS_LAST_WEEK = "vs last week"
FOOTER = Para("Sent by the store analytics pipeline. Figures are in the chain's currency.")


def store_manager_email(day: date, stores: Sequence[StoreDay], report: Delivery) -> Email:
    """Net sales, transactions and average transaction value per store, vs the same day last
    week; the cashiers flagged and the drawers over or short."""
    names = (f"{stores[0].store_code} {stores[0].store_name}" if len(stores) == 1
             else f"{len(stores)} stores")
    blocks: list[Block] = []
    for store in stores:
        blocks += [
            Para(f"{store.store_code} {store.store_name} · region {store.region}"),
            Table(("Measure", "Value", VS_LAST_WEEK), (
                ("Net sales", fmt.money(store.net_sales), fmt.signed_pct(store.net_sales_change)),
                ("Transactions", fmt.count(store.transactions),
                 fmt.signed_pct(store.transactions_change)),
                ("Avg transaction value", fmt.money(store.atv), fmt.signed_pct(store.atv_change)),
            )),
            Para("Cashier exceptions: " + ("; ".join(store.cashier_flags) or "none flagged")
                 + "."),
            Para("Drawers over or short: " + ("; ".join(store.drawer_flags) or "none") + "."),
        ]
    return Email(subject=f"Daily sales {day.isoformat()}: {names}",
                 heading=f"Daily sales — {fmt.day_label(day)}",
                 blocks=(*blocks, *report.blocks, FOOTER), attachments=report.attachments)


def regional_director_email(week_start: date, regions: Sequence[RegionStock],
                            report: Delivery) -> Email:
    """Stockouts, items at or below reorder point and dead-stock value per region."""
    blocks: list[Block] = []
    for region in regions:
        blocks += [
            Para(f"{region.region} (stores {', '.join(region.stores)}): stock as of "
                 f"{region.as_of.isoformat()}"),
            Table(("Measure", "Value"), (
                ("Stockouts", fmt.count(region.stockouts)),
                ("At or below reorder point", fmt.count(region.below_reorder_point)),
                ("Dead-stock value", fmt.money(region.dead_stock_value)),
                ("On-hand value", fmt.money(region.on_hand_value)),
                ("Items (store and SKU)", fmt.count(region.items)),
            )),
        ]
    names = ", ".join(region.region for region in regions)
    return Email(subject=f"Weekly inventory, week of {week_start.isoformat()}: {names}",
                 heading=f"Weekly inventory — week of {week_start.isoformat()}",
                 blocks=(*blocks, *report.blocks, FOOTER), attachments=report.attachments)


def c_suite_email(month: MonthFigures, report: Delivery) -> Email:
    """The month's net sales and gross margin, and net sales vs the previous month."""
    label = fmt.month_label(month.first)
    table = Table(("Measure", "Value"), (
        ("Net sales", fmt.money(month.net_sales)),
        ("Net sales vs previous month", fmt.signed_pct(month.net_sales_change)),
        ("Gross margin", fmt.money(month.gross_margin)),
        ("Gross margin %", fmt.pct(month.gross_margin_pct)),
        ("Days with sales", fmt.count(month.days)),
    ))
    return Email(subject=f"Business review {label}", heading=f"Business review — {label}",
                 blocks=(table, *report.blocks, FOOTER), attachments=report.attachments)
