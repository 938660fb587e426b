"""The day loop: each simulated day's transactional rows and end-of-day stock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np

from store_pipeline.lib.generator.columns import Columns, midnight, row_count
from store_pipeline.lib.generator.config import GeneratorConfig
from store_pipeline.lib.generator.drawers import count_drawers
from store_pipeline.lib.generator.ids import Ids
from store_pipeline.lib.generator.inventory import Inventory, initial_inventory
from store_pipeline.lib.generator.sales import ring_up
from store_pipeline.lib.generator.world import World
from store_pipeline.lib.pos_schema import POS_TABLES

TRANSACTIONAL_TABLES = tuple(t.name for t in POS_TABLES if not t.is_snapshot)
DRAWER_STREAM = 3  # seeds the drawers' random stream per day, apart from the day's own


@dataclass(frozen=True)
class SimulatedDay:
    """One business date: its transactional rows by POS table name, and at close ItemDynamic
    and the purchase-order lines still open (which replace those lines' rows in a backup)."""

    day: date
    rows: dict[str, Columns]
    item_dynamic: Columns
    open_orders: Columns

    @property
    def lines(self) -> int:
        return row_count(self.rows["TransactionEntry"])


def simulate_day(rngs: tuple[np.random.Generator, np.random.Generator], world: World,
                 inventory: Inventory, ids: Ids, day: date) -> SimulatedDay:
    """Deliveries before opening, shifts and registers, sales, the drawers' counts at close,
    then the evening's reorders. ``rngs``: the day's stream, and the drawers' own."""
    rng, drawer_rng = rngs
    stores, weekday, day0 = world.stores, day.weekday(), midnight(day)
    receipts = inventory.receive(rng, world.catalog, day, stores.opens[:, weekday])
    shifts = world.staff.work_day(rng, stores, weekday)
    register_store = stores.register["StoreID"] - 1
    batch = stores.batches(rng, weekday, day0, ids.numbers("Batch", register_store))
    sales = ring_up(rng, world, day, shifts, inventory, ids, batch["BatchNumber"])
    inventory.reorder(rng, day)
    rows = {"Batch": count_drawers(drawer_rng, batch, sales), **sales,
            "TimeClock": shifts.rows(day0, ids.rows("TimeClock", shifts.store.size)),
            "PurchaseOrderEntry": receipts}
    return SimulatedDay(day, rows, inventory.item_dynamic(),
                        inventory.open_orders(world.catalog, day))


def simulate(config: GeneratorConfig, world: World) -> Iterator[SimulatedDay]:
    """Every simulated day of ``config`` in date order; each day has its own random stream."""
    inventory = initial_inventory(np.random.default_rng([config.seed, 1]), world.catalog,
                                  world.daily_units, config.history_start)
    ids = Ids(world.stores.count)
    for day in config.simulated_dates():
        rngs = (np.random.default_rng([config.seed, day.toordinal()]),
                np.random.default_rng([config.seed, DRAWER_STREAM, day.toordinal()]))
        yield simulate_day(rngs, world, inventory, ids, day)
