"""The POS source schema: the contract between the POS, the simulator, restore and staging.

Every table lives in schema ``dbo`` of the POS database. Transactional tables are landed
row by row for the business date they belong to; master and inventory tables are landed as a
whole snapshot per business date (the state at the end of that day).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

MONEY = "DECIMAL(19,4)"
QTY = "DECIMAL(19,4)"
FLAG = "TINYINT"  # SQL Server bit: 0 or 1
INT = "INTEGER"
BIGINT = "BIGINT"
TEXT = "VARCHAR"
DATETIME = "TIMESTAMP"


@dataclass(frozen=True)
class PosTable:
    """One POS table: its name in ``dbo``, its raw-layer name and how rows map to a date."""

    name: str
    raw_name: str
    columns: tuple[tuple[str, str], ...]
    date_column: str | None = None  # transactional tables: the column that dates a row
    # Rows of a transactional table that are state of the backup's date instead, like
    # inventory (open purchase-order lines): a condition with {Column} placeholders.
    state_rows: str | None = None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.columns)

    @property
    def is_snapshot(self) -> bool:
        """Master and inventory tables are landed whole, as of the business date."""
        return self.date_column is None and self.name != "TenderEntry"

    @property
    def has_state(self) -> bool:
        """The table holds state of the backup's date: all of it, or its ``state_rows``."""
        return self.is_snapshot or self.state_rows is not None

    def state_condition(self, quote: Callable[[str], str], prefix: str = "") -> str:
        """``state_rows`` with each column quoted by ``quote`` after ``prefix`` (an alias)."""
        return (self.state_rows or "").format_map(
            {c: prefix + quote(c) for c in self.column_names})


def _t(name: str, raw_name: str, cols: str, date_column: str | None = None,
       state_rows: str | None = None) -> PosTable:
    columns = tuple(tuple(part.split(":")) for part in cols.split())
    return PosTable(name, raw_name, columns, date_column, state_rows)  # type: ignore[arg-type]


_I, _B, _S, _M, _Q, _F, _D = INT, BIGINT, TEXT, MONEY, QTY, FLAG, DATETIME
# A purchase-order line still open at backup time (not received, or received short) is state
# of the backup's date: landed under that date from that backup only, as on-order stock. A
# line received in full is dated by ReceivedTime.
OPEN_ORDER_LINES = ("({ReceivedTime} IS NULL "
                    "OR COALESCE({QuantityReceived}, 0) < COALESCE({QuantityOrdered}, 0))")

POS_TABLES: tuple[PosTable, ...] = (
    _t("Store", "store",
       f"ID:{_I} StoreCode:{_S} Name:{_S} Region:{_S} City:{_S} StateProvince:{_S} "
       f"TimeZone:{_S} OpenDate:{_D} CloseDate:{_D} SquareFeet:{_I}"),
    _t("Register", "register", f"ID:{_I} StoreID:{_I} Number:{_I} Description:{_S}"),
    _t("Department", "department", f"ID:{_I} Name:{_S}"),
    _t("Category", "category", f"ID:{_I} DepartmentID:{_I} Name:{_S}"),
    _t("Supplier", "supplier", f"ID:{_I} SupplierName:{_S}"),
    _t("Item", "item",
       f"ID:{_I} ItemLookupCode:{_S} Description:{_S} DepartmentID:{_I} CategoryID:{_I} "
       f"SupplierID:{_I} Price:{_M} Cost:{_M} Inactive:{_F} DateCreated:{_D} LastUpdated:{_D}"),
    _t("ItemDynamic", "item_dynamic",
       f"StoreID:{_I} ItemID:{_I} Quantity:{_Q} ReorderPoint:{_Q} RestockLevel:{_Q} "
       f"LastReceived:{_D} LastSold:{_D}"),
    _t("Cashier", "cashier",
       f"ID:{_I} StoreID:{_I} Number:{_S} Name:{_S} Position:{_S} HourlyRate:{_M} "
       f"HireDate:{_D} TerminationDate:{_D} Inactive:{_F}"),
    _t("Customer", "customer",
       f"ID:{_I} AccountNumber:{_S} FirstName:{_S} LastName:{_S} EmailAddress:{_S} "
       f"ZipCode:{_S} LoyaltyMember:{_F} DateCreated:{_D}"),
    _t("Tender", "tender", f"ID:{_I} Description:{_S} TenderType:{_S}"),
    _t("Batch", "batch",
       f"StoreID:{_I} BatchNumber:{_I} RegisterID:{_I} OpeningTime:{_D} ClosingTime:{_D} "
       f"OpeningTotal:{_M} ClosingTotal:{_M} PaidOut:{_M} Dropped:{_M} NoSalesCount:{_I}",
       "OpeningTime"),
    _t("Transaction", "transaction",
       f"StoreID:{_I} TransactionNumber:{_B} BatchNumber:{_I} RegisterID:{_I} CashierID:{_I} "
       f"CustomerID:{_I} Time:{_D} Total:{_M} SalesTax:{_M} Voided:{_F}",
       "Time"),
    _t("TransactionEntry", "transaction_entry",
       f"StoreID:{_I} ID:{_B} TransactionNumber:{_B} ItemID:{_I} Quantity:{_Q} Price:{_M} "
       f"FullPrice:{_M} Cost:{_M} SalesTax:{_M} TransactionTime:{_D}",
       "TransactionTime"),
    # Dated through its transaction (StoreID, TransactionNumber): no time of its own.
    _t("TenderEntry", "tender_entry",
       f"StoreID:{_I} ID:{_B} TransactionNumber:{_B} TenderID:{_I} Amount:{_M}"),
    _t("TimeClock", "time_clock",
       f"StoreID:{_I} ID:{_B} CashierID:{_I} TimeIn:{_D} TimeOut:{_D} BreakMinutes:{_I}",
       "TimeIn"),
    _t("PurchaseOrderEntry", "purchase_order_entry",
       f"StoreID:{_I} ID:{_B} PONumber:{_S} ItemID:{_I} SupplierID:{_I} QuantityOrdered:{_Q} "
       f"QuantityReceived:{_Q} Cost:{_M} ReceivedTime:{_D}",
       "ReceivedTime", OPEN_ORDER_LINES),
)

TABLES_BY_NAME: dict[str, PosTable] = {t.name: t for t in POS_TABLES}
# The table that dates a business day: a date has landed when its transactions have.
TRANSACTIONS = next(t for t in POS_TABLES if t.name == "Transaction")

TENDER_TYPES = ("cash", "credit", "debit", "gift", "mobile", "other")
BACKUP_PREFIX = "pos_"


def snapshot_file_name(business_date) -> str:
    """``pos_YYYYMMDD.duckdb`` for a business date."""
    return f"{BACKUP_PREFIX}{business_date:%Y%m%d}.duckdb"


def create_table_sql(table: PosTable, schema: str = "dbo") -> str:
    """DuckDB DDL for a POS table (quoted identifiers: ``Transaction`` is reserved)."""
    cols = ", ".join(f'"{c}" {t}' for c, t in table.columns)
    return f'CREATE TABLE "{schema}"."{table.name}" ({cols})'
