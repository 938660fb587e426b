"""On-hand stock per store x item: sell-down, returns, reorders and purchase-order receipts.

A purchase-order line is open from the evening it is ordered until it is received: in transit
(QuantityReceived 0, no ReceivedTime), or received short (``SHORT_SHIPMENT_SHARE`` of
receipts), when it stays open ``SHORT_OPEN_DAYS`` days waiting on the rest and is then closed
short (QuantityOrdered cut to what came). A line keeps its ID from order to close.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from store_pipeline.lib.generator.catalog import Catalog
from store_pipeline.lib.generator.columns import (
    DAY,
    EPOCH_ORDINAL,
    NULL,
    Columns,
    concat,
    midnight,
    row_count,
)
from store_pipeline.lib.generator.sampling import ranks_in_runs

AUTO_REORDER_SHARE = 0.94  # store x items the replenishment system reorders; the rest run out
SHORT_SHIPMENT_SHARE = 0.04
SHORT_OPEN_DAYS = 2  # a line received short stays open this many days, then closes short
LATE_DELIVERY_SHARE = 0.2  # receipts a day later than the supplier's lead time
DEAD_STOCK_AGE = (61, 400)  # days since a dead item last sold, at the start
NEVER_SOLD_SHARE = 0.3  # of dead items, those without any recorded sale


@dataclass
class Inventory:
    """Stock state; arrays are (stores, items). Times are epoch seconds or NULL."""

    on_hand: np.ndarray
    reorder_point: np.ndarray
    restock_level: np.ndarray
    auto_reorder: np.ndarray
    last_sold: np.ndarray
    last_received: np.ndarray
    lead_days: np.ndarray  # per item
    due: np.ndarray = field(init=False)  # day ordinal an open order arrives, -1 without one
    ordered: np.ndarray = field(init=False)
    order_day: np.ndarray = field(init=False)
    line_id: np.ndarray = field(init=False)  # PurchaseOrderEntry ID of the open order
    short_lines: Columns = field(init=False)  # lines received short, open until "Until"
    _last_line: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.due = np.full(self.on_hand.shape, -1, dtype=np.int64)
        self.ordered = np.zeros(self.on_hand.shape, dtype=np.int64)
        self.order_day = np.zeros(self.on_hand.shape, dtype=np.int64)
        self.line_id = np.zeros(self.on_hand.shape, dtype=np.int64)
        self.short_lines = {}

    def _order(self, store: np.ndarray, item: np.ndarray, day_ordinal: np.ndarray | int) -> None:
        """Order up to the restock level, each order one new purchase-order line."""
        self.ordered[store, item] = self.restock_level[store, item] - self.on_hand[store, item]
        self.order_day[store, item] = day_ordinal
        self.line_id[store, item] = np.arange(self._last_line + 1, self._last_line + 1 + store.size)
        self._last_line += store.size

    def _lines(self, catalog: Catalog, store: np.ndarray, item: np.ndarray) -> Columns:
        """Purchase-order lines of the open orders of (store, item), as ordered."""
        supplier = catalog.supplier_of[item]
        return {"StoreID": store + 1, "ID": self.line_id[store, item],
                "PONumber": _po_numbers(self.order_day[store, item], supplier, store),
                "ItemID": item + 1, "SupplierID": supplier + 1,
                "QuantityOrdered": self.ordered[store, item],
                "QuantityReceived": np.zeros(store.size, dtype=np.int64),
                "Cost": catalog.cost[item], "ReceivedTime": np.full(store.size, NULL)}

    def receive(self, rng: np.random.Generator, catalog: Catalog, day: date,
                opens: np.ndarray) -> Columns:
        """Receive the orders due on ``day`` before the stores open (``opens``: opening minute
        per store); returns their PurchaseOrderEntry lines as closed (a short one is also
        open for ``SHORT_OPEN_DAYS``, see ``open_orders``)."""
        store, item = np.nonzero(self.due == day.toordinal())
        lines = self._lines(catalog, store, item)
        ordered = lines["QuantityOrdered"]
        short = rng.random(store.size) < SHORT_SHIPMENT_SHARE
        partial = np.maximum(1, (ordered * rng.uniform(0.5, 0.95, store.size)).astype(np.int64))
        received = np.where(short, partial, ordered)
        early = rng.integers(30 * 60, 120 * 60, (opens.size, catalog.lead_days.size))
        when = midnight(day) + opens[store] * 60 - early[store, catalog.supplier_of[item]]
        self.on_hand[store, item] += received
        self.last_received[store, item] = when
        self.due[store, item] = -1
        lines.update(QuantityReceived=received, ReceivedTime=when)
        still_short = {name: values[short] for name, values in lines.items()}
        still_short["Until"] = np.full(int(short.sum()), day.toordinal() + SHORT_OPEN_DAYS)
        self.short_lines = concat([t for t in (self.short_lines, still_short) if t])
        return {**lines, "QuantityOrdered": received}

    def open_orders(self, catalog: Catalog, day: date) -> Columns:
        """The purchase-order lines open at the end of ``day``: orders in transit, and lines
        received short within the last ``SHORT_OPEN_DAYS`` days."""
        store, item = np.nonzero(self.due >= 0)
        short = self.short_lines
        if short:
            keep = short["Until"] > day.toordinal()
            short = self.short_lines = {name: values[keep] for name, values in short.items()}
        transit = self._lines(catalog, store, item)
        if not short or not row_count(short):
            return transit
        return concat([transit, {name: short[name] for name in transit}])

    def sell(self, store: np.ndarray, item: np.ndarray, qty: np.ndarray,
             when: np.ndarray) -> np.ndarray:
        """Sell lines given in time order; a line gets at most what is left on hand.

        Returns the quantity each line actually sold (0 when the item had run out)."""
        key = store * self.on_hand.shape[1] + item
        on_hand = self.on_hand.reshape(-1)
        wanted = np.bincount(key, weights=qty, minlength=on_hand.size)
        got = qty.copy()
        short = np.flatnonzero(wanted[key] > on_hand[key])
        got[short] = _ration(key[short], qty[short], on_hand)
        on_hand -= np.bincount(key, weights=got, minlength=on_hand.size).astype(np.int64)
        np.maximum.at(self.last_sold.reshape(-1), key[got > 0], when[got > 0])
        return got

    def take_back(self, store: np.ndarray, item: np.ndarray, qty: np.ndarray) -> None:
        """Put returned units back on hand."""
        np.add.at(self.on_hand, (store, item), qty)

    def reorder(self, rng: np.random.Generator, day: date) -> None:
        """Order up to the restock level for items at or below their reorder point."""
        need = self.auto_reorder & (self.on_hand <= self.reorder_point) & (self.due < 0)
        store, item = np.nonzero(need)
        self._order(store, item, day.toordinal())
        late = rng.random(store.size) < LATE_DELIVERY_SHARE
        self.due[store, item] = day.toordinal() + self.lead_days[item] + late

    def backdate_orders(self, rng: np.random.Generator, start: date) -> None:
        """Orders already on their way at ``start`` for items at or below their reorder point,
        placed fewer than their lead time ago."""
        store, item = np.nonzero(self.auto_reorder & (self.on_hand <= self.reorder_point))
        lead = self.lead_days[item]
        placed = start.toordinal() - 1 - rng.integers(0, lead)
        self._order(store, item, placed)
        self.due[store, item] = placed + lead

    def item_dynamic(self) -> Columns:
        """ItemDynamic rows for the current state."""
        n_stores, n_items = self.on_hand.shape
        return {"StoreID": np.repeat(np.arange(1, n_stores + 1), n_items),
                "ItemID": np.tile(np.arange(1, n_items + 1), n_stores),
                "Quantity": self.on_hand.ravel().copy(),
                "ReorderPoint": self.reorder_point.ravel(),
                "RestockLevel": self.restock_level.ravel(),
                "LastReceived": self.last_received.ravel().copy(),
                "LastSold": self.last_sold.ravel().copy()}


def _ration(key: np.ndarray, wanted: np.ndarray, on_hand: np.ndarray) -> np.ndarray:
    """First come, first served: what each line (in time order) gets of the stock under its
    flat store x item ``key``."""
    order = np.argsort(key, kind="stable")
    key, wanted = key[order], wanted[order]
    before = np.cumsum(wanted) - wanted
    before -= before[np.arange(key.size) - ranks_in_runs(key)]
    got = np.empty_like(wanted)
    got[order] = np.clip(on_hand[key] - before, 0, wanted)
    return got


def _po_numbers(order_day: np.ndarray, supplier: np.ndarray, store: np.ndarray) -> np.ndarray:
    """``PO<store>-<yymmdd of order>-<supplier>``: one purchase order per store, supplier, day."""
    if order_day.size == 0:  # numpy's string functions reject empty arrays
        return np.empty(0, dtype=object)
    orders, row_order = np.unique((order_day * 1000 + supplier) * 1000 + store,
                                  return_inverse=True)
    ordered = (orders // 1_000_000 - EPOCH_ORDINAL).astype("datetime64[D]")
    yymmdd = np.strings.slice(np.strings.replace(np.datetime_as_string(ordered), "-", ""), 2,
                              None)
    store_code = np.strings.zfill((orders % 1000 + 1).astype(str), 3)
    supplier_code = np.strings.zfill((orders // 1000 % 1000 + 1).astype(str), 2)
    return ("PO" + store_code + "-" + yymmdd + "-" + supplier_code).astype(object)[row_order]


def initial_inventory(rng: np.random.Generator, catalog: Catalog, daily_units: np.ndarray,
                      start: date) -> Inventory:
    """Stock at the opening of ``start`` given expected daily units per store x item."""
    shape = daily_units.shape
    lead = catalog.lead_days[catalog.supplier_of]
    reorder_point = (np.ceil(daily_units * (lead + 2)).astype(np.int64)
                     + rng.integers(1, 4, shape))
    cover = np.ceil(daily_units * rng.uniform(7, 21, shape)).astype(np.int64)
    restock_level = reorder_point + np.maximum(cover, 6)
    in_flight = np.ceil(daily_units * lead / 2).astype(np.int64)
    on_hand = rng.integers(np.maximum(reorder_point - in_flight, 0), restock_level + 1)
    auto = (rng.random(shape) < AUTO_REORDER_SHARE) & ~catalog.inactive
    manual = ~auto
    on_hand[manual] = rng.poisson(daily_units[manual] * rng.uniform(2, 30, int(manual.sum())))
    reorder_point[manual] = restock_level[manual] = 0
    on_hand[:, catalog.inactive] = 0

    day0 = midnight(start)
    sold_ago = np.where(catalog.dead, rng.integers(*DEAD_STOCK_AGE, shape),
                        rng.integers(1, 4, shape))
    last_sold = day0 - sold_ago * DAY + rng.integers(10 * 3600, 20 * 3600, shape)
    last_sold[(catalog.dead & (rng.random(shape) < NEVER_SOLD_SHARE)) | catalog.inactive] = NULL
    last_received = day0 - rng.integers(2, 45, shape) * DAY + rng.integers(6 * 3600, 9 * 3600,
                                                                          shape)
    last_received[:, catalog.inactive] = NULL
    inventory = Inventory(on_hand, reorder_point, restock_level, auto, last_sold, last_received,
                          lead)
    inventory.backdate_orders(rng, start)
    return inventory
