"""T-SQL of the windowed landing on SQL Server: the same rules as the embedded landing
(``store_pipeline.lib.ingest.landing_plan``), as statements for a restored POS database.

Every function returns text and parameters; ``store_pipeline.lib.ingest.mssql_restore`` runs them.
A row's hash is ``BINARY_CHECKSUM`` of its columns, summed per date with the row count: the
fingerprint is only ever compared with fingerprints computed the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from store_pipeline.lib.ingest.landing import RAW_SCHEMA, part_condition
from store_pipeline.lib.ingest.landing_plan import ROWS_PART, STATE_PART
from store_pipeline.lib.ingest.tsql import (
    BUSINESS_DATE,
    Statement,
    literal,
    qualified,
    quote,
    raw_table,
)
from store_pipeline.lib.pos_schema import PosTable

LEDGER = qualified(RAW_SCHEMA, "landed_dates")
LEDGER_COLUMNS = ("business_date", "part", "backup", "backup_date", "fingerprint", "changed_at")


def ensure_ledger_sql() -> str:
    """Create ``[raw_pos].[landed_dates]`` unless it exists."""
    return (f"IF OBJECT_ID({literal(LEDGER)}, N'U') IS NULL "
            f"CREATE TABLE {LEDGER} ([business_date] date NOT NULL, [part] nvarchar(8) NOT NULL, "
            "[backup] nvarchar(400), [backup_date] date, [fingerprint] nvarchar(64), "
            "[changed_at] datetime2)")


def window_sql(database: str) -> str:
    """The restore's earliest transaction date, its newest busy day (>= 1 % of its
    transactions) at or before the parameter (the backup's date), and its latest date."""
    source = qualified(database, "dbo", "Transaction")
    return (f"SELECT MIN(d), MAX(CASE WHEN d <= ? AND n >= 0.01 * total THEN d END), MAX(d) "
            "FROM ("
            f"SELECT CAST([Time] AS date) AS d, COUNT_BIG(*) AS n, "
            f"SUM(COUNT_BIG(*)) OVER () AS total FROM {source} "
            f"GROUP BY CAST([Time] AS date)) AS days")


def dated_rows(table: PosTable, database: str, backup_date: date,
               part: str = ROWS_PART) -> Statement:
    """The restore's rows of ``table`` in ``part``, each with the date it lands under and its
    row hash: its own date, or the backup's for rows dated after it; the backup's date for
    its state (master and inventory tables, open purchase-order lines)."""
    cols = ", ".join(f"s.{quote(c)}" for c in table.column_names)
    checksum = f"BINARY_CHECKSUM({cols}) AS [row_hash]"
    source = f"{qualified(database, 'dbo', table.name)} AS s"
    condition = part_condition(table, part, quote, "s.")
    where = f" WHERE {condition}" if condition else ""
    if table.is_snapshot or part == STATE_PART:
        return Statement(f"SELECT {cols}, CAST(? AS date) AS {quote(BUSINESS_DATE)}, "
                         f"{checksum} FROM {source}{where}", (backup_date,))
    if table.date_column:
        dated, join = f"CAST(s.{quote(table.date_column)} AS date)", ""
    else:  # TenderEntry: dated through its transaction
        dated = "t.[d]"
        join = (" JOIN (SELECT [StoreID], [TransactionNumber], MIN(CAST([Time] AS date)) AS [d] "
                f"FROM {qualified(database, 'dbo', 'Transaction')} "
                "GROUP BY [StoreID], [TransactionNumber]) AS t "
                "ON t.[StoreID] = s.[StoreID] AND t.[TransactionNumber] = s.[TransactionNumber]")
    bucket = f"CASE WHEN {dated} >= ? THEN CAST(? AS date) ELSE {dated} END"
    return Statement(f"SELECT {cols}, {bucket} AS {quote(BUSINESS_DATE)}, {checksum} "
                     f"FROM {source}{join}{where}", (backup_date, backup_date))


def _in(days: Sequence[date]) -> str:
    return ", ".join("?" * len(days))


def fingerprint_statement(table: PosTable, database: str, backup_date: date,
                          days: Sequence[date], part: str = ROWS_PART) -> Statement:
    """(date, rows, sum of row hashes) of ``table``'s rows of ``days`` in ``part`` of the
    restore."""
    rows = dated_rows(table, database, backup_date, part)
    return Statement(
        f"SELECT {quote(BUSINESS_DATE)}, COUNT_BIG(*), SUM(CAST([row_hash] AS bigint)) "
        f"FROM ({rows.sql}) AS d WHERE {quote(BUSINESS_DATE)} IN ({_in(days)}) "
        f"GROUP BY {quote(BUSINESS_DATE)}", (*rows.params, *days))


def replace_statements(table: PosTable, database: str, backup_date: date,
                       days: Sequence[date], part: str = ROWS_PART) -> tuple[Statement, Statement]:
    """Delete ``part`` of ``days`` from the raw table, then insert the restore's rows of it."""
    target = raw_table(table)
    condition = part_condition(table, part, quote)
    only = f" AND {condition}" if condition else ""
    delete = Statement(f"DELETE FROM {target} WHERE {quote(BUSINESS_DATE)} IN ({_in(days)})"
                       f"{only}", tuple(days))
    rows = dated_rows(table, database, backup_date, part)
    cols = ", ".join(quote(c) for c in (*table.column_names, BUSINESS_DATE))
    insert = Statement(
        f"INSERT INTO {target} ({cols}) SELECT {cols} FROM ({rows.sql}) AS d "
        f"WHERE {quote(BUSINESS_DATE)} IN ({_in(days)})", (*rows.params, *days))
    return delete, insert


def read_ledger_statement(days: Sequence[date]) -> Statement:
    """The ledger rows of ``days``."""
    return Statement(f"SELECT [business_date], [part], [backup], [backup_date], [fingerprint] "
                     f"FROM {LEDGER} WHERE [business_date] IN ({_in(days)})", tuple(days))


def write_ledger_statements(part: str, rows: Sequence[tuple]) -> list[Statement]:
    """Replace the ledger rows of ``part`` for each (date, backup, backup date, fingerprint,
    changed_at) row."""
    days = [row[0] for row in rows]
    statements = [Statement(f"DELETE FROM {LEDGER} WHERE [part] = ? AND [business_date] IN "
                            f"({_in(days)})", (part, *days))]
    statements += [Statement(f"INSERT INTO {LEDGER} ({', '.join(map(quote, LEDGER_COLUMNS))}) "
                             "VALUES (?, ?, ?, ?, ?, ?)", (row[0], part, *row[1:]))
                   for row in rows]
    return statements


def landed_dates_sql() -> str:
    """Dates between two parameters (?, ?) whose own backup has landed; none before the
    ledger exists."""
    return (f"IF OBJECT_ID({literal(LEDGER)}, N'U') IS NOT NULL "
            f"SELECT [business_date] FROM {LEDGER} WHERE [part] = N'state' "
            "AND [business_date] BETWEEN ? AND ?")


def count_statement(table: PosTable, business_date: date) -> Statement:
    """The raw table's row count for one date."""
    return Statement(f"SELECT COUNT_BIG(*) FROM {raw_table(table)} "
                     f"WHERE {quote(BUSINESS_DATE)} = ?", (business_date,))
