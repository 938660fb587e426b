"""Vectorised sampling, ranking and rounding helpers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _first_above(sorted_rows: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Per row, the first position whose value exceeds each query (the width when none does).
    Rows hold non-decreasing values between 0 and the width."""
    n_rows, width = sorted_rows.shape
    shift = np.arange(n_rows)[:, None] * (width + 2.0)  # keeps rows apart once laid end to end
    found = np.searchsorted((sorted_rows + shift).ravel(), (queries + shift).ravel(),
                            side="right").reshape(queries.shape)
    return np.minimum(found - np.arange(n_rows)[:, None] * width, width)


@dataclass(frozen=True)
class RowSampler:
    """Draws a column index from one categorical distribution per row of a weight matrix, in
    constant time per draw (Walker's alias method; flat arrays indexed row * width + column)."""

    keep: np.ndarray  # chance of keeping the uniformly drawn column
    alias: np.ndarray  # the column taken otherwise
    width: int

    @classmethod
    def from_weights(cls, weights: np.ndarray) -> RowSampler:
        """Build from non-negative weights, one row per distribution (no all-zero row).

        Columns are scaled to a mean mass of 1. Under-full columns, first in each row, lend
        their deficit from the over-full ones in turn: along a row, the deficits and the
        surpluses form two streams, and a deficit borrows from the surplus its start falls in.
        An over-full column whose surplus runs out inside a deficit keeps what is left and
        borrows the rest from the next one."""
        width = weights.shape[1]
        scaled = weights / weights.sum(axis=1, keepdims=True) * width
        order = np.argsort(scaled >= 1.0, axis=1, kind="stable")
        mass = np.take_along_axis(scaled, order, axis=1)
        under = mass < 1.0
        deficit = np.where(under, 1.0 - mass, 0.0)
        need_end = np.cumsum(deficit, axis=1)
        need_start = need_end - deficit
        give_end = np.cumsum(np.where(under, 0.0, mass - 1.0), axis=1)
        taker = _first_above(need_end, give_end)
        taker_at = np.minimum(taker, width - 1)
        runs_dry = (~under & (taker < width)
                    & (np.take_along_axis(need_start, taker_at, axis=1) < give_end))
        left = 1.0 - (np.take_along_axis(need_end, taker_at, axis=1) - give_end)
        keep = np.where(under, mass, np.where(runs_dry, left, 1.0))
        lender = np.where(under, _first_above(give_end, need_start),
                          np.where(runs_dry, _first_above(give_end, give_end),
                                   np.arange(width)))
        lender = np.take_along_axis(order, np.minimum(lender, width - 1), axis=1)
        keep_by_column = np.empty_like(keep)
        alias_by_column = np.empty_like(lender)
        np.put_along_axis(keep_by_column, order, keep, axis=1)
        np.put_along_axis(alias_by_column, order, lender, axis=1)
        return cls(keep_by_column.ravel(), alias_by_column.ravel(), width)

    def draw(self, rng: np.random.Generator, rows: np.ndarray) -> np.ndarray:
        """One column index for each entry of ``rows``, drawn from that row's distribution."""
        column = rng.integers(0, self.width, rows.size)
        slot = rows * self.width + column
        return np.where(rng.random(rows.size) < self.keep[slot], column, self.alias[slot])


def to_cents(amount: np.ndarray) -> np.ndarray:
    """Round float amounts of cents half away from zero to whole cents (int64)."""
    return (np.sign(amount) * np.floor(np.abs(amount) + 0.5)).astype(np.int64)


def ranks_in_runs(keys: np.ndarray) -> np.ndarray:
    """0-based position of each element within its run of equal consecutive keys."""
    index = np.arange(keys.size)
    starts = np.ones(keys.size, dtype=bool)
    starts[1:] = keys[1:] != keys[:-1]
    return index - np.maximum.accumulate(np.where(starts, index, 0))


def run_starts(keys: np.ndarray) -> np.ndarray:
    """Indices where a new run of equal consecutive keys begins."""
    if keys.size == 0:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])

