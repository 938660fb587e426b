"""Tender types and how each transaction is paid: one tender, a split, or a refund."""

from __future__ import annotations

import numpy as np

from store_pipeline.lib.generator.columns import Columns
from store_pipeline.lib.generator.reference import TENDERS
from store_pipeline.lib.generator.sampling import ranks_in_runs, to_cents

TENDER_IDS = np.array([t[0] for t in TENDERS])
TENDER_SHARES = np.array([t[3] for t in TENDERS])
GIFT_CARD = next(t[0] for t in TENDERS if t[2] == "gift")
REFUND_IDS = np.array([t[0] for t in TENDERS if t[2] in ("cash", "credit", "debit")])
SPLIT_SHARE = 0.08  # of transactions of at least SPLIT_MIN_CENTS
SPLIT_MIN_CENTS = 2000
THREE_WAY_SHARE = 0.15  # of split payments
GIFT_FIRST_SHARE = 0.5  # split payments starting with a gift card


def tender_table() -> Columns:
    """The Tender master table."""
    return {"ID": TENDER_IDS,
            "Description": np.array([t[1] for t in TENDERS], dtype=object),
            "TenderType": np.array([t[2] for t in TENDERS], dtype=object)}


def _parts(rng: np.random.Generator, total: np.ndarray) -> np.ndarray:
    """How many tenders pay each total: mostly one, sometimes two or three."""
    parts = np.ones(total.size, dtype=np.int64)
    split = (total >= SPLIT_MIN_CENTS) & (rng.random(total.size) < SPLIT_SHARE)
    parts[split] = np.where(rng.random(int(split.sum())) < THREE_WAY_SHARE, 3, 2)
    return parts


def pay(rng: np.random.Generator, total: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tender rows for transactions with the given totals (cents): for each row the index of
    its transaction, the TenderID and the amount. Each transaction's amounts sum to its total;
    negative totals are refunded by one negative tender."""
    parts = _parts(rng, total)
    first_cut = np.where(parts > 1, rng.uniform(0.2, 0.5, total.size), 1.0)
    second_cut = np.where(parts > 2, rng.uniform(0.6, 0.85, total.size), 1.0)
    cuts = np.stack([np.zeros(total.size), first_cut, second_cut, np.ones(total.size)], axis=1)
    tx = np.repeat(np.arange(total.size), parts)
    position = ranks_in_runs(tx)
    amount = (to_cents(total[tx] * cuts[tx, position + 1])
              - to_cents(total[tx] * cuts[tx, position]))
    tender = rng.choice(TENDER_IDS, tx.size, p=TENDER_SHARES)
    gift_first = (parts[tx] > 1) & (position == 0) & (rng.random(tx.size) < GIFT_FIRST_SHARE)
    tender[gift_first] = GIFT_CARD
    refund = total[tx] < 0
    tender[refund] = rng.choice(REFUND_IDS, int(refund.sum()))
    return tx, tender, amount
