"""How the simulator holds table rows before they are written.

A table is a mapping of POS column name to a numpy array. Money is int64 cents, quantities are
int64 units (the DECIMAL columns named in ``MONEY_COLUMNS`` hold money, the others
quantities), times are int64 seconds since 1970-01-01 of the store-local (naive) clock, flags are
0/1 and text is an object array. ``NULL`` marks a missing integer or time.
"""

from __future__ import annotations

from datetime import date

import numpy as np

Columns = dict[str, np.ndarray]

NULL = np.iinfo(np.int64).min
MONEY_COLUMNS = frozenset({"Price", "FullPrice", "Cost", "HourlyRate", "Total", "SalesTax",
                           "Amount", "OpeningTotal", "ClosingTotal", "PaidOut", "Dropped"})
DAY = 86_400
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def midnight(day: date) -> int:
    """Seconds since the epoch at the start of ``day``."""
    return (day.toordinal() - EPOCH_ORDINAL) * DAY


def concat(tables: list[Columns]) -> Columns:
    """Rows of several tables with the same columns, one after the other."""
    return {name: np.concatenate([t[name] for t in tables]) for name in tables[0]}


def row_count(table: Columns) -> int:
    """Number of rows of a table."""
    return len(next(iter(table.values())))
