"""Cash drawers: each register batch's float, paid-outs, safe drops and counted close.

A batch opens with a float of ``OPENING_FLOATS`` dollars. Its cash comes from the cash tenders
of its transactions (refunds in cash are negative). ``PAID_OUT_SHARE`` of batches pay cash out
of the drawer (``PAID_OUT_CENTS``); cash above the float is dropped into the safe in whole
hundreds at close. The drawer is opened without a sale ``NO_SALES_PER_BATCH`` times on average
(Poisson). The count at close (ClosingTotal) equals the expected cash except that
``COUNT_ERROR_SHARE`` of batches are miscounted by up to ``COUNT_ERROR_CENTS`` either way and
``THEFT_SHARE`` of batches are short by ``THEFT_CENTS`` (always more than the 5.00 the
cash-over/short export flags; a miscount never is).

Drawers draw from a random stream of their own per day, so the rest of the chain is the same
with or without them.
"""

from __future__ import annotations

import numpy as np

from store_pipeline.lib.generator.columns import Columns
from store_pipeline.lib.generator.reference import TENDERS

OPENING_FLOATS = np.array([100_00, 150_00, 200_00])
PAID_OUT_SHARE = 0.1
PAID_OUT_CENTS = (5_00, 40_00)
NO_SALES_PER_BATCH = 0.8
COUNT_ERROR_SHARE = 0.15
COUNT_ERROR_CENTS = 3_00
THEFT_SHARE = 0.005
THEFT_CENTS = (20_00, 100_00)
CASH_IDS = np.array([t[0] for t in TENDERS if t[2] == "cash"])


def _cash_per_batch(batch: Columns, sales: dict[str, Columns]) -> np.ndarray:
    """Net cash tendered (cents) per batch row: a day's batches are its registers in order."""
    transactions, tenders = sales["Transaction"], sales["TenderEntry"]
    keys = transactions["StoreID"] * 2**40 + transactions["TransactionNumber"]
    order = np.argsort(keys)
    cash = np.isin(tenders["TenderID"], CASH_IDS)
    paid = tenders["StoreID"][cash] * 2**40 + tenders["TransactionNumber"][cash]
    register = transactions["RegisterID"][order[np.searchsorted(keys, paid, sorter=order)]]
    return np.bincount(register - 1, weights=tenders["Amount"][cash],
                       minlength=batch["RegisterID"].size).astype(np.int64)


def count_drawers(rng: np.random.Generator, batch: Columns,
                  sales: dict[str, Columns]) -> Columns:
    """``batch`` with its drawer columns, given the day's Transaction and TenderEntry rows."""
    n = batch["StoreID"].size
    opening = rng.choice(OPENING_FLOATS, n)
    paid_out = np.where(rng.random(n) < PAID_OUT_SHARE, rng.integers(*PAID_OUT_CENTS, n), 0)
    in_drawer = opening + _cash_per_batch(batch, sales) - paid_out
    dropped = np.maximum(in_drawer - opening, 0) // 100_00 * 100_00
    expected = in_drawer - dropped
    error = np.where(rng.random(n) < COUNT_ERROR_SHARE,
                     rng.integers(-COUNT_ERROR_CENTS, COUNT_ERROR_CENTS + 1, n), 0)
    theft = np.where(rng.random(n) < THEFT_SHARE, rng.integers(*THEFT_CENTS, n), 0)
    return {**batch, "OpeningTotal": opening, "ClosingTotal": expected + error - theft,
            "PaidOut": paid_out, "Dropped": dropped,
            "NoSalesCount": rng.poisson(NO_SALES_PER_BATCH, n)}
