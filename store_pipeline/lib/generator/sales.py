"""A day's sales: transactions, their lines (discounts, returns, tax) and their tenders."""

from __future__ import annotations

from datetime import date

import numpy as np

from store_pipeline.lib.generator import demand, tenders
from store_pipeline.lib.generator.columns import NULL, Columns, midnight
from store_pipeline.lib.generator.ids import Ids
from store_pipeline.lib.generator.inventory import Inventory
from store_pipeline.lib.generator.sampling import run_starts, to_cents
from store_pipeline.lib.generator.staff import Shifts
from store_pipeline.lib.generator.world import World

VOID_SHARE = 0.01
RETURN_SHARE = 0.03  # of lines
CUSTOMER_SHARE = 0.35  # of transactions with a known customer
LINE_DISCOUNT_SHARE = 0.08
DISCOUNT_RATES = np.array([0.10, 0.15, 0.20, 0.25, 0.30, 0.50])
DISCOUNT_WEIGHTS = np.array([0.30, 0.20, 0.20, 0.10, 0.15, 0.05])
PROMO_ITEM_SHARE = 0.03  # items on promotion chain-wide on a given day
PROMO_RATES = np.array([0.15, 0.20, 0.25, 0.33])


def _baskets(rng: np.random.Generator, world: World,
             store: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lines for transactions at the given stores: transaction index, item position, quantity
    (negative on returns). Lines come in transaction order."""
    line_tx = np.repeat(np.arange(store.size), demand.lines_per_transaction(rng, store.size))
    item = world.item_picker.draw(rng, store[line_tx])
    qty = demand.units_per_line(rng, line_tx.size)
    returned = rng.random(line_tx.size) < RETURN_SHARE
    qty[returned] = -np.minimum(qty[returned], 2)
    return line_tx, item, qty


def _fulfil(inventory: Inventory, store: np.ndarray, when: np.ndarray, voided: np.ndarray,
            item: np.ndarray, qty: np.ndarray) -> np.ndarray:
    """Quantities after stock limits (per line: store, time, voided). Sales of non-voided
    transactions take stock; their returns go back on hand at the end of the day."""
    qty = qty.copy()
    sale = (qty > 0) & ~voided
    qty[sale] = inventory.sell(store[sale], item[sale], qty[sale], when[sale])
    back = (qty < 0) & ~voided
    inventory.take_back(store[back], item[back], -qty[back])
    return qty


def _some(rng: np.random.Generator, n: int, share: float, rates: np.ndarray,
          weights: np.ndarray | None = None) -> np.ndarray:
    """A discount rate for a random ``share`` of ``n`` entries, 0 for the others."""
    rate = np.zeros(n)
    hit = rng.random(n) < share
    rate[hit] = rng.choice(rates, int(hit.sum()), p=weights)
    return rate


def _unit_prices(rng: np.random.Generator, world: World,
                 item: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """List and charged unit prices (cents): the day's promotions and ad-hoc line markdowns."""
    promo = _some(rng, world.catalog.count, PROMO_ITEM_SHARE, PROMO_RATES)
    markdown = _some(rng, item.size, LINE_DISCOUNT_SHARE, DISCOUNT_RATES, DISCOUNT_WEIGHTS)
    rate = np.maximum(promo[item], markdown)
    full = world.catalog.price[item]
    price = np.where(rate > 0, full - np.maximum(1, to_cents(full * rate)), full)
    return full, price


def _drop_empty(line_tx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For lines in transaction order: the transactions that still have lines, and each line's
    index among those transactions."""
    starts = run_starts(line_tx)
    sizes = np.diff(np.append(starts, line_tx.size))
    return line_tx[starts], np.repeat(np.arange(starts.size), sizes)


def _shop(rng: np.random.Generator, world: World, day: date, inventory: Inventory
          ) -> tuple[np.ndarray, ...]:
    """Who shops when and what they take, within stock. Returns per transaction its store
    position, second of the day and voided flag, and per line its transaction index, item
    position and quantity; transactions left without lines are dropped."""
    stores, day0 = world.stores, midnight(day)
    counts = demand.transaction_counts(rng, stores, world.per_store_day, day)
    store, secs = demand.transaction_times(rng, world.arrivals[day.weekday()], counts)
    voided = rng.random(store.size) < VOID_SHARE
    line_tx, item, qty = _baskets(rng, world, store)
    qty = _fulfil(inventory, store[line_tx], day0 + secs[line_tx], voided[line_tx], item, qty)
    line_tx, item, qty = line_tx[qty != 0], item[qty != 0], qty[qty != 0]
    kept, line_tx = _drop_empty(line_tx)
    return store[kept], secs[kept], voided[kept], line_tx, item, qty


def _tender_rows(rng: np.random.Generator, ids: Ids, store: np.ndarray, number: np.ndarray,
                 total: np.ndarray, voided: np.ndarray) -> Columns:
    """TenderEntry rows paying every transaction that was not voided."""
    paid = np.flatnonzero(~voided)
    tx, tender, amount = tenders.pay(rng, total[paid])
    return {"StoreID": store[paid][tx] + 1, "ID": ids.rows("TenderEntry", tx.size),
            "TransactionNumber": number[paid][tx], "TenderID": tender, "Amount": amount}


def ring_up(rng: np.random.Generator, world: World, day: date, shifts: Shifts,
            inventory: Inventory, ids: Ids, batch_numbers: np.ndarray) -> dict[str, Columns]:
    """Transaction, TransactionEntry and TenderEntry rows for ``day``.

    ``batch_numbers`` holds today's BatchNumber of each register, by RegisterID - 1."""
    stores, day0 = world.stores, midnight(day)
    store, secs, voided, line_tx, item, qty = _shop(rng, world, day, inventory)
    full, price = _unit_prices(rng, world, item)
    tax = to_cents(price * qty * stores.tax_rate[store[line_tx]] * world.catalog.taxable[item])
    starts = run_starts(line_tx)
    total = np.add.reduceat(price * qty + tax, starts)
    number = ids.numbers("Transaction", store)
    register = stores.first_register[store] + (rng.random(store.size)
                                               * stores.registers[store]).astype(np.int64)
    customer = np.full(store.size, NULL)
    known = rng.random(store.size) < CUSTOMER_SHARE
    customer[known] = world.customers.draw(rng, store[known])
    transaction = {
        "StoreID": store + 1, "TransactionNumber": number,
        "BatchNumber": batch_numbers[register - 1], "RegisterID": register,
        "CashierID": shifts.pick(rng, stores.count, store, secs), "CustomerID": customer,
        "Time": day0 + secs, "Total": total, "SalesTax": np.add.reduceat(tax, starts),
        "Voided": voided.astype(np.int64),
    }
    entry = {
        "StoreID": store[line_tx] + 1, "ID": ids.rows("TransactionEntry", line_tx.size),
        "TransactionNumber": number[line_tx], "ItemID": item + 1, "Quantity": qty,
        "Price": price, "FullPrice": full, "Cost": world.catalog.cost[item], "SalesTax": tax,
        "TransactionTime": day0 + secs[line_tx],
    }
    return {"Transaction": transaction, "TransactionEntry": entry,
            "TenderEntry": _tender_rows(rng, ids, store, number, total, voided)}
