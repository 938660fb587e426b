"""Generate a chain's daily POS snapshots into an outbox."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from pathlib import Path

import numpy as np

from store_pipeline.lib.generator.arrivals import (
    REISSUED_FOLDER,
    Arrivals,
    closed,
    write_arrivals_manifest,
)
from store_pipeline.lib.generator.columns import Columns, concat
from store_pipeline.lib.generator.config import GeneratorConfig
from store_pipeline.lib.generator.dirty import DirtyData, write_manifest
from store_pipeline.lib.generator.simulation import TRANSACTIONAL_TABLES, SimulatedDay, simulate
from store_pipeline.lib.generator.snapshot import write_snapshot
from store_pipeline.lib.generator.world import build_world
from store_pipeline.lib.pos_schema import snapshot_file_name

Progress = Callable[[int, int], None]


def with_open_lines(lines: Columns, open_lines: Columns) -> Columns:
    """Purchase-order lines as a backup holds them: each open line as it is now, in place of
    the closed row it will have."""
    closed = {name: values[~np.isin(lines["ID"], open_lines["ID"])]
              for name, values in lines.items()}
    return concat([closed, open_lines])


def generate_chain(config: GeneratorConfig, outbox: Path,
                   progress: Progress | None = None) -> list[Path]:
    """Simulate the chain and write one snapshot per business date; returns their paths in
    date order. ``progress(done_days, total_days)`` is called after each snapshot. A dirty
    chain (``config.dirty``) also writes the manifest of its dirty rows into the outbox, and a
    chain with arrival patterns (``config.arrivals``) the manifest of what they held back."""
    outbox = Path(outbox)
    outbox.mkdir(parents=True, exist_ok=True)
    world = build_world(config)
    master = world.master_tables()
    dirt = DirtyData(config) if config.dirty else None
    arrivals = Arrivals(config.seed) if config.arrivals else None
    closures, reissued = set(config.closures()), config.reissue()
    window: deque[SimulatedDay] = deque(maxlen=config.retention_days)
    paths: list[Path] = []
    for day in simulate(config, world):
        if dirt is not None:
            day = dirt.spoil(day)
        if day.day in closures:
            day = closed(day)
        window.append(day)
        if day.day < config.first_date:
            continue
        today = arrivals.first_issue(day) if arrivals is not None else day.rows
        history = {name: concat([d.rows[name] for d in list(window)[:-1]] + [today[name]])
                   for name in TRANSACTIONAL_TABLES}
        history["PurchaseOrderEntry"] = with_open_lines(history["PurchaseOrderEntry"],
                                                        day.open_orders)
        tables = {**master, **history, "ItemDynamic": day.item_dynamic}
        if dirt is not None:
            tables = dirt.add_future_transactions(day.day, tables)
        name = snapshot_file_name(day.day)
        if arrivals is not None and day.day == reissued:
            (outbox / REISSUED_FOLDER).mkdir(exist_ok=True)
            write_snapshot(outbox / REISSUED_FOLDER / name,
                           arrivals.first_issue_of_reissued(day.day, tables))
        paths.append(write_snapshot(outbox / name, tables))
        if progress is not None:
            progress(len(paths), config.days)
    write_manifest(outbox, dirt)
    write_arrivals_manifest(outbox, arrivals, tuple(sorted(closures)))
    return paths
