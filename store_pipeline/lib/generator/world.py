"""The chain's master data and demand model, built once per simulation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from store_pipeline.lib.generator.catalog import Catalog, build_catalog
from store_pipeline.lib.generator.columns import Columns
from store_pipeline.lib.generator.config import GeneratorConfig
from store_pipeline.lib.generator.customers import Customers, build_customers
from store_pipeline.lib.generator.demand import arrival_samplers, expected_daily_units
from store_pipeline.lib.generator.sampling import RowSampler
from store_pipeline.lib.generator.staff import Staff, build_staff
from store_pipeline.lib.generator.stores import Stores, build_stores
from store_pipeline.lib.generator.tenders import tender_table

STORE_TASTE = 0.5  # sigma of the lognormal per-store variation of item demand


@dataclass(frozen=True)
class World:
    """Stores, assortment, customers and staff, and what each store's shoppers buy."""

    stores: Stores
    catalog: Catalog
    customers: Customers
    staff: Staff
    arrivals: tuple[RowSampler, ...]  # per weekday: when each store's transactions happen
    item_picker: RowSampler  # per store: which item a basket line holds
    daily_units: np.ndarray  # (stores, items) expected units sold per day
    per_store_day: float

    def master_tables(self) -> dict[str, Columns]:
        """The master tables by POS table name (they do not change during the simulation)."""
        return {"Store": self.stores.store, "Register": self.stores.register,
                "Department": self.catalog.department, "Category": self.catalog.category,
                "Supplier": self.catalog.supplier, "Item": self.catalog.item,
                "Cashier": self.staff.cashier, "Customer": self.customers.customer,
                "Tender": tender_table()}


def build_world(config: GeneratorConfig) -> World:
    """Master data for ``config``, dated before its first simulated day."""
    rng = np.random.default_rng([config.seed, 0])
    start = config.history_start
    stores = build_stores(rng, config.stores, start)
    catalog = build_catalog(rng, config.items, start)
    customers = build_customers(rng, stores, config.customers_per_store, start)
    staff = build_staff(rng, stores, start)
    weights = catalog.popularity * rng.lognormal(0.0, STORE_TASTE, (stores.count, catalog.count))
    per_store_day = float(config.transactions_per_store_day)
    return World(stores, catalog, customers, staff, arrival_samplers(stores),
                 RowSampler.from_weights(weights),
                 expected_daily_units(stores, weights, per_store_day), per_store_day)
