"""Customer accounts, each with a home store, and who shops on a transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from store_pipeline.lib.generator.columns import DAY, Columns, midnight
from store_pipeline.lib.generator.reference import FIRST_NAMES, LAST_NAMES
from store_pipeline.lib.generator.sampling import RowSampler
from store_pipeline.lib.generator.stores import Stores

LOYALTY_SHARE = 0.45
LOYALTY_VISIT_FACTOR = 3.0  # loyalty members come back more often
TRAVELLER_SHARE = 0.05  # identified purchases made away from the home store


@dataclass(frozen=True)
class Customers:
    """Customers; store ``s`` is home to IDs ``s * per_store + 1 .. (s + 1) * per_store``."""

    customer: Columns
    sampler: RowSampler
    per_store: int

    def draw(self, rng: np.random.Generator, store: np.ndarray) -> np.ndarray:
        """A CustomerID for a purchase at each given store position."""
        ids = store * self.per_store + self.sampler.draw(rng, store) + 1
        travel = rng.random(store.size) < TRAVELLER_SHARE
        ids[travel] = rng.integers(1, self.customer["ID"].size + 1, int(travel.sum()))
        return ids


def build_customers(rng: np.random.Generator, stores: Stores, per_store: int,
                    first_day: date) -> Customers:
    """``per_store`` accounts per store, all created before ``first_day``."""
    n = stores.count * per_store
    ids = np.arange(1, n + 1)
    home = np.repeat(np.arange(stores.count), per_store)
    loyalty = rng.random(n) < LOYALTY_SHARE
    first = np.array(FIRST_NAMES, dtype=object)[rng.integers(0, len(FIRST_NAMES), n)]
    last = np.array(LAST_NAMES, dtype=object)[rng.integers(0, len(LAST_NAMES), n)]
    email = [f"{f}.{la}{i}@example.com".lower() for f, la, i in zip(first, last, ids, strict=True)]
    zips = [f"{stores.zip_prefix[h]}{z:02d}"
            for h, z in zip(home, rng.integers(0, 100, n), strict=True)]
    created = (midnight(first_day) - rng.integers(1, 2000, n) * DAY
               + rng.integers(8 * 3600, 21 * 3600, n))
    customer = {
        "ID": ids,
        "AccountNumber": np.array([f"C{i:08d}" for i in ids], dtype=object),
        "FirstName": first,
        "LastName": last,
        "EmailAddress": np.array(email, dtype=object),
        "ZipCode": np.array(zips, dtype=object),
        "LoyaltyMember": loyalty.astype(np.int64),
        "DateCreated": created,
    }
    visits = rng.lognormal(0.0, 0.8, n) * np.where(loyalty, LOYALTY_VISIT_FACTOR, 1.0)
    return Customers(customer, RowSampler.from_weights(visits.reshape(stores.count, per_store)),
                     per_store)
