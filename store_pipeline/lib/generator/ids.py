"""Running keys: chain-wide row IDs per table and per-store numbers."""

from __future__ import annotations

import numpy as np

from store_pipeline.lib.generator.sampling import ranks_in_runs


class Ids:
    """Hands out the next keys; numbering starts at 1 on the first simulated day."""

    def __init__(self, n_stores: int) -> None:
        self._n_stores = n_stores
        self._last_row: dict[str, int] = {}
        self._last_number: dict[str, np.ndarray] = {}

    def rows(self, table: str, n: int) -> np.ndarray:
        """The next ``n`` chain-wide IDs of a table."""
        first = self._last_row.get(table, 0) + 1
        self._last_row[table] = first + n - 1
        return np.arange(first, first + n, dtype=np.int64)

    def numbers(self, name: str, store: np.ndarray) -> np.ndarray:
        """The next per-store numbers for rows sorted by store position."""
        last = self._last_number.setdefault(name, np.zeros(self._n_stores, dtype=np.int64))
        numbers = last[store] + ranks_in_runs(store) + 1
        last += np.bincount(store, minlength=self._n_stores)
        return numbers
