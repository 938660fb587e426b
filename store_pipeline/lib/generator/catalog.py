"""Departments, categories, suppliers and items with price points, costs and demand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from store_pipeline.lib.generator.columns import DAY, Columns, midnight
from store_pipeline.lib.generator.reference import BRANDS, DEPARTMENTS, SUPPLIER_PREFIXES
from store_pipeline.lib.generator.sampling import to_cents

INACTIVE_SHARE = 0.02
DEAD_SHARE = 0.04  # active items nobody buys any more


@dataclass(frozen=True)
class Catalog:
    """The assortment; per-item arrays are indexed by item position (ItemID - 1)."""

    department: Columns
    category: Columns
    supplier: Columns
    item: Columns
    price: np.ndarray  # cents
    cost: np.ndarray  # cents
    taxable: np.ndarray  # 1.0 or 0.0
    supplier_of: np.ndarray  # supplier position of each item
    lead_days: np.ndarray  # days from order to receipt, per supplier
    popularity: np.ndarray  # relative demand; 0 for dead and inactive items
    dead: np.ndarray
    inactive: np.ndarray

    @property
    def count(self) -> int:
        return self.price.size


def _upc(body: str) -> str:
    """A UPC-A code: 11 digits followed by their check digit."""
    odd = sum(int(c) for c in body[0::2])
    even = sum(int(c) for c in body[1::2])
    return body + str((10 - (3 * odd + even) % 10) % 10)


def _suppliers(rng: np.random.Generator) -> tuple[Columns, np.ndarray, np.ndarray]:
    """Two or three suppliers per department: table, department of each, manufacturer codes."""
    per_dept = rng.integers(2, 4, len(DEPARTMENTS))
    names = [f"{SUPPLIER_PREFIXES[p]} {dept.supplier_suffix}"
             for dept, k in zip(DEPARTMENTS, per_dept, strict=True)
             for p in rng.choice(len(SUPPLIER_PREFIXES), k, replace=False)]
    table = {"ID": np.arange(1, len(names) + 1), "SupplierName": np.array(names, dtype=object)}
    codes = rng.choice(90_000, len(names), replace=False) + 10_000
    return table, np.repeat(np.arange(len(DEPARTMENTS)), per_dept), codes


def _descriptions(rng: np.random.Generator, cat_of: np.ndarray,
                  cats: list[tuple[int, str, tuple[str, ...]]]) -> np.ndarray:
    """"<brand> <product noun of the category> <department variant>" for each item."""
    picks = rng.integers(0, 1000, (3, cat_of.size))
    texts = []
    for c, brand, noun, variant in zip(cat_of, *picks, strict=True):
        dept, _, nouns = cats[c]
        variants = DEPARTMENTS[dept].variants
        texts.append(f"{BRANDS[brand % len(BRANDS)]} {nouns[noun % len(nouns)]} "
                     f"{variants[variant % len(variants)]}")
    return np.array(texts, dtype=object)


def _prices(rng: np.random.Generator, dept_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shelf prices ending in .99/.49/.79 around each department's median; margins 25-60 %."""
    median = np.array([d.median_price for d in DEPARTMENTS])[dept_of]
    dollars = np.floor(median * rng.lognormal(0.0, 0.55, dept_of.size)).astype(np.int64)
    price = dollars * 100 + rng.choice([99, 49, 79], dept_of.size, p=[0.7, 0.15, 0.15])
    cost = np.maximum(1, to_cents(price * (1.0 - rng.uniform(0.25, 0.60, dept_of.size))))
    return price, cost


def build_catalog(rng: np.random.Generator, n_items: int, first_day: date) -> Catalog:
    """``n_items`` items spread over every category, IDs grouped by category."""
    cats = [(d, name, nouns) for d, dept in enumerate(DEPARTMENTS)
            for name, nouns in dept.categories]
    cat_dept = np.array([d for d, _, _ in cats])
    counts = 1 + rng.multinomial(n_items - len(cats), rng.dirichlet(np.full(len(cats), 8.0)))
    cat_of = np.repeat(np.arange(len(cats)), counts)
    dept_of = cat_dept[cat_of]

    supplier, supplier_dept, maker_codes = _suppliers(rng)
    first_supplier = np.searchsorted(supplier_dept, np.arange(len(DEPARTMENTS)))
    dept_suppliers = np.bincount(supplier_dept)
    supplier_of = first_supplier[dept_of] + rng.integers(0, dept_suppliers[dept_of])

    price, cost = _prices(rng, dept_of)
    inactive = rng.random(n_items) < INACTIVE_SHARE
    dead = ~inactive & (rng.random(n_items) < DEAD_SHARE)
    traffic = np.array([d.traffic for d in DEPARTMENTS])[dept_of]
    popularity = np.where(inactive | dead, 0.0, rng.lognormal(0.0, 1.2, n_items) * traffic)

    ids = np.arange(1, n_items + 1)
    age_days = rng.integers(60, 2500, n_items)
    created = midnight(first_day) - age_days * DAY + rng.integers(8 * 3600, 18 * 3600, n_items)
    updated = created + (rng.random(n_items) * (age_days - 1)).astype(np.int64) * DAY
    item = {
        "ID": ids,
        "ItemLookupCode": np.array([_upc(f"0{maker_codes[s]:05d}{i:05d}")
                                    for s, i in zip(supplier_of, ids, strict=True)], dtype=object),
        "Description": _descriptions(rng, cat_of, cats),
        "DepartmentID": dept_of + 1,
        "CategoryID": cat_of + 1,
        "SupplierID": supplier_of + 1,
        "Price": price,
        "Cost": cost,
        "Inactive": inactive.astype(np.int64),
        "DateCreated": created,
        "LastUpdated": updated,
    }
    department = {"ID": np.arange(1, len(DEPARTMENTS) + 1),
                  "Name": np.array([d.name for d in DEPARTMENTS], dtype=object)}
    category = {"ID": np.arange(1, len(cats) + 1), "DepartmentID": cat_dept + 1,
                "Name": np.array([name for _, name, _ in cats], dtype=object)}
    taxable = np.array([float(d.taxable) for d in DEPARTMENTS])[dept_of]
    lead_days = rng.integers(2, 6, supplier["ID"].size)
    return Catalog(department, category, supplier, item, price, cost, taxable, supplier_of,
                   lead_days, popularity, dead, inactive)
