"""A simulated retail chain's POS: one DuckDB snapshot per business date.

``generate_chain(GeneratorConfig(...), outbox)`` writes ``pos_YYYYMMDD.duckdb`` files holding
every table of ``store_pipeline.lib.pos_schema.POS_TABLES``; ``simulate`` yields the days without
writing them. ``GeneratorConfig(dirty=True)`` adds the faults of real backups and a manifest of
them (``store_pipeline.lib.generator.dirty``).
"""

from store_pipeline.lib.generator.chain import generate_chain
from store_pipeline.lib.generator.config import GeneratorConfig
from store_pipeline.lib.generator.simulation import SimulatedDay, simulate
from store_pipeline.lib.generator.world import World, build_world

__all__ = ["GeneratorConfig", "SimulatedDay", "World", "build_world", "generate_chain",
           "simulate"]
